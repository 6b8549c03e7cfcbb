"""Identity check before registry data is shown: CNIC plus issue date or phone on record.

The second factor is the CNIC issue date (printed on the card; typed in any common
form, with Urdu or ASCII digits) or the sender's phone number being the one on record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.identifiers import ascii_digits, normalise_cnic, normalise_phone
from bot.registry.models import Person

OK = "ok"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january", "جنوری"),
            ("feb", "february", "فروری"),
            ("mar", "march", "مارچ"),
            ("apr", "april", "اپریل"),
            ("may", "مئی"),
            ("jun", "june", "جون"),
            ("jul", "july", "جولائی"),
            ("aug", "august", "اگست"),
            ("sep", "sept", "september", "ستمبر"),
            ("oct", "october", "اکتوبر"),
            ("nov", "november", "نومبر"),
            ("dec", "december", "دسمبر"),
        )
    )
    for name in names
}


def _make(year: int, month: int, day: int) -> Optional[date]:
    if year < 100:  # two-digit years: 15 -> 2015, 98 -> 1998
        year += 2000 if year <= date.today().year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> Optional[date]:
    """A date from 12-03-2015, 12/3/2015, 12.03.15, 2015-03-12, 12 March 2015, ۱۲-۰۳-۲۰۱۵.

    Day comes before month (the Pakistani order) unless the year is written first.
    """
    raw = ascii_digits(text or "").strip().lower()
    if not raw:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,2})", raw)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{2}|\d{4})", raw)
    if m:
        return _make(int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", raw)
    if m:
        return _make(int(m[3]), int(m[2]), int(m[1]))
    words = re.sub(r"[,\-/.]+", " ", raw).split()
    if len(words) == 3:
        if words[0].isdigit() and words[1] in _MONTHS and words[2].isdigit():
            return _make(int(words[2]), _MONTHS[words[1]], int(words[0]))
        if words[0] in _MONTHS and words[1].isdigit() and words[2].isdigit():
            return _make(int(words[2]), _MONTHS[words[0]], int(words[1]))
    return None


@dataclass(frozen=True)
class VerificationResult:
    """ok / mismatch / not_found, and which factor decided it.

    `method` is "issue_date" or "phone" when ok; `problem` is "unreadable_date",
    "no_factor" or "wrong_factor" on a mismatch.
    """

    status: str
    method: Optional[str] = None
    problem: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status == OK


def verify(
    session: Session,
    cnic: str,
    *,
    issue_date: Union[date, str, None] = None,
    phone: Optional[str] = None,
) -> VerificationResult:
    """Check `cnic` against the registry with the issue date or the sender's phone."""
    digits = normalise_cnic(cnic or "")
    if digits is None:
        return VerificationResult(NOT_FOUND)
    row = session.execute(
        select(Person.cnic_issue_date, Person.phone).where(Person.cnic == digits)
    ).first()
    if row is None:
        return VerificationResult(NOT_FOUND)
    recorded_issue, recorded_phone = row
    sender = normalise_phone(phone) if phone else None
    if sender and recorded_phone and sender == normalise_phone(recorded_phone):
        return VerificationResult(OK, method="phone")
    if issue_date is None:
        return VerificationResult(MISMATCH, problem="wrong_factor" if sender else "no_factor")
    given = issue_date if isinstance(issue_date, date) else parse_date(issue_date)
    if given is None:
        return VerificationResult(MISMATCH, problem="unreadable_date")
    if recorded_issue is not None and given == recorded_issue:
        return VerificationResult(OK, method="issue_date")
    return VerificationResult(MISMATCH, problem="wrong_factor")
