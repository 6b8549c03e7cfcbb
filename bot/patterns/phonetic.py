"""Sound skeletons: one key for a word however it is spelled, in Roman or Urdu script.

"Madina", "madeena", "medina" and "مدینہ" all become "mdn"; "kiryana", "karyana" and
"کریانہ" become "krn". Vowels, and the letters Urdu writes for them (ا و ی ے ہ ع), are
dropped; letters that sound alike (ق/ک/q/k, ص/س/ث/s, ط/ت/ٹ/t, ز/ذ/ض/ظ/z) share one symbol;
Roman digraphs (kh, gh, sh, ch, ph, th, dh, bh) are one letter as in Urdu.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import List

URDU = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "C", "خ": "x",
    "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s",
    "ش": "S", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "غ": "G", "ف": "f", "ق": "k",
    "ک": "k", "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n",
}  # fmt: skip
# Letters that stand for vowels or breath in Urdu: the Roman side drops its vowels too.
URDU_SILENT = set("اآأإٱوؤیيىئےۓہھةهحعء")
ROMAN_DIGRAPHS = (
    ("kh", "x"), ("gh", "G"), ("sh", "S"), ("ch", "C"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("bh", "b"), ("ck", "k"),
)  # fmt: skip
ROMAN_SAME = str.maketrans({"q": "k", "c": "k", "v": "", "w": "", "y": "", "h": ""})
_VOWELS = re.compile(r"[aeiou]")
_RUN = re.compile(r"(.)\1+")
_TOKEN = re.compile(r"[a-z]+|[\u0600-\u06ff]+")


def _roman(word: str) -> str:
    for pair, symbol in ROMAN_DIGRAPHS:
        word = word.replace(pair, symbol)
    return _VOWELS.sub("", word).translate(ROMAN_SAME)


def _urdu(word: str) -> str:
    return "".join(URDU.get(ch, "") for ch in word if ch not in URDU_SILENT)


@lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    """The sound skeleton of one word ("" for a word of vowels only, like "ai")."""
    word = word.lower()
    key = _urdu(word) if word and "\u0600" <= word[0] <= "\u06ff" else _roman(word)
    return _RUN.sub(r"\1", key)


def words(text: str) -> List[str]:
    """The words of a text, Latin letters lower-cased; digits and punctuation dropped."""
    return _TOKEN.findall((text or "").lower())


def skeletons(text: str) -> List[str]:
    """The skeleton of every word of `text`, in order, empty ones left out."""
    return [key for key in (skeleton(w) for w in words(text)) if key]
