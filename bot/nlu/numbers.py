"""Numbers in a normalised message: identifier-like digit runs, dates, money amounts.

Works on the output of `bot.nlu.normalise` (ASCII digits, lower case, folded Urdu), and
returns spans into that text; bot.nlu.extract maps them back to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from bot.core.identifiers import normalise_phone
from bot.nlu.normalise import normalise

Span = Tuple[int, int]
Segment = Tuple[int, int, str, str]  # start, end, digits, kind (cnic | phone | ticket)

# Digits said one by one in a voice transcript or typed as words.
_DIGIT_WORDS: Dict[str, str] = {}
for _digit, _words in {
    "0": "zero sifr sifar sefar صفر زیرو",
    "1": "one ek aik ik ایک اک",
    "2": "two do دو",
    "3": "three teen tin تین",
    "4": "four char chaar چار",
    "5": "five panch paanch پانچ",
    "6": "six chay chhe che chhay chey chah چھ چھے چھے",
    "7": "seven saat sat سات",
    "8": "eight aath ath aat آٹھ",
    "9": "nine nau نو",
}.items():
    for _w in _words.split():
        _DIGIT_WORDS[normalise(_w)] = _digit
_REPEAT = {"double": 2, "dubal": 2, "dabal": 2, "ڈبل": 2, "triple": 3, "tripal": 3, "ٹرپل": 3}

# Number words for spoken amounts ("das hazar paanch sau" = 10500).
_SMALL: Dict[str, int] = {}
for _value, _words in {
    1: "ek aik one ایک",
    2: "do two دو",
    3: "teen three تین",
    4: "char chaar four چار",
    5: "panch paanch five پانچ",
    6: "chay chhe six چھ چھے",
    7: "saat seven سات",
    8: "aath eight آٹھ",
    9: "nau nine نو",
    10: "das dus ten دس",
    11: "gyarah gyara eleven گیارہ",
    12: "barah bara twelve بارہ",
    15: "pandrah pandra fifteen پندرہ",
    20: "bees twenty بیس",
    25: "pachees pachis پچیس",
    30: "tees thirty تیس",
    40: "chalees chalis forty چالیس",
    50: "pachas pachaas fifty پچاس",
}.items():
    for _w in _words.split():
        _SMALL[normalise(_w)] = _value
_MULTIPLIERS = {
    normalise(w): m
    for w, m in {
        "sau": 100,
        "hundred": 100,
        "سو": 100,
        "hazar": 1000,
        "hazaar": 1000,
        "hzar": 1000,
        "thousand": 1000,
        "ہزار": 1000,
        "lakh": 100_000,
        "lac": 100_000,
        "لاکھ": 100_000,
    }.items()
}

_UNIT = re.compile(r"\d+|[^\W\d_]+")
_TYPED_GAP = re.compile(r"^(?: ?[-.] ?| {1,2})$")
_SPOKEN_GAP = re.compile(r"^[\s,.\-]{1,3}$")
_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2})(?!\d)"
)
_NUMBER = re.compile(r"(?<![\d,])(?<!\d\.)(\d{1,3}(?:,\d{2,3})+|\d+)(k\b)?(?![\d]|,\d)")
_CURRENCY_BEFORE = re.compile(r"(?:\brs\.?|\bpkr|\brupees?)\s*$")
_CURRENCY_AFTER = re.compile(r"^\s*(?:/-|rs\b|pkr\b|rupe\w*|rupa\w*|rupi\w*|rupp\w*|روپ\w*)")
# A number followed by one of these counts days, children or dates, not money.
_NOT_MONEY_AFTER = frozenset(
    normalise(w)
    for w in (
        "din dino dinon days day mahine mahina mahinay months month saal sal years year baje "
        "bje bjy ghante ghanta hours hour minute minutes mint bachay bache bachon bachey "
        "children kids afrad afraad log logon members member class jamaat jamat hafte hafta "
        "weeks week points point score km percent jan january feb february mar march apr "
        "april may jun june jul july aug august sep sept september oct october nov november "
        "dec december tareekh tarikh tarik date th st nd rd times baar bar dafa dafe "
        "chakkar chakar chakkr am pm bjay bajay bajy o'clock oclock "
        "دن مہینے مہینہ سال بجے گھنٹے بچے بچوں افراد لوگ ہفتے تاریخ بار دفعہ چکر"
    ).split()
)
_NOT_MONEY_BEFORE = frozenset(
    normalise(w)
    for w in (
        "class jamat jamaat umar age room gali street house makan plot sector block ward "
        "number no num # at around score pmt marks umr qist_number "
        "قسط_نمبر عمر کلاس سکور اسکور"
    ).split()
)
# SMS short codes and helpline numbers are no amounts unless a currency word says so.
_SHORT_CODES = frozenset({"8171", "1166", "1122", "15", "0800"})


@dataclass
class Run:
    """Digits that belong together ("35202-1234567-1", "teen paanch do ...")."""

    start: int
    end: int
    digits: str
    spoken: bool
    segments: List[Segment] = field(default_factory=list)

    @property
    def cnic_attempt(self) -> Optional[str]:
        """The digits, when nothing valid was found and they look like a CNIC try."""
        if self.segments:
            return None
        n = len(self.digits)
        if n == 13 or (n in (12, 14) and self.digits[0] in "12345678"):
            return self.digits
        return None


_Unit = Tuple[int, int, str]  # start, end, digits


def _blocked_dates(folded: str) -> List[Span]:
    return [(m.start(), m.end()) for m in _DATE.finditer(folded)]


def _inside(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


# How people split the 13 digits of a CNIC when they type it in pieces.
_CNIC_GROUPS = ([13], [5, 7, 1])
_CNIC_GROUPS_WHOLE = ([5, 8], [12, 1])


def _read_in_chunks(lengths: Sequence[int]) -> bool:
    """'54400 39 18 276 5': the first five digits, then the rest as it is read out."""
    return len(lengths) >= 3 and lengths[0] == 5 and max(lengths[1:]) <= 4


def _classify(digits: str, groups: Sequence[_Unit], whole: bool, spoken: bool) -> Optional[str]:
    lengths = [len(g[2]) for g in groups]
    if len(digits) == 13 and digits[0] in "12345678":
        # "35202-12345678-1" has 13 digits in its first two groups but is a mistyped
        # CNIC, not a valid one: pieces must be the usual ones, or read out in chunks.
        if (
            spoken
            or lengths in _CNIC_GROUPS
            or (whole and lengths in _CNIC_GROUPS_WHOLE)
            or max(lengths) <= 4
            or _read_in_chunks(lengths)
        ):
            return "cnic"
    if normalise_phone(digits):
        # A bare 10-digit 3XXXXXXXXX is a phone only when typed as one: otherwise it is
        # more often the first part of a CNIC.
        if len(digits) != 10 or (whole and lengths in ([10], [3, 7])):
            return "phone"
    if len(digits) == 8 and whole and not spoken:
        return "ticket"
    return None


def _segment(run: Run, units: Sequence[_Unit], folded: str) -> None:
    i = 0
    while i < len(units):
        best: Optional[Tuple[int, str, str]] = None
        acc = ""
        for j in range(i, len(units)):
            acc += units[j][2]
            if len(acc) > 14:
                break
            whole = i == 0 and j == len(units) - 1
            kind = _classify(acc, units[i : j + 1], whole, run.spoken)
            if kind:
                best = (j, acc, kind)
        if best is None:
            i += 1
            continue
        j, digits, kind = best
        start = units[i][0]
        if kind == "phone" and start > 0 and folded[start - 1] == "+":
            start -= 1
        run.segments.append((start, units[j][1], digits, kind))
        i = j + 1


def _build_runs(units: List[_Unit], folded: str, gap: re.Pattern, spoken: bool) -> List[Run]:
    runs: List[Run] = []
    current: List[_Unit] = []

    def close() -> None:
        if current:
            digits = "".join(u[2] for u in current)
            run = Run(current[0][0], current[-1][1], digits, spoken)
            _segment(run, current, folded)
            runs.append(run)
            current.clear()

    for unit in units:
        if current and not gap.match(folded[current[-1][1] : unit[0]]):
            close()
        current.append(unit)
    close()
    return runs


def find_number_runs(folded: str) -> List[Run]:
    """Digit runs that look like identifiers (7+ digits, or several groups)."""
    dates = _blocked_dates(folded)
    typed: List[List[_Unit]] = [[]]
    spoken: List[List[_Unit]] = [[]]
    repeat = 1
    for m in _UNIT.finditer(folded):
        word, start, end = m.group(0), m.start(), m.end()
        if _inside(start, end, dates):
            typed.append([])
            spoken.append([])
            continue
        if word.isdigit():
            typed[-1].append((start, end, word))
            if len(word) == 1:
                spoken[-1].append((start, end, word * repeat))
            else:
                spoken.append([])
            repeat = 1
        elif word in _DIGIT_WORDS:
            spoken[-1].append((start, end, _DIGIT_WORDS[word] * repeat))
            typed.append([])
            repeat = 1
        elif word in _REPEAT:
            repeat = _REPEAT[word]
        else:
            typed.append([])
            spoken.append([])
            repeat = 1
    runs: List[Run] = []
    for units in typed:
        runs.extend(_build_runs(units, folded, _TYPED_GAP, spoken=False))
    for units in spoken:
        if any(not folded[s:e].isdigit() for s, e, _ in units):
            runs.extend(_build_runs(units, folded, _SPOKEN_GAP, spoken=True))
    keep = [
        r
        for r in runs
        if len(r.digits) >= 7
        or r.segments
        or " " in folded[r.start : r.end]
        or "-" in folded[r.start : r.end]
        or "." in folded[r.start : r.end]
    ]
    # Spoken runs are only identifiers when long enough to be one.
    return [r for r in keep if not r.spoken or len(r.digits) >= 10]


def _word_before(folded: str, start: int) -> str:
    m = re.search(r"([^\s\d]+)\s*$", folded[:start])
    return m.group(1) if m else ""


def _word_after(folded: str, end: int) -> str:
    m = re.match(r"\s*([^\W\d_]+|%)", folded[end:])
    return m.group(1) if m else ""


def _spelled_amounts(folded: str, blocked: Sequence[Span]) -> List[Tuple[int, int, str]]:
    out: List[Tuple[int, int, str]] = []
    words = [(m.start(), m.end(), m.group(0)) for m in _UNIT.finditer(folded)]
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and (
            words[j][2] in _SMALL or words[j][2] in _MULTIPLIERS or words[j][2].isdigit()
        ):
            j += 1
        group = words[i:j]
        # "hazar do" is "give a thousand", not 1002
        while len(group) > 1 and group[-1][2] in ("do", "دو") and group[-2][2] in _MULTIPLIERS:
            group = group[:-1]
        # A lone "sau"/"سو" is more often "so"/"sleep" than a hundred rupees.
        lone_hundred = (
            len(group) == 1
            and _MULTIPLIERS.get(group[0][2]) == 100
            and not _CURRENCY_AFTER.match(folded[group[0][1] :])
        )
        if any(w in _MULTIPLIERS for _, _, w in group) and not lone_hundred:
            total = current = 0
            for _, _, w in group:
                if w in _MULTIPLIERS:
                    mult = _MULTIPLIERS[w]
                    if mult == 100:
                        current = (current or 1) * 100
                    else:
                        total += (current or 1) * mult
                        current = 0
                else:
                    current += int(w) if w.isdigit() else _SMALL[w]
            value = total + current
            start, end = group[0][0], group[-1][1]
            if value and not _inside(start, end, blocked):
                out.append((start, end, str(value)))
        i = max(j, i + 1)
    return out


def find_amounts(folded: str, blocked: Sequence[Span] = ()) -> List[Tuple[int, int, str]]:
    """Money amounts: (start, end, integer as a string) in the normalised text."""
    blocked = list(blocked) + _blocked_dates(folded)
    spelled = _spelled_amounts(folded, blocked)
    out: List[Tuple[int, int, str]] = []
    for m in _NUMBER.finditer(folded):
        start, end = m.start(), m.end()
        if _inside(start, end, blocked) or _inside(start, end, [(s, e) for s, e, _ in spelled]):
            continue
        digits = m.group(1).replace(",", "")
        money = bool(
            m.group(2)
            or _CURRENCY_BEFORE.search(folded[max(0, start - 12) : start])
            or _CURRENCY_AFTER.match(folded[end:])
        )
        value = int(digits) * (1000 if m.group(2) else 1)
        if not money:
            # Without a currency word, money on this line is hundreds or more: "at 11",
            # "age 35" are not amounts.
            if not 3 <= len(digits) <= 6 or digits.startswith("0") or digits in _SHORT_CODES:
                continue
            if 1950 <= value <= 2039 and len(digits) == 4:
                continue  # a year
            if _word_after(folded, end) in _NOT_MONEY_AFTER:
                continue
            if _word_before(folded, start) in _NOT_MONEY_BEFORE:
                continue
        if value <= 0 or len(str(value)) > 9:
            continue
        out.append((start, end, str(value)))
    return sorted(out + spelled)
