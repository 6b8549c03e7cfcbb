"""CNIC, phone and ticket-number formats: parsing, validation, masking.

Shared by the NLU extractors, the registry, the tickets and the console, so a
CNIC typed "٣٥٢٠٢ ١٢٣٤٥٦٧ ١" on a phone and one read from the registry are the
same string everywhere: 13 ASCII digits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Optional

# Urdu (Extended Arabic-Indic) and Arabic-Indic digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
# Full-width digits, which some phone keyboards produce.
_DIGITS.update({ord(c): str(i) for i, c in enumerate("０１２３４５６７８９")})


def ascii_digits(text: str) -> str:
    """Replace Urdu, Arabic-Indic and full-width digits with ASCII digits."""
    return text.translate(_DIGITS)


# ---------------------------------------------------------------- CNIC

CNIC_PROBLEM_LENGTH = "length"
CNIC_PROBLEM_PREFIX = "prefix"


@dataclass(frozen=True)
class CnicCheck:
    """Result of checking a CNIC candidate: the 13 digits, or what is wrong."""

    digits: Optional[str]
    problem: Optional[str] = None
    found_digits: int = 0

    @property
    def ok(self) -> bool:
        return self.digits is not None


def check_cnic(text: str) -> CnicCheck:
    """Validate a CNIC typed in any common form: dashes, spaces, dots, Urdu digits.

    A valid CNIC has 13 digits and starts with a region code 1-8 (8 is Azad Kashmir).
    """
    digits = re.sub(r"\D", "", ascii_digits(text or ""))
    if len(digits) != 13:
        return CnicCheck(None, CNIC_PROBLEM_LENGTH, len(digits))
    if digits[0] not in "12345678":
        return CnicCheck(None, CNIC_PROBLEM_PREFIX, 13)
    return CnicCheck(digits, None, 13)


def normalise_cnic(text: str) -> Optional[str]:
    """13 ASCII digits, or None when `text` is not a valid CNIC."""
    return check_cnic(text).digits


def format_cnic(digits: str) -> str:
    """35202-1234567-1 from 13 digits."""
    return f"{digits[:5]}-{digits[5:12]}-{digits[12]}"


def mask_cnic(value: Optional[str]) -> str:
    """35202-*****67-1: enough for a person to recognise, not enough to misuse."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", ascii_digits(value))
    if len(digits) != 13:
        return "*" * len(digits)
    return f"{digits[:5]}-*****{digits[10:12]}-{digits[12]}"


# ---------------------------------------------------------------- phone

_PHONE_RE = re.compile(r"^(?:\+92|0092|92|0)?(3\d{9})$")


def normalise_phone(text: str) -> Optional[str]:
    """+923001234567 from 03001234567, +92 300 1234567, 0092..., 92..., or None."""
    if not text:
        return None
    raw = ascii_digits(text).strip()
    if raw.lower().startswith("whatsapp:"):
        raw = raw[len("whatsapp:") :]
    compact = re.sub(r"[\s\-().]", "", raw)
    m = _PHONE_RE.match(compact)
    return f"+92{m.group(1)}" if m else None


def mask_phone(value: Optional[str]) -> str:
    """+92300*****67."""
    if not value:
        return ""
    phone = normalise_phone(value)
    if not phone:
        digits = re.sub(r"\D", "", value)
        return (
            digits[:2] + "*" * max(len(digits) - 4, 0) + digits[-2:] if len(digits) > 4 else "****"
        )
    return f"{phone[:6]}*****{phone[-2:]}"


# ---------------------------------------------------------------- ticket numbers
# PCMS- and 8 digits, the last a Damm check digit: it catches every single wrong
# digit and every swap of two neighbours, the two commonest keypad mistakes.

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

TICKET_PREFIX = "PCMS-"
# A ticket number written with its prefix, as people type it ("pcms 1234 5678", "PCMS#12345678");
# group 1 holds the digits with any spaces or dashes between them. The NLU reads free text
# with it, the voice line finds the numbers it reads out digit by digit.
TICKET_NUMBER = re.compile(r"(?<![\w])pcms\s*[-#:._]?\s*((?:\d[ \-]?){7}\d)(?![\d])", re.IGNORECASE)


def damm_digit(payload: str) -> str:
    interim = 0
    for ch in payload:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def make_ticket_number(payload: str) -> str:
    """PCMS-XXXXXXXC from a 7-digit payload."""
    if len(payload) != 7 or not payload.isdigit():
        raise ValueError("ticket payload must be 7 digits")
    return f"{TICKET_PREFIX}{payload}{damm_digit(payload)}"


def random_ticket_number() -> str:
    """A new, unguessable ticket number (uniqueness is the caller's check)."""
    return make_ticket_number(f"{secrets.randbelow(9_000_000) + 1_000_000}")


@dataclass(frozen=True)
class TicketCheck:
    number: Optional[str]
    problem: Optional[str] = None  # "length" or "check_digit"

    @property
    def ok(self) -> bool:
        return self.number is not None


def check_ticket_number(text: str) -> TicketCheck:
    """Accept 'PCMS-12345678', 'pcms 12345678' or the 8 digits alone."""
    raw = ascii_digits(text or "").upper()
    raw = re.sub(r"^\s*PCMS", "", raw.strip())
    digits = re.sub(r"\D", "", raw)
    if len(digits) != 8:
        return TicketCheck(None, "length")
    if damm_digit(digits[:7]) != digits[7]:
        return TicketCheck(None, "check_digit")
    return TicketCheck(f"{TICKET_PREFIX}{digits}")


def normalise_ticket_number(text: str) -> Optional[str]:
    return check_ticket_number(text).number
