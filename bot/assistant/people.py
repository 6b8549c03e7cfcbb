"""What the conversation needs to know about a citizen from the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.privacy.vault import real_cnic
from bot.registry.models import Enrolment, Household, Person


@dataclass(frozen=True)
class PersonContext:
    district: str
    tehsil: str
    phone: Optional[str]
    programme: Optional[str]
    vulnerable: bool


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def person_context(
    session: Session, cnic: str, today: Optional[date] = None
) -> Optional[PersonContext]:
    """District, tehsil, phone, main programme and vulnerability of the CNIC's holder.

    `cnic` may be the vault reference the conversation keeps instead of the digits.
    """
    cnic = real_cnic(session, cnic) or cnic
    row = session.execute(
        select(Person, Household)
        .join(Household, Person.household_id == Household.id)
        .where(Person.cnic == cnic)
    ).first()
    if row is None:
        return None
    person, household = row
    programme = (
        session.execute(
            select(Enrolment.programme)
            .where(Enrolment.person_id == person.id)
            .order_by((Enrolment.status == "active").desc(), Enrolment.id)
        )
        .scalars()
        .first()
    )
    today = today or date.today()
    vulnerable = bool(
        person.disability
        or person.marital_status == "widow"
        or _age(person.date_of_birth, today) >= 60
    )
    return PersonContext(household.district, household.tehsil, person.phone, programme, vulnerable)
