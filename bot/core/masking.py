"""Masking CNICs, phone numbers and long digit runs in free text: logs, staff screens, errors.

Deliberately broader than the NLU's CNIC rules: a log line may hold a CNIC in any
separator form, in Urdu or Arabic-Indic digits, or JSON-escaped (structlog writes
``\\u06f3``), and masking one number too many in a log costs nothing.
"""

from __future__ import annotations

import re
from typing import Optional

from bot.core.identifiers import ascii_digits, mask_cnic, mask_phone

# Any digit a phone keyboard produces: ASCII, Urdu, Arabic-Indic, full-width.
_D = "[0-9\u06f0-\u06f9\u0660-\u0669\uff10-\uff19]"
_SEP = r"[ \t\-\u2010-\u2015.\u066b\u066c_/]?"
_CNIC = re.compile(rf"(?<!{_D}){_D}{{5}}{_SEP}{_D}{{7}}{_SEP}{_D}(?!{_D})")
_PHONE = re.compile(
    rf"(?<!{_D})(?:(?:\+|00)\s?9\s?2|92|0)?[\s\-]?\(?3{_D}{{2}}\)?[\s\-]?{_D}{{7}}(?!{_D})"
)
# Anything else that is a long run of digits (a CNIC typed wrongly is still personal).
_LONG_DIGITS = re.compile(rf"(?<!{_D}){_D}{{10,}}(?!{_D})")
# JSON and repr() write non-ASCII digits as escapes; read them as the digits they are.
_ESCAPED_DIGIT = re.compile(r"\\u0?(06f[0-9]|066[0-9]|ff1[0-9])", re.IGNORECASE)


def _unescape_digit(m: re.Match) -> str:
    return ascii_digits(chr(int(m.group(1), 16)))


def _cnic(m: re.Match) -> str:
    return mask_cnic(m.group(0))


def _phone(m: re.Match) -> str:
    return mask_phone(m.group(0)) or "+92***"


def _long(m: re.Match) -> str:
    digits = ascii_digits(m.group(0))
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_text(text: Optional[str]) -> str:
    """`text` with every CNIC-like and Pakistani-phone-like number and long digit run masked."""
    if not text:
        return ""
    if not any(ch.isdigit() for ch in text) and "\\u" not in text:
        return text
    if "\\u" in text:
        text = _ESCAPED_DIGIT.sub(_unescape_digit, text)
    text = _CNIC.sub(_cnic, text)
    text = _PHONE.sub(_phone, text)
    return _LONG_DIGITS.sub(_long, text)


def has_unmasked(text: str) -> bool:
    """True when `text` still holds something `mask_text` would mask."""
    return mask_text(text) != text
