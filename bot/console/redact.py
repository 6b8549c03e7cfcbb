"""Masking CNICs and phone numbers inside free text (citizen messages, notes, logs)."""

from __future__ import annotations

import re
from typing import Optional

from bot.core.identifiers import ascii_digits, mask_cnic, mask_phone

# 13 digits written as 5-7-1 with any common separator, or run together.
_CNIC = re.compile(r"(?<!\d)\d{5}[\s.\-]?\d{7}[\s.\-]?\d(?!\d)")
# Pakistani mobile numbers: +92 / 0092 / 92 / 0, then 3xx and 7 digits, loosely spaced.
_PHONE = re.compile(r"(?<![\d+])(?:\+92|0092|92|0)?[\s\-]?3\d{2}[\s\-]?\d{7}(?!\d)")
# Anything else that is a long run of digits (a CNIC typed wrongly is still personal).
_LONG_DIGITS = re.compile(r"(?<!\d)\d{10,}(?!\d)")


def mask_text(text: Optional[str]) -> str:
    """`text` with every CNIC, phone number and long digit run masked."""
    if not text:
        return ""
    out = ascii_digits(text)
    out = _CNIC.sub(lambda m: mask_cnic(m.group(0)), out)
    out = _PHONE.sub(lambda m: mask_phone(m.group(0).strip()), out)
    out = _LONG_DIGITS.sub(
        lambda m: m.group(0)[:2] + "*" * (len(m.group(0)) - 4) + m.group(0)[-2:], out
    )
    return out
