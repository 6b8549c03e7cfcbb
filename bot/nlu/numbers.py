"""Numbers in a normalised message: identifier-like digit runs, dates, money amounts.

Works on the output of `bot.nlu.normalise` (ASCII digits, lower case, folded Urdu), and
returns spans into that text; bot.nlu.extract maps them back to the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from bot.core.identifiers import normalise_phone
from bot.nlu.normalise import normalise
from bot.nlu.spoken import SpokenNumber, lexicon, read_numbers

Span = Tuple[int, int]
Segment = Tuple[int, int, str, str]  # start, end, digits, kind (cnic | phone | ticket)

_UNIT = re.compile(r"\d+|[^\W\d_]+")
_TYPED_GAP = re.compile(r"^(?: ?[-.] ?| {1,2})$")
_SPOKEN_GAP = re.compile(r"^[\s,،.\-]{1,3}$")
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
    """Digit runs that look like identifiers (7+ digits, or several groups), typed or
    said in words and groups ("teen do teen ...", "double five", "بتیس تین صفر")."""
    dates = _blocked_dates(folded)
    typed: List[List[_Unit]] = [[]]
    for m in _UNIT.finditer(folded):
        word, start, end = m.group(0), m.start(), m.end()
        if word.isdigit() and not _inside(start, end, dates):
            typed[-1].append((start, end, word))
        else:
            typed.append([])
    said = [
        (n.start, n.end, n.digits)
        for n in read_numbers(folded)
        if n.digits and not _inside(n.start, n.end, dates)
    ]
    runs: List[Run] = []
    for units in typed:
        runs.extend(_build_runs(units, folded, _TYPED_GAP, spoken=False))
    runs.extend(
        r
        for r in _build_runs(said, folded, _SPOKEN_GAP, spoken=True)
        if re.search(r"[^\W\d_]", folded[r.start : r.end])  # all digits: the typed run
    )
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


def _spelled_amount(n: SpokenNumber, folded: str) -> Optional[Tuple[int, int, str]]:
    """A money amount said in words ("paanch sau", "ساڑھے تیرہ ہزار", "5 hazar")."""
    if not (n.words and n.multiplied):
        return None
    end, value = n.without_do or (n.end, n.value)  # "hazar do" is "give a thousand"
    said = folded[n.start : end]
    money = bool(
        _CURRENCY_AFTER.match(folded[end:])
        or _CURRENCY_BEFORE.search(folded[max(0, n.start - 12) : n.start])
    )
    if not money:
        # A lone "sau"/"سو" is more often "so"/"sleep" than a hundred rupees.
        if said in lexicon().multipliers and lexicon().multipliers[said] == 100:
            return None
        if 1950 <= value <= 2039 and value % 100:  # "do hazar athara": a year
            return None
        if _word_after(folded, end) in _NOT_MONEY_AFTER:
            return None
    return (n.start, end, str(value)) if value > 0 else None


def find_amounts(folded: str, blocked: Sequence[Span] = ()) -> List[Tuple[int, int, str]]:
    """Money amounts: (start, end, integer as a string) in the normalised text."""
    blocked = list(blocked) + _blocked_dates(folded)
    spelled = [
        found
        for n in read_numbers(folded)
        if not _inside(n.start, n.end, blocked)
        for found in [_spelled_amount(n, folded)]
        if found
    ]
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
