"""Held-out NLU messages that also appear, normalised, in the training data.

    .venv/bin/python bench/heldout_overlap.py      # lists overlaps; exit status 1 if any

A held-out message "overlaps" a training example when both fold to the same key: entity
mark-up dropped, `bot.nlu.normalise` folding (Urdu letters, digits, case), punctuation,
emoji and digits dropped, letters held for emphasis squeezed ("okk" = "ok"). A message
that is only a number (a CNIC, a phone, a date) keeps its digits, since two different
numbers are two different messages (so is a number with only a label, "Rs 500"). A "near copy" is a held-out message of four or more
words whose key is at least 85 % similar (difflib ratio) to a training key.
`tests/bench/test_heldout_overlap.py` fails on either, and `bench/nlu_eval.py` reports them.
The "unseen" files (bench/data/unseen_<lang>.yml) are held out the same way.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LANGS = ("en", "ur", "roman_ur")
# The files never trained on, per language: bench/data/<set>_<lang>.yml.
SETS = ("heldout", "unseen")
NEAR_RATIO = 0.85
NEAR_MIN_WORDS = 4
_MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_WORD = re.compile(r"[^\W\d_]+")
_HELD = re.compile(r"(.)\1+")
# Labels that come with a number ("PCMS 1234…", "Rs 500"): with only these, the number counts.
_LABELS = frozenset({"pcms", "cnic", "nic", "no", "number", "rs", "pkr", "id"})


def overlap_key(text: str) -> str:
    """The folded form two messages share when one is a copy of the other."""
    from bot.nlu.normalise import normalise

    plain = normalise(_MARKUP.sub(r"\1", text)).casefold()
    words = [_HELD.sub(r"\1", w) for w in _WORD.findall(plain)]
    if set(words) - _LABELS:
        return " ".join(words)
    return " ".join([*words, "#" + re.sub(r"\D", "", plain)])


def examples(path: Path) -> Iterator[Tuple[str, str]]:
    """(intent, text) of every example line of a Rasa NLU YAML file."""
    import yaml

    for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in (item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield item.get("intent", ""), line[2:]


def overlaps(lang: str, root: Path = ROOT, held: str = "heldout") -> List[Tuple[str, str, str]]:
    """(kind, held-out text, training text) for every exact or near overlap in `lang`
    (`held`: which set of bench/data, "heldout" or "unseen")."""
    train: Dict[str, str] = {}
    by_word: Dict[str, Set[str]] = defaultdict(set)
    for path in sorted((root / "data" / "nlu" / lang).glob("*.yml")):
        for _, text in examples(path):
            key = overlap_key(text)
            train.setdefault(key, text)
            for word in key.split():
                by_word[word].add(key)
    found = []
    path = root / "bench" / "data" / f"{held}_{lang}.yml"
    for _, text in examples(path) if path.exists() else ():
        key = overlap_key(text)
        if key in train:
            found.append(("exact", text, train[key]))
        elif len(key.split()) >= NEAR_MIN_WORDS:
            near = _nearest(key, by_word)
            if near:
                found.append(("near", text, train[near]))
    return found


def _nearest(key: str, by_word: Dict[str, Set[str]]) -> Optional[str]:
    """The training key at least NEAR_RATIO similar to `key` (sharing two words), if any."""
    shared: Counter = Counter(k for word in set(key.split()) for k in by_word.get(word, ()))
    candidates = [k for k, n in shared.items() if n >= 2]
    near = difflib.get_close_matches(key, candidates, n=1, cutoff=NEAR_RATIO)
    return near[0] if near else None


def main() -> int:
    total = 0
    for held_set in SETS:
        for lang in LANGS:
            for kind, held, trained in overlaps(lang, held=held_set):
                total += 1
                print(f"{held_set}_{lang}\t{kind}\t{held}\t<->\t{trained}")
    print(f"{total} held-out messages overlap the training data")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
