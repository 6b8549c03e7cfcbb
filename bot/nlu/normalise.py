"""Text folding for features: NFKC, Urdu letter variants, digits, invisible marks, case.

`normalise(text)` is the folded form the NLU features and the entity patterns see.
`normalise_with_offsets(text)` gives the same string plus, for every folded character,
the span of the original text it came from, so that tokens and entities found in the
folded text can be reported with offsets into what the person actually typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import List, Tuple

from bot.core.identifiers import ascii_digits

# Arabic-keyboard and Persian letters to the Urdu letters an Urdu keyboard produces.
_FOLD = {
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
    "\u06aa": "\u06a9",  # ڪ swash kaf -> ک
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi yeh
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u06d0": "\u06cc",  # ې Pashto e -> ی
    # Arabic heh -> Urdu heh goal. An Arabic keyboard has one heh for both ہ and ھ,
    # and "بهت" (bahut) and "بهی" (bhi) use it the same way, so no rule on position
    # can tell them apart; ہ is the commoner reading and the one Urdu uses word-finally.
    "\u0647": "\u06c1",
    "\u06d5": "\u06c1",  # ە ae (some keyboards' final heh) -> ہ
    "\u06c0": "\u06c1",  # ۀ heh with yeh above -> ہ: the izafat mark is optional in typing
    "\u06c2": "\u06c1",  # ۂ heh goal with hamza -> ہ, same reason
    "\u0629": "\u06c3",  # ة teh marbuta -> ۃ Urdu teh marbuta goal (زکوٰۃ)
    # Hamza and madda on alef are marks that most people leave out: fold them the way
    # the diacritics are dropped, so "آپ" and "اپ" meet.
    "\u0622": "\u0627",  # آ
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    "\u06d3": "\u0626\u06d2",  # ۓ -> ئے, the other common spelling of the same sound
    # Dashes a phone keyboard or a word processor puts between CNIC groups.
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
}

_YEH = "\u06cc"
_HAMZA_ABOVE = "\u0654"
_YEH_HAMZA = "\u0626"
_TATWEEL = "\u0640"


def _is_diacritic(ch: str) -> bool:
    """Arabic-script vowel marks and Quranic annotation signs."""
    o = ord(ch)
    return (
        0x0610 <= o <= 0x061A
        or 0x064B <= o <= 0x065F
        or o == 0x0670
        or 0x06D6 <= o <= 0x06DC
        or 0x06DF <= o <= 0x06E4
        or o in (0x06E7, 0x06E8)
        or 0x06EA <= o <= 0x06ED
        or 0x08D3 <= o <= 0x08FF
    )


def _is_invisible(ch: str) -> bool:
    """Zero-width and direction marks, BOM, controls, tatweel: nothing a reader sees."""
    if ch == _TATWEEL:
        return True
    cat = unicodedata.category(ch)
    # Cf covers ZWSP/ZWNJ/ZWJ, LRM/RLM, the bidi embeddings and isolates, BOM and
    # the soft hyphen; Cc is control characters (whitespace is handled before this);
    # Cs is lone surrogates, which cannot be encoded and would break logging.
    return cat in ("Cf", "Cc", "Cs")


def as_text(value: object) -> str:
    """Any input as a str: bytes decoded leniently, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        return str(value)
    except Exception:  # a broken __str__ must not take the bot down
        return ""


@dataclass(frozen=True)
class Normalised:
    """The folded text and, per folded character, its [start, end) in the original."""

    text: str
    original: str
    starts: Tuple[int, ...]
    ends: Tuple[int, ...]

    def to_original(self, start: int, end: int) -> Tuple[int, int]:
        """Map a [start, end) span of the folded text to a span of the original."""
        if not self.text:
            return (0, len(self.original))
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if start == end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])


Units = List[Tuple[str, int, int]]


def _clusters(text: str) -> List[Tuple[int, int]]:
    """Spans of base characters with their combining marks (NFKC works on these)."""
    spans: List[Tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.category(text[i]).startswith("M"):
            spans.append((start, i))
            start = i
    return spans if text else []


def _one_pass(text: str) -> Units:
    """Fold `text` once; each output character carries its source span in `text`."""
    units: Units = []
    for c_start, c_end in _clusters(text):
        cluster = text[c_start:c_end]
        composed = cluster if cluster.isascii() else unicodedata.normalize("NFKC", cluster)
        for ch in composed:
            if ch.isspace():
                if units and units[-1][0] != " ":
                    units.append((" ", c_start, c_end))
                continue
            if _is_invisible(ch):
                continue
            if ch == _HAMZA_ABOVE and units and units[-1][0] == _YEH:
                # ی + combining hamza is how some keyboards type ئ
                units[-1] = (_YEH_HAMZA, units[-1][1], c_end)
                continue
            if _is_diacritic(ch):
                continue
            folded = _FOLD.get(ch)
            if folded is None:
                folded = ascii_digits(ch.lower())
            for out in folded:
                units.append((out, c_start, c_end))
    if units and units[-1][0] == " ":
        units.pop()
    return units


def normalise_with_offsets(text: object) -> Normalised:
    """Fold `text` as `normalise` does and keep where each character came from."""
    original = as_text(text)
    current = original
    starts = list(range(len(original)))
    ends = [i + 1 for i in range(len(original))]
    # One pass can expose a new pair to compose (a mark that followed a removed
    # zero-width character), so repeat until nothing changes: that is what makes
    # normalise idempotent.
    for _ in range(6):
        units = _one_pass(current)
        new_text = "".join(u[0] for u in units)
        new_starts = [starts[s] for _, s, _ in units]
        new_ends = [ends[e - 1] for _, _, e in units]
        changed = new_text != current
        current, starts, ends = new_text, new_starts, new_ends
        if not changed:
            break
    return Normalised(current, original, tuple(starts), tuple(ends))


def normalise(text: object) -> str:
    """The folded form of `text` used for features and entity patterns."""
    return normalise_with_offsets(text).text
