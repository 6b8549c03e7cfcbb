"""Roman Urdu spelling folding: one canonical form for the many ways a word is typed."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Tuple

import yaml

from bot.nlu.normalise import normalise

LEXICON_FILE = Path(__file__).with_name("roman_lexicon.yml")
WORDS_FILE = Path(__file__).with_name("langid_words.yml")

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_LONG_RUN = re.compile(r"([a-z])\1{2,}")
_ANY_RUN = re.compile(r"([a-z])\1+")


class LexiconError(ValueError):
    """The lexicon file maps one spelling to two different words."""


def squeeze(word: str, at_least: int = 2) -> str:
    """Collapse runs of `at_least` or more of the same letter to one letter."""
    return (_ANY_RUN if at_least <= 2 else _LONG_RUN).sub(r"\1", word)


@lru_cache(maxsize=1)
def load_lexicon() -> Tuple[Dict[str, str], Dict[str, str]]:
    """(spelling -> lemma, squeezed skeleton -> lemma) from roman_lexicon.yml.

    A skeleton ("pese" -> "pese", "paisay" -> "paisay") is kept only when every
    spelling that shares it belongs to the same lemma, so squeezing never merges
    two different words.
    """
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) or {}
    exact: Dict[str, str] = {}
    for lemma, variants in (data.get("lemmas") or {}).items():
        for spelling in [lemma, *(variants or [])]:
            spelling = str(spelling).lower()
            if spelling in exact and exact[spelling] != lemma:
                raise LexiconError(
                    f"{spelling!r} is listed under {exact[spelling]!r} and {lemma!r}"
                )
            exact[spelling] = lemma
    skeletons: Dict[str, str] = {}
    ambiguous = set()
    for spelling, lemma in exact.items():
        key = squeeze(spelling)
        if key in skeletons and skeletons[key] != lemma:
            ambiguous.add(key)
        skeletons.setdefault(key, lemma)
    for key in ambiguous:
        del skeletons[key]
    return exact, skeletons


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """English words that squeezing must not turn into Roman Urdu ("see" is not "se")."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    words = set(data.get("english") or []) | set(data.get("neutral") or [])
    return frozenset(str(w).lower() for w in words)


@lru_cache(maxsize=50_000)
def fold_roman(token: str) -> str:
    """Canonical form of one Roman Urdu token; other tokens come back normalised."""
    word = normalise(token)
    if not word or not _WORD.fullmatch(word):
        return word
    exact, skeletons = load_lexicon()
    if word in exact:
        return exact[word]
    # Elongation for emphasis ("nahiii", "paiseeee") never has 3 letters in the root.
    word = squeeze(word, at_least=3)
    if word in exact:
        return exact[word]
    if word in english_words():
        return word
    return skeletons.get(squeeze(word), word)


def fold_roman_text(text: str) -> str:
    """Normalise `text` and fold every Roman word in it; other characters stay."""
    return _WORD.sub(lambda m: fold_roman(m.group(0)), normalise(text))
