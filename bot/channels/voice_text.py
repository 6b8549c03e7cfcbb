"""Text for the voice line: spoken form of replies, keypad entries read back digit by digit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional

from bot.assistant.format import quarter_text
from bot.core.identifiers import TICKET_NUMBER, check_cnic, check_ticket_number
from bot.nlu.extract import extract_entities
from bot.nlu.normalise import normalise
from bot.nlu.numbers import find_number_runs
from bot.nlu.spoken import parse_date, spoken_digits, voice_words

_QUARTER = re.compile(r"\b(\d{4})\s*-?\s*Q([1-4])\b", re.I)
_SHORT_MONTH = re.compile(r"\b(\d{1,2}) (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

_URL = re.compile(r"(https?://|www\.)\S+?(?=[.,;!?]?(?:\s|$))", re.I)
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe0f\U0001f1e6-\U0001f1ff\u200d]"
)


def _lang(language: Optional[str]) -> str:
    return "ur" if language == "ur" else "en"


def _said(key: str, language: Optional[str]) -> str:
    table = voice_words()["say"][key]
    return str(table.get(language) or table[_lang(language)])


def month_name(month: int, language: Optional[str]) -> str:
    """The month as it is said: "March", "مارچ"."""
    return _said("months", language).split()[month - 1]


def say_date(day: date, language: Optional[str]) -> str:
    """12 March 2019 / 12 مارچ 2019."""
    return f"{day.day} {month_name(day.month, language)} {day.year}"


def spell_digits(digits: str, language: Optional[str], groups: Optional[List[int]] = None) -> str:
    """'3 5 2 0 2, 1 2 3 ...' as words, with pauses between groups."""
    words = _said("digits", language).split()
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
        lambda m: f"{m.group(1).replace(',', '')} {_said('rupees', lang)}",
        text,
        flags=re.I,
    )
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = TICKET_NUMBER.sub(
        lambda m: spell_digits(re.sub(r"\D", "", m.group(1)), lang, [4, 4]), text
    )
    text = re.sub(
        r"\b(\d{5})-(\d{7})-(\d)\b",
        lambda m: spell_digits("".join(m.groups()), lang, [5, 7, 1]),
        text,
    )
    text = re.sub(r"\+?\b\d{10,13}\b", lambda m: spell_digits(m.group(0).lstrip("+"), lang), text)
    # 0800-26477: a phone number with a dash, said digit by digit with a pause
    text = re.sub(
        r"\b(0\d{3})-(\d{5,8})\b",
        lambda m: spell_digits("".join(m.groups()), lang, [len(m.group(1)), len(m.group(2))]),
        text,
    )
    # 2022-23, a financial year: "2022 to 2023"
    text = re.sub(
        r"\b(20)(\d\d)-(\d\d)\b",
        lambda m: f"{m.group(1)}{m.group(2)} {_said('until', lang)} {m.group(1)}{m.group(3)}",
        text,
    )
    text = re.sub(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", lambda m: _say_date(m, lang), text)
    text = _ISO_DATE.sub(lambda m: _say_date(m, lang, year_first=True), text)
    text = _QUARTER.sub(
        lambda m: quarter_text(f"{m.group(1)}-Q{m.group(2)}", lang, spoken=True), text
    )
    text = _SHORT_MONTH.sub(lambda m: f"{m.group(1)} {_full_month(m.group(2), lang)}", text)
    for short, names in voice_words()["say"]["names"].items():
        text = re.sub(rf"\b{short}\b", names.get(lang) or names["en"], text)
    # An aside in brackets is heard as one between pauses.
    pause = "،" if lang == "ur" else ","
    text = re.sub(r"\s*\(\s*([^()]*?)\s*\)", lambda m: f"{pause} {m.group(1)}{pause}", text)
    text = re.sub(r"[,،]\s*([,،.۔؟?!])", r"\1", text)
    text = re.sub(r"\s+([,،.۔؟?!])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def _say_date(m: re.Match, lang: str, year_first: bool = False) -> str:
    day, month, year = (int(g) for g in m.groups())
    if year_first:
        day, year = year, day
    try:
        return say_date(date(year, month, day), lang)
    except ValueError:
        return m.group(0)


def _full_month(short: str, lang: str) -> str:
    for month in range(1, 13):
        if month_name(month, "en").lower().startswith(short.lower()[:3]):
            return month_name(month, lang)
    return short


@dataclass(frozen=True)
class KeypadEntry:
    """A number keyed in or said: what it is, what Rasa gets, how it is read back."""

    kind: str  # "cnic", "ticket", "date"; "said" for speech with amounts in it
    value: str  # text for the assistant: 13 digits, PCMS-..., YYYY-MM-DD, the speech
    heard: bool = False  # taken from speech, not keyed in

    def read_back(self, language: Optional[str]) -> str:
        lang = _lang(language)
        if self.kind == "cnic":
            return spell_digits(self.value, lang, [5, 7, 1])
        if self.kind == "ticket":
            return spell_digits(self.value[-8:], lang, [4, 4])
        if self.kind == "said":
            amounts = [e.value for e in extract_entities(self.value) if e.entity == "amount"]
            return ", ".join(f"{a} {_said('rupees', lang)}" for a in amounts)
        return say_date(date.fromisoformat(self.value), lang)

    def encode(self) -> str:
        return f"{'~' if self.heard else ''}{self.kind}:{self.value}"

    @staticmethod
    def decode(raw: Optional[str]) -> Optional[KeypadEntry]:
        if not raw or ":" not in raw:
            return None
        kind, value = raw.split(":", 1)
        return KeypadEntry(kind.lstrip("~"), value, kind.startswith("~"))


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


def spoken_entry(speech: str, expected: Optional[str] = None) -> Optional[KeypadEntry]:
    """A CNIC, ticket number or date in what the caller said ("teen do teen ...",
    "اکیس جولائی دو ہزار اٹھارہ"), to be read back before it is used.

    `expected` is what the question asked for; without one, a CNIC or a ticket number.
    """
    if expected == "date":
        day = parse_date(speech)
        return KeypadEntry("date", day.isoformat(), heard=True) if day else None
    if expected in (None, "cnic"):
        for run in find_number_runs(normalise(speech or "")):
            for _, _, digits, kind in run.segments:
                if kind == "cnic":
                    return KeypadEntry("cnic", digits, heard=True)
    digits = spoken_digits(speech)
    if expected in (None, "cnic") and len(digits) == 13 and check_cnic(digits).ok:
        return KeypadEntry("cnic", digits, heard=True)
    if expected in (None, "ticket") and len(digits) == 8:
        ticket = check_ticket_number(digits)
        if ticket.ok:
            return KeypadEntry("ticket", str(ticket.number), heard=True)
    return None


def spoken_amounts(speech: str) -> Optional[KeypadEntry]:
    """Speech with money in it ("paanch sau kaat liye"): the amounts are read back."""
    if any(e.entity == "amount" for e in extract_entities(speech or "")):
        return KeypadEntry("said", speech, heard=True)
    return None


def mostly_digits(speech: str) -> bool:
    """Speech that carries a long number (digits or digit words)."""
    return len(spoken_digits(speech)) >= 5


# Forms a listener cannot use, whatever the language.
_SCREEN_FORMS = {
    "link": re.compile(r"https?://|www\.|\b\w+\.(?:gov\.pk|pk|com|org)\b", re.I),
    "digits joined by a dash or slash": re.compile(r"\d\s*[-–—/]\s*\d|/-"),
    "brackets": re.compile(r"[()\[\]{}<>]"),
    "quarter code": re.compile(r"\bQ[1-4]\b"),
    "a written format": re.compile(r"\b(?:dd|day|din|دن)\s*[-/]\s*(?:mm|month|mahina|مہینہ)", re.I),
    "markdown or emoji": re.compile(r"[*_`#|]|" + _EMOJI.pattern),
}
_KEYPAD = re.compile(r"keypad|buttons|بٹنوں", re.I)


def screen_only(heard: str, language: Optional[str]) -> List[str]:
    """What in a reply, as the caller hears it (after `speakable`), only works on a
    screen: asking to send, type or write, links, dashes and brackets, quarter codes,
    abbreviations read letter by letter where a name exists. Empty when fit for voice."""
    found = [name for name, pattern in _SCREEN_FORMS.items() if pattern.search(heard)]
    lang = language if language in ("en", "ur", "roman_ur") else "en"
    for sentence in re.split(r"(?<=[.!?۔؟])\s+", heard):
        words = re.findall(r"[^\W\d_]+", sentence.lower())
        for i, word in enumerate(words):
            if word not in voice_words()["screen_only"][lang].split():
                continue
            after = words[i + 1] if i + 1 < len(words) else ""
            if after in ("ge", "gay", "gi", "گے", "گی", "will") or word == "sent":
                continue  # "we will send you an SMS" is a promise, not an instruction
            if lang == "en" and i and words[i - 1] not in ("please", "then", "or", "and", "just"):
                continue  # English asks at the start: "Please send", "Reply 1"; "a reply" is not
            if word in ("type", "ٹائپ") and _KEYPAD.search(sentence):
                continue  # typing on the phone's keypad is what a caller can do
            found.append(f"screen word {word!r}")
    for short in voice_words()["say"]["names"]:
        if re.search(rf"\b{short}\b", heard):
            found.append(f"{short} read letter by letter")
    return found


def hints(expected: Optional[str], language: Optional[str]) -> str:
    """<Gather hints> for the question asked: months and numbers for a date, digit
    words for a CNIC or ticket, yes/no at a read-back, programme names otherwise."""
    table = voice_words()["hints"]
    key = {"cnic": "digits", "ticket": "digits", "date": "date", "confirm": "confirm"}.get(
        expected or ""
    )
    words = [table["anything"]]
    if key:
        words.insert(0, table[key][_lang(language)])
    return ", ".join(w.strip() for w in " ".join(words).split(",") if w.strip())
