"""Which language a message is in: English, Urdu script or Roman Urdu."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, Optional, Tuple

import yaml

from bot.nlu.normalise import normalise
from bot.nlu.roman import WORDS_FILE, fold_roman, squeeze

EN, UR, ROMAN_UR = "en", "ur", "roman_ur"

_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# A token with a digit in it is an identifier or an amount, not language evidence.
_HAS_DIGIT = re.compile(r"\d")
# Latin words that only label an identifier ("PCMS-12345678", "CNIC 35202...").
_LABELS = frozenset({"pcms", "cnic", "nic", "no", "num", "rs", "pkr", "id", "tel", "ph"})
# Orthography for Latin words in no list: English spellings vs Roman Urdu ones.
_ENGLISH_SHAPE = re.compile(r"(tion|ing|ould|ight|ough|ness|ment|ph|wh|th[eiy]|ly)$|^(th|wh)")
_ROMAN_SHAPE = re.compile(r"(aa|ay|ain|ein|iye|wala|wali|gi|ga|na|ni|ne|on|ey)$|kh|gh|q[^u]|q$")


@dataclass(frozen=True)
class LanguageGuess:
    """A language code (None when the text has no words) and how sure the guess is."""

    code: Optional[str]
    confidence: float


@lru_cache(maxsize=1)
def _word_lists() -> Tuple[FrozenSet[str], FrozenSet[str], FrozenSet[str]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}

    def words(key: str) -> FrozenSet[str]:
        return frozenset(str(w).lower() for w in data.get(key) or [])

    # Each word is in one list only (a test refuses overlaps).
    return words("english"), words("roman_urdu"), words("neutral")


@lru_cache(maxsize=1)
def _listed_words() -> FrozenSet[str]:
    english, roman, neutral = _word_lists()
    return english | roman | neutral


def _is_urdu_letter(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF


def _latin_scores(words: list) -> Tuple[float, float]:
    """(English, Roman Urdu) evidence from the Latin words of a message."""
    english, roman, neutral = _word_lists()
    listed = _listed_words()
    en = ru = 0.0
    for word in words:
        if word not in listed:
            # Letters held for emphasis ("yesss", "okk") and possessives ("mother's")
            # spell a listed word.
            candidates = [squeeze(word, at_least=3)]
            if word.endswith("'s"):
                candidates.append(word[:-2])
            if len(word) > 3 and word[-1] == word[-2]:
                candidates.append(word[:-1])
            word = next((c for c in candidates if c in listed), word)
        if word in neutral:
            continue
        if word in english:
            en += 1.0
        elif word in roman:
            ru += 1.0
        elif fold_roman(word) in roman:
            # another spelling of a Roman Urdu word ("mjy", "paisay", "kithay")
            ru += 0.8
        elif _ENGLISH_SHAPE.search(word):
            en += 0.25
        elif _ROMAN_SHAPE.search(word):
            ru += 0.25
    return en, ru


def detect_with_confidence(text: object) -> LanguageGuess:
    """The language of `text` with a confidence in [0, 1].

    Urdu script wins when half of the letters, or any word, are in Arabic script.
    Latin text is scored word by word; a Roman Urdu sentence with English loanwords
    ("mera payment status kya hai") stays Roman Urdu because loanwords are neutral.
    A confidence under 0.6 means there was little evidence: keep the language the
    conversation already has.
    """
    folded = normalise(text)
    tokens = [t for t in re.split(r"[^\w']+", folded) if t and not _HAS_DIGIT.search(t)]
    tokens = [t for t in tokens if t not in _LABELS and not t.isdigit()]
    letters = [ch for t in tokens for ch in t if ch.isalpha()]
    if not letters:
        return LanguageGuess(None, 1.0)
    urdu = sum(1 for ch in letters if _is_urdu_letter(ch))
    ratio = urdu / len(letters)
    has_urdu_word = any(sum(_is_urdu_letter(ch) for ch in t) >= 2 for t in tokens)
    if ratio >= 0.5 or has_urdu_word:
        # Whoever types a word in Urdu script reads it ("fingerprint match نہیں ہو رہا").
        return LanguageGuess(UR, round(0.5 + max(ratio, 0.2) / 2, 3))
    latin_words = [w for t in tokens for w in _LATIN_WORD.findall(t)]
    if not latin_words:
        # Letters of another script (Hindi, Chinese...): no language we serve.
        return LanguageGuess(None, 0.5)
    en, ru = _latin_scores(latin_words)
    if en == ru:
        # No evidence: most people on this line write Roman Urdu.
        return LanguageGuess(ROMAN_UR, 0.5)
    code = EN if en > ru else ROMAN_UR
    return LanguageGuess(code, round((max(en, ru) + 1) / (en + ru + 2), 3))


def detect_language(text: object) -> Optional[str]:
    """'en', 'ur', 'roman_ur', or None when the text has no words."""
    return detect_with_confidence(text).code
