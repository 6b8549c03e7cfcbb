"""Identity check before registry data is shown: CNIC plus issue date or phone on record.

The second factor is the CNIC issue date (printed on the card; typed or said in any
common form, bot.nlu.spoken.parse_date) or the sender's phone number being the one on
record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.identifiers import normalise_cnic, normalise_phone
from bot.nlu.spoken import parse_date
from bot.registry.models import Person

OK = "ok"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"


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
