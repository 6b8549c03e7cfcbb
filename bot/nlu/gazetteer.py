"""Finding district and programme names in a message, from config/*.yml alias lists."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Pattern, Tuple

import yaml
from rapidfuzz import fuzz, process

from bot.core.districts import load_districts
from bot.nlu.normalise import normalise

logger = logging.getLogger(__name__)

FUZZY_MIN_LENGTH = 6
FUZZY_MIN_SCORE = 90
# Fuzzy matching looks at the first words only: a helpline message names its place early,
# and a 5,000-character paste must not cost seconds.
FUZZY_MAX_WORDS = 60

_LATIN_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Gazetteer:
    """Normalised alias -> canonical value, the regex that finds them, fuzzy choices."""

    entity: str
    aliases: Dict[str, str]
    pattern: Optional[Pattern[str]]
    fuzzy_choices: Tuple[str, ...]


def _compile(entity: str, pairs: Iterable[Tuple[str, str]], fuzzy: bool) -> Gazetteer:
    aliases: Dict[str, str] = {}
    clashes = set()
    for alias, value in pairs:
        key = normalise(alias)
        if not key:
            continue
        if key in aliases and aliases[key] != value:
            clashes.add(key)
        aliases.setdefault(key, value)
    for key in clashes:
        # An alias two values share cannot name either: the bot has to ask.
        logger.warning("%s alias %r is ambiguous; ignored", entity, key)
        del aliases[key]
    pattern = None
    if aliases:
        ordered = sorted(aliases, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in ordered)
        pattern = re.compile(rf"(?<![\w])(?:{body})(?![\w])")
    choices = tuple(a for a in aliases if fuzzy and _LATIN_WORD.fullmatch(a.replace(" ", "")))
    return Gazetteer(entity, aliases, pattern, choices)


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("cannot read %s: %s", path, exc)
        return {}


def _as_list(value: object) -> List[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


@lru_cache(maxsize=4)
def district_gazetteer(path: Optional[str] = None) -> Gazetteer:
    """Districts: English name, Urdu name and aliases -> English name."""
    districts = load_districts(path) if path else load_districts()
    pairs = [(alias, d.name) for d in districts for alias in (d.name, d.urdu, *d.aliases)]
    return _compile("district", pairs, fuzzy=True)


@lru_cache(maxsize=4)
def programme_gazetteer(path: Optional[str] = None) -> Gazetteer:
    """Programmes: the key and its aliases (config/programmes.yml) -> the key."""
    if path is None:
        from bot.core.settings import get_settings

        path = get_settings().PROGRAMMES_FILE
    data = _read_yaml(Path(path))
    pairs: List[Tuple[str, str]] = []
    for key, item in (data.get("programmes") or {}).items():
        item = item or {}
        names = item.get("names") or {}
        spoken_key = str(key).replace("_", " ")
        for alias in [spoken_key, *_as_list(item.get("aliases")), *names.values()]:
            pairs.append((alias, str(key)))
    # Programme names are short and close to everyday words ("wazifa"), so no fuzzing.
    return _compile("programme", pairs, fuzzy=False)


Match = Tuple[int, int, str]  # start, end (in the normalised text), canonical value


def find_names(
    gazetteer: Gazetteer, folded: str, common_words: FrozenSet[str] = frozenset()
) -> List[Match]:
    """Exact alias matches, then fuzzy matches of long Roman words in the rest."""
    if gazetteer.pattern is None:
        return []
    found: List[Match] = [
        (m.start(), m.end(), gazetteer.aliases[m.group(0)])
        for m in gazetteer.pattern.finditer(folded)
    ]
    if gazetteer.fuzzy_choices:
        found.extend(_fuzzy(gazetteer, folded, found, common_words))
    return sorted(found)


def _fuzzy(
    gazetteer: Gazetteer, folded: str, taken: List[Match], common_words: FrozenSet[str]
) -> List[Match]:
    words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[a-z]+", folded)]
    words = words[:FUZZY_MAX_WORDS]
    out: List[Match] = []
    busy = [(s, e) for s, e, _ in taken]
    # Longer phrases first, so "dera gazi khan" wins over "gazi".
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            group = words[i : i + size]
            start, end = group[0][0], group[-1][1]
            if any(s < end and start < e for s, e in busy):
                continue
            if any(w in common_words for _, _, w in group):
                continue
            phrase = " ".join(w for _, _, w in group)
            if len(phrase.replace(" ", "")) < FUZZY_MIN_LENGTH:
                continue
            hit = process.extractOne(
                phrase, gazetteer.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE
            )
            if hit:
                out.append((start, end, gazetteer.aliases[hit[0]]))
                busy.append((start, end))
    return out
