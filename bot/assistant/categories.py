"""Which kind of complaint a person means, from the words of bot/assistant/complaint_words.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from bot.nlu.roman import fold_roman

WORDS_FILE = Path(__file__).with_name("complaint_words.yml")
_WORD = re.compile(r"[^\W_]+")

# A phrase is a tuple of words; a word ending in "*" matches any word it begins.
Phrase = Tuple[str, ...]


def folded_words(text: str) -> List[str]:
    """The words of `text` as the NLU sees them: folded, Roman Urdu spellings unified."""
    return [fold_roman(w) for w in _WORD.findall(text or "")]


def fold_entry(entry: str) -> Phrase:
    """A vocabulary entry as folded words ("don't" is "don", "t", as in a message)."""
    out: List[str] = []
    for part in str(entry).split():
        words = folded_words(part.rstrip("*"))
        if words and part.endswith("*"):
            words[-1] += "*"
        out += words
    return tuple(out)


@lru_cache(maxsize=1)
def vocabulary() -> List[Tuple[str, List[Phrase]]]:
    """(category, phrases) in the file's order."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    return [(category, [fold_entry(e) for e in entries]) for category, entries in data.items()]


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def has_phrase(words: List[str], phrase: Phrase) -> bool:
    n = len(phrase)
    return any(
        all(_word_matches(p, w) for p, w in zip(phrase, words[i : i + n], strict=True))
        for i in range(len(words) - n + 1)
    )


def category_from_words(text: str) -> Optional[str]:
    """The first category whose words appear in `text`, or None."""
    words = folded_words(text)
    for category, phrases in vocabulary():
        if any(has_phrase(words, phrase) for phrase in phrases):
            return category
    return None
