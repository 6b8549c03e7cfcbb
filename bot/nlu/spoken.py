"""Numbers and dates as people say them: "paanch sau", "اکیس جولائی دو ہزار اٹھارہ",
"twelfth of march two thousand nineteen", "double five", and mixes with digits.

One parser for the voice line's transcripts and for typed messages. The word lists are
in spoken_words.yml. `read_numbers` works on the normalised text (bot.nlu.normalise)
and returns spans into it, like bot.nlu.numbers; `parse_date` and `spoken_digits`
take any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.normalise import normalise

WORDS_FILE = Path(__file__).with_name("spoken_words.yml")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")


@dataclass(frozen=True)
class Lexicon:
    """spoken_words.yml, folded: each word to what it means."""

    numbers: Dict[str, int]
    tens: frozenset
    ordinals: Dict[str, int]
    suffixes: frozenset
    multipliers: Dict[str, int]
    weak_multipliers: Dict[str, int]
    fractions: Dict[str, Fraction]
    modifiers: Dict[str, Fraction]
    repeat: Dict[str, int]
    joiners: frozenset
    article: frozenset
    months: Dict[str, int]
    yes: frozenset
    no: frozenset


def _table(raw: Dict, cast=int) -> Dict[str, object]:
    out: Dict[str, object] = {}
    for value, words in (raw or {}).items():
        for word in str(words).split():
            out[normalise(word)] = cast(value)
    return out


def _words(raw: object) -> frozenset:
    return frozenset(normalise(w) for w in str(raw or "").split())


@lru_cache(maxsize=1)
def _data() -> Dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(WORDS_FILE.read_text(encoding="utf-8"), Loader=loader) or {}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The word lists, loaded once."""
    data = _data()
    return Lexicon(
        numbers=_table(data["numbers"]),  # type: ignore[arg-type]
        tens=_words(data["tens"]),
        ordinals=_table(data["ordinals"]),  # type: ignore[arg-type]
        suffixes=_words(data["suffixes"]),
        multipliers=_table(data["multipliers"]),  # type: ignore[arg-type]
        weak_multipliers=_table(data["weak_multipliers"]),  # type: ignore[arg-type]
        fractions=_table(data["fractions"], lambda v: Fraction(str(v))),  # type: ignore[arg-type]
        modifiers=_table(data["modifiers"], lambda v: Fraction(str(v))),  # type: ignore[arg-type]
        repeat=_table(data["repeat"]),  # type: ignore[arg-type]
        joiners=_words(data["joiners"]),
        article=_words(data["article"]),
        months=_table(data["months"]),  # type: ignore[arg-type]
        yes=_words(data["confirm"]["yes"]),
        no=_words(data["confirm"]["no"]),
    )


@lru_cache(maxsize=1)
def voice_words() -> Dict[str, Dict]:
    """The `say:`, `hints:` and `screen_only:` sections: how the voice line speaks, what
    it expects to hear, and what it must never say."""
    data = _data()
    return {key: data.get(key) or {} for key in ("say", "hints", "screen_only")}


@dataclass(frozen=True)
class SpokenNumber:
    """One number in the text: [start, end) in the normalised text, its value, and the
    digits as said ("oh" keeps its zero, "double five" is "55")."""

    start: int
    end: int
    value: int
    digits: str
    words: bool  # said at least partly in words
    multiplied: bool  # has sau/hazar/lakh/crore or a fraction in it
    ordinal: bool = False
    # Ends "... hazar do", more often "give" than "and two": (end, value) without it.
    without_do: Optional[Tuple[int, int]] = None


_Token = Tuple[int, int, str]


class _Group:
    """The number being read: total and current part, as in "do lakh paanch hazar"."""

    def __init__(self) -> None:
        self.tokens: List[_Token] = []
        self.total = Fraction(0)
        self.current = Fraction(0)
        self.digits = ""
        self.words = False
        self.multiplied = False
        self.ordinal = False
        self.last = ""  # kind of the last item: num, tens, mult, join
        self.modifier = Fraction(0)
        self.count = 0  # numbers in it: "twenty one" has two

    def add_number(self, token: _Token, value: Fraction, kind: str, digits: str) -> None:
        if self.modifier:
            value += self.modifier
            self.modifier = Fraction(0)
            self.multiplied = True
        self.current += value
        self.digits = digits
        self.tokens.append(token)
        self.last = kind
        self.count += 1

    def add_multiplier(self, token: _Token, mult: int) -> None:
        self.multiplied = True
        if mult == 100:
            self.current = (self.current or 1) * 100
        else:
            self.total += (self.current or 1) * mult
            self.current = Fraction(0)
        self.tokens.append(token)
        self.last = "mult"

    def result(self, folded: str) -> Optional[SpokenNumber]:
        if not self.tokens:
            return None
        value = self.total + self.current
        if value.denominator != 1:
            return None
        start, end = self.tokens[0][0], self.tokens[-1][1]
        digits = str(int(value)) if self.multiplied or self.count > 1 else self.digits
        without_do = None
        if (
            len(self.tokens) > 1
            and self.tokens[-1][2] in ("do", "دو")
            and self.tokens[-2][2] in lexicon().multipliers
        ):
            without_do = (self.tokens[-2][1], int(value) - 2)
        return SpokenNumber(
            start,
            end,
            int(value),
            digits,
            self.words,
            self.multiplied,
            self.ordinal,
            without_do,
        )


def read_numbers(folded: str) -> List[SpokenNumber]:
    """Every number in normalised text, in order, words and digits alike.

    Two numbers said one after the other stay apart ("سترہ دو" is 17 then 2; "twenty
    nineteen" is 20 then 19) unless they compose: an English tens word and a unit
    ("twenty one"), or anything after a multiplier ("do hazar athara" is 2018).
    """
    lex = lexicon()
    tokens: List[_Token] = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(folded)]
    found: List[SpokenNumber] = []
    group = _Group()
    repeat, repeat_token = 1, (0, 0, "")

    def close() -> None:
        nonlocal group
        made = group.result(folded)
        if made is not None:
            found.append(made)
        group = _Group()

    def is_number(i: int) -> bool:
        if i >= len(tokens):
            return False
        w = tokens[i][2]
        return w.isdecimal() or w in lex.numbers or w in lex.fractions or w in lex.modifiers

    for i, token in enumerate(tokens):
        word = token[2]
        gap = folded[tokens[i - 1][1] : token[0]] if i else ""
        if group.tokens and not re.fullmatch(r"[\s,،\-]*", gap):
            close()  # "5." or "2/3" are not one spoken number
        if word in lex.repeat and is_number(i + 1):
            close()
            repeat, repeat_token = lex.repeat[word], token
            continue
        if word.isdecimal() or word in lex.numbers or word in lex.ordinals:
            is_digit = word.isdecimal()
            value = int(word) if is_digit else lex.numbers.get(word, lex.ordinals.get(word, 0))
            said = word if is_digit else str(value)
            if repeat > 1:
                close()
                group.tokens.append(repeat_token)
                group.add_number(token, Fraction(int(said * repeat)), "num", said * repeat)
                group.words = True
                repeat = 1
                close()
                continue
            composes = group.last in ("mult", "join", "modifier") or (
                group.last == "tens" and not is_digit and 0 < value < 10
            )
            if group.tokens and not composes:
                close()
            kind = "tens" if word in lex.tens and group.last != "tens" else "num"
            group.add_number(token, Fraction(value), kind, said)
            group.words = group.words or not is_digit
            group.ordinal = word in lex.ordinals
            continue
        repeat = 1
        if word in lex.fractions:
            if group.tokens and group.last not in ("mult", "join"):
                close()
            group.add_number(token, lex.fractions[word], "num", "")
            group.words = group.multiplied = True
            continue
        if word in lex.modifiers and is_number(i + 1):
            close()
            group.modifier = lex.modifiers[word]
            group.tokens.append(token)
            group.words = True
            group.last = "modifier"
            continue
        mult = lex.multipliers.get(word)
        if mult is None and word in lex.weak_multipliers and group.words and group.last == "num":
            mult = lex.weak_multipliers[word]
        if mult is not None:
            if (
                word in lex.multipliers
                and not group.tokens
                and i
                and tokens[i - 1][2] in lex.article
            ):
                group.tokens.append(tokens[i - 1])
            group.add_multiplier(token, mult)
            group.words = True
            continue
        if word in lex.joiners and group.last == "mult" and is_number(i + 1):
            group.tokens.append(token)
            group.last = "join"
            continue
        if word in lex.suffixes and group.tokens and not gap:
            group.tokens.append(token)
            group.ordinal = True
            close()
            continue
        close()
    close()
    return found


def spoken_digits(text: str) -> str:
    """All the digits said in `text`, in order: "تین دو تین صفر تین" is "32303",
    "oh three hundred double five" is "030055". For identifiers said in groups."""
    return "".join(n.digits for n in read_numbers(normalise(text or "")))


# ---------------------------------------------------------------- dates


def _year(parts: Sequence[SpokenNumber]) -> Optional[int]:
    """A year from one number (2018, 18) or a pair said as in "nineteen ninety eight"."""
    if len(parts) == 1:
        return parts[0].value if len(parts[0].digits) in (1, 2, 4) else None
    if len(parts) == 2 and parts[0].value in (19, 20) and 0 <= parts[1].value <= 99:
        if parts[1].words or len(parts[1].digits) == 2:
            return parts[0].value * 100 + parts[1].value
    return None


def _make(year: int, month: int, day: int) -> Optional[date]:
    if year < 100:  # two-digit years: 15 -> 2015, 98 -> 1998
        year += 2000 if year <= date.today().year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DATE_SEPARATORS = re.compile(r"(?<=\d)\s*[-/.]\s*(?=\d)")


def parse_date(text: str) -> Optional[date]:
    """A date however it was typed or said, day before month (the Pakistani order)
    unless the year comes first.

    12-03-2019, 12/3/19, 2019-03-12, 12032019, ۱۲-۰۳-۲۰۱۹, 12 March 2019, March 12 2019,
    "21 July 18", "اکیس جولائی دو ہزار اٹھارہ", "سترہ دو دو ہزار تئیس",
    "twelfth of march two thousand nineteen", "ek do zero teen do hazar unnees".
    """
    folded = _DATE_SEPARATORS.sub(" ", normalise(text or ""))
    lex = lexicon()
    numbers = read_numbers(folded)
    months = [
        (m.start(), lex.months[m.group(0)])
        for m in _TOKEN.finditer(folded)
        if m.group(0) in lex.months
    ]
    if len(months) == 1:
        at, month = months[0]
        before = [n for n in numbers if n.end <= at]
        after = [n for n in numbers if n.start > at]
        if before and after:  # 21 July 2018
            return _make_checked(_year(after), month, before[-1].value)
        if len(after) >= 2:  # July 21 2018
            return _make_checked(_year(after[1:]), month, after[0].value)
        return None
    if months:
        return None
    digits = "".join(n.digits for n in numbers)
    if len(digits) == 8 and all(len(n.digits) <= 2 for n in numbers[:-1]):
        # keyed or said digit by digit: DDMMYYYY, else YYYYMMDD
        found = _make(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        if found or not digits.startswith(("19", "20")):
            return found
        return _make(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if len(numbers) >= 3:
        if numbers[0].value >= 1000 and len(numbers) == 3:  # 2019-03-12
            return _make(numbers[0].value, numbers[1].value, numbers[2].value)
        return _make_checked(_year(numbers[2:]), numbers[1].value, numbers[0].value)
    return None


def _make_checked(year: Optional[int], month: int, day: int) -> Optional[date]:
    return _make(year, month, day) if year is not None else None


def answer_is(text: str) -> Optional[bool]:
    """True for a spoken yes ("جی ہاں", "haan theek hai"), False for a no, else None."""
    words = set(normalise(text or "").replace("-", " ").split())
    lex = lexicon()
    if words & lex.no:  # "ji nahi", "theek nahi"
        return False
    return True if words & lex.yes else None
