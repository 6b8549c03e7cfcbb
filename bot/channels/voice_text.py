"""Text for the voice line: spoken form of replies, keypad entries read back digit by digit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional

from bot.core.identifiers import check_cnic, check_ticket_number

_DIGIT_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "ur": ["صفر", "ایک", "دو", "تین", "چار", "پانچ", "چھ", "سات", "آٹھ", "نو"],
}
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "ur": [
        "جنوری",
        "فروری",
        "مارچ",
        "اپریل",
        "مئی",
        "جون",
        "جولائی",
        "اگست",
        "ستمبر",
        "اکتوبر",
        "نومبر",
        "دسمبر",
    ],
}
_RUPEES = {"en": "rupees", "ur": "روپے"}

_URL = re.compile(r"(https?://|www\.)\S+?(?=[.,;!?]?(?:\s|$))", re.I)
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe0f\U0001f1e6-\U0001f1ff\u200d]"
)


def _lang(language: Optional[str]) -> str:
    return "ur" if language == "ur" else "en"


def spell_digits(digits: str, language: Optional[str], groups: Optional[List[int]] = None) -> str:
    """'3 5 2 0 2, 1 2 3 ...' as words, with pauses between groups."""
    words = _DIGIT_WORDS[_lang(language)]
    sizes = groups or [len(digits)]
    out, i = [], 0
    for size in sizes:
        chunk = digits[i : i + size]
        i += size
        if chunk:
            out.append(" ".join(words[int(d)] for d in chunk))
    return ("، " if _lang(language) == "ur" else ", ").join(out)


def speakable(text: str, language: Optional[str]) -> str:
    """A reply made fit to be spoken: no links, emoji or markdown; numbers read naturally."""
    lang = _lang(language)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _EMOJI.sub("", text)
    text = re.sub(r"[*_`#>|]", "", text)
    # Rs. 13,500 / PKR 13500 / 13,500 روپے -> 13500 rupees (TTS reads 13500 as a number)
    text = re.sub(
        r"(?:Rs\.?|PKR|روپے)\s*([\d,]+)",
        lambda m: f"{m.group(1).replace(',', '')} {_RUPEES[lang]}",
        text,
        flags=re.I,
    )
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"PCMS-?(\d{8})", lambda m: spell_digits(m.group(1), lang, [4, 4]), text)
    text = re.sub(
        r"\b(\d{5})-(\d{7})-(\d)\b",
        lambda m: spell_digits("".join(m.groups()), lang, [5, 7, 1]),
        text,
    )
    text = re.sub(r"\+?\b\d{10,13}\b", lambda m: spell_digits(m.group(0).lstrip("+"), lang), text)
    text = re.sub(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", lambda m: _say_date(m, lang), text)
    text = re.sub(r"\s+([,.۔؟?!])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _say_date(m: re.Match, lang: str) -> str:
    day, month, year = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        return m.group(0)
    return f"{day} {_MONTHS[lang][month - 1]} {year}"


@dataclass(frozen=True)
class KeypadEntry:
    """A number typed on the keypad: what it is, what Rasa gets, how it is read back."""

    kind: str  # "cnic", "ticket", "date"
    value: str  # text for the assistant: 13 digits, PCMS-..., YYYY-MM-DD

    def read_back(self, language: Optional[str]) -> str:
        lang = _lang(language)
        if self.kind == "cnic":
            return spell_digits(self.value, lang, [5, 7, 1])
        if self.kind == "ticket":
            return spell_digits(self.value[-8:], lang, [4, 4])
        y, m, d = (int(p) for p in self.value.split("-"))
        return f"{d} {_MONTHS[lang][m - 1]} {y}"

    def encode(self) -> str:
        return f"{self.kind}:{self.value}"

    @staticmethod
    def decode(raw: Optional[str]) -> Optional[KeypadEntry]:
        if not raw or ":" not in raw:
            return None
        kind, value = raw.split(":", 1)
        return KeypadEntry(kind, value)


def keypad_entry(digits: str, expected: Optional[str] = None) -> Optional[KeypadEntry]:
    """13 digits: a CNIC; 8 digits: a ticket number (valid check digit) or a DDMMYYYY date.

    `expected` ("cnic", "ticket", "date"), when the assistant asked for one, settles
    8 digits that would be both a ticket number and a date.
    """
    digits = re.sub(r"\D", "", digits or "")
    if len(digits) == 13 and check_cnic(digits).ok and expected in (None, "cnic"):
        return KeypadEntry("cnic", digits)
    if len(digits) != 8:
        return None
    ticket = check_ticket_number(digits)
    as_date = _date(digits)
    if expected == "date" or (expected is None and not ticket.ok):
        return KeypadEntry("date", as_date) if as_date else None
    if ticket.ok and expected in (None, "ticket"):
        return KeypadEntry("ticket", str(ticket.number))
    return None


def _date(digits: str) -> Optional[str]:
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2])).isoformat()
    except ValueError:
        return None


def mostly_digits(speech: str) -> bool:
    """Speech that carries a long number: such numbers are taken from the keypad only."""
    return len(re.sub(r"\D", "", speech or "")) >= 5
