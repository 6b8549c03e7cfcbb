"""Registry queries for the actions and the console; they return plain dataclasses.

Every function takes a Session and a CNIC in any common form (dashes, spaces, Urdu
digits); an invalid or unknown CNIC gives None or a report with found=False.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.identifiers import normalise_cnic
from bot.registry import eligibility as rules
from bot.registry import household_status as status_rules
from bot.registry.models import Enrolment, Household, Instalment, Person
from bot.registry.programmes import ProgrammesConfig, get_programmes


# What the beneficiary should do about an instalment in a given state.
@dataclass(frozen=True)
class EnrolmentView:
    """A person's standing in one programme."""

    programme: str
    status: str
    reason: Optional[str]
    since: Optional[date]


@dataclass(frozen=True)
class MemberView:
    """A household member as the console and the bot may show it."""

    name: str
    gender: str
    relation: str
    date_of_birth: date
    disability: bool
    cnic: Optional[str]
    school_level: Optional[str]
    maternal_status: Optional[str]


@dataclass(frozen=True)
class HouseholdView:
    """A household: PMT score, place, survey date and members."""

    pmt_score: float
    district: str
    tehsil: str
    survey_date: date
    members: tuple[MemberView, ...] = ()


@dataclass(frozen=True)
class PersonView:
    """One person in the registry with household summary and enrolments."""

    cnic: str
    name: str
    gender: str
    date_of_birth: date
    marital_status: str
    phone: Optional[str]
    cnic_issue_date: Optional[date]
    cnic_expiry_date: Optional[date]
    district: str
    tehsil: str
    pmt_score: float
    survey_date: date
    enrolments: tuple[EnrolmentView, ...] = ()

    @property
    def cnic_expired(self) -> bool:
        return self.cnic_expiry_date is not None and self.cnic_expiry_date < date.today()


@dataclass(frozen=True)
class InstalmentView:
    """One instalment: how much, which quarter, where it stands and what to do next."""

    programme: str
    quarter: str
    amount: int
    status: str
    reason: Optional[str]
    bank: Optional[str]
    agent: Optional[str]
    date: Optional[date]
    collection: Optional[str]
    for_name: Optional[str] = None


@dataclass(frozen=True)
class EligibilityReport:
    """Per-programme verdicts for a CNIC, with where the person lives."""

    cnic: str
    found: bool
    name: Optional[str] = None
    gender: Optional[str] = None
    district: Optional[str] = None
    tehsil: Optional[str] = None
    pmt_score: Optional[float] = None
    programmes: dict[str, rules.ProgrammeResult] = field(default_factory=dict)


def _person(session: Session, cnic: str) -> Optional[Person]:
    digits = normalise_cnic(cnic or "")
    if digits is None:
        return None
    return session.execute(select(Person).where(Person.cnic == digits)).scalar_one_or_none()


# One round trip for find_person: the person, their household and their enrolments (one row
# per enrolment, or one row with NULL enrolment columns). Three separate queries cost three
# round trips; at 10M persons the round trips, not the index look-ups, set the p99.
_PERSON_ROW = (
    select(
        Person.cnic,
        Person.name,
        Person.gender,
        Person.date_of_birth,
        Person.marital_status,
        Person.phone,
        Person.cnic_issue_date,
        Person.cnic_expiry_date,
        Household.district,
        Household.tehsil,
        Household.pmt_score,
        Household.survey_date,
        Enrolment.id.label("enrolment_id"),
        Enrolment.programme,
        Enrolment.status,
        Enrolment.reason,
        Enrolment.since,
    )
    .join(Household, Household.id == Person.household_id)
    .outerjoin(Enrolment, Enrolment.person_id == Person.id)
    .order_by(Enrolment.id)
)


def find_person(session: Session, cnic: str) -> Optional[PersonView]:
    """The person holding `cnic`, or None (one joined query)."""
    digits = normalise_cnic(cnic or "")
    if digits is None:
        return None
    rows = session.execute(_PERSON_ROW.where(Person.cnic == digits)).all()
    if not rows:
        return None
    first = rows[0]
    return PersonView(
        cnic=first.cnic or "",
        name=first.name,
        gender=first.gender,
        date_of_birth=first.date_of_birth,
        marital_status=first.marital_status,
        phone=first.phone,
        cnic_issue_date=first.cnic_issue_date,
        cnic_expiry_date=first.cnic_expiry_date,
        district=first.district,
        tehsil=first.tehsil,
        pmt_score=first.pmt_score,
        survey_date=first.survey_date,
        enrolments=tuple(
            EnrolmentView(r.programme, r.status, r.reason, r.since)
            for r in rows
            if r.enrolment_id is not None
        ),
    )


def _members(session: Session, household_id: int) -> list[Person]:
    return list(
        session.execute(
            select(Person).where(Person.household_id == household_id).order_by(Person.id)
        ).scalars()
    )


def household_of(session: Session, cnic: str) -> Optional[HouseholdView]:
    """The household of the person holding `cnic`, with all members, or None."""
    person = _person(session, cnic)
    if person is None:
        return None
    hh = session.get(Household, person.household_id)
    members = tuple(
        MemberView(
            name=m.name,
            gender=m.gender,
            relation=m.relation,
            date_of_birth=m.date_of_birth,
            disability=m.disability,
            cnic=m.cnic,
            school_level=m.school_level,
            maternal_status=m.maternal_status,
        )
        for m in _members(session, hh.id)
    )
    return HouseholdView(hh.pmt_score, hh.district, hh.tehsil, hh.survey_date, members)


def _facts(session: Session, hh: Household) -> rules.HouseholdFacts:
    members = tuple(
        rules.MemberFacts(
            person_id=m.id,
            name=m.name,
            gender=m.gender,
            date_of_birth=m.date_of_birth,
            relation=m.relation,
            disability=m.disability,
            government_employee=m.government_employee,
            tax_payer=m.tax_payer,
            other_exclusion=m.other_exclusion,
            school_level=m.school_level,
            maternal_status=m.maternal_status,
        )
        for m in _members(session, hh.id)
    )
    enrolments = tuple(
        rules.EnrolmentFacts(e.person_id, e.programme, e.status, e.reason)
        for e in session.execute(select(Enrolment).where(Enrolment.household_id == hh.id)).scalars()
    )
    return rules.HouseholdFacts(hh.pmt_score, hh.survey_date, members, enrolments)


def check_eligibility(
    session: Session,
    cnic: str,
    *,
    today: Optional[date] = None,
    cfg: Optional[ProgrammesConfig] = None,
) -> EligibilityReport:
    """Kafaalat, Taleemi Wazaif and Nashonuma verdicts for the holder of `cnic`."""
    digits = normalise_cnic(cnic or "") or (cnic or "")
    person = _person(session, cnic)
    if person is None:
        return EligibilityReport(cnic=digits, found=False, programmes=rules.not_in_registry())
    hh = session.get(Household, person.household_id)
    facts = _facts(session, hh)
    results = rules.assess_all(
        facts, facts.member(person.id), cfg or get_programmes(), today or date.today()
    )
    return EligibilityReport(
        cnic=digits,
        found=True,
        name=person.name,
        gender=person.gender,
        district=hh.district,
        tehsil=hh.tehsil,
        pmt_score=hh.pmt_score,
        programmes=results,
    )


def _collection(status: str, agent: Optional[str]) -> Optional[str]:
    """How to collect: at a campsite or a retailer, or nothing to collect."""
    if status != "ready_for_collection":
        return None
    if agent and agent.startswith("BISP Campsite"):
        return "collect_at_campsite_with_cnic"
    return "collect_at_retailer_with_cnic"


def _view(session: Session, row: Instalment) -> InstalmentView:
    for_name = None
    if row.for_person_id is not None:
        child = session.get(Person, row.for_person_id)
        for_name = child.name if child else None
    return InstalmentView(
        programme=row.programme,
        quarter=row.quarter,
        amount=row.amount,
        status=row.status,
        reason=row.reason,
        bank=row.bank,
        agent=row.agent,
        date=row.status_date,
        collection=_collection(row.status, row.agent),
        for_name=for_name,
    )


def instalments(
    session: Session, cnic: str, programme: Optional[str] = None, limit: int = 8
) -> list[InstalmentView]:
    """The person's instalments, newest quarter first."""
    person = _person(session, cnic)
    if person is None:
        return []
    query = select(Instalment).where(Instalment.person_id == person.id)
    if programme:
        query = query.where(Instalment.programme == programme)
    query = query.order_by(Instalment.quarter.desc(), Instalment.id.desc()).limit(limit)
    return [_view(session, row) for row in session.execute(query).scalars()]


def latest_instalment(
    session: Session, cnic: str, programme: Optional[str] = None
) -> Optional[InstalmentView]:
    """The newest instalment (Kafaalat first when several share the quarter), or None."""
    person = _person(session, cnic)
    if person is None:
        return None
    query = select(Instalment).where(Instalment.person_id == person.id)
    if programme:
        query = query.where(Instalment.programme == programme)
    rows = list(session.execute(query.order_by(Instalment.quarter.desc())).scalars())
    if not rows:
        return None
    newest = [r for r in rows if r.quarter == rows[0].quarter]
    newest.sort(key=lambda r: (r.programme != rules.KAFAALAT, r.id))
    return _view(session, newest[0])


def household_status(
    session: Session,
    cnic: str,
    *,
    today: Optional[date] = None,
    cfg: Optional[ProgrammesConfig] = None,
) -> Optional[status_rules.HouseholdStatus]:
    """Every programme the holder of `cnic` is in, with each payment's state, reason and
    next step; None when the registry does not hold the CNIC."""
    person = _person(session, cnic)
    if person is None:
        return None
    hh = session.get(Household, person.household_id)
    facts = _facts(session, hh)
    rows = session.execute(select(Instalment).where(Instalment.person_id == person.id)).scalars()
    paid = [
        status_rules.InstalmentFacts(
            person_id=r.person_id,
            programme=r.programme,
            quarter=r.quarter,
            amount=r.amount,
            status=r.status,
            reason=r.reason,
            bank=r.bank,
            agent=r.agent,
            day=r.status_date,
            for_person_id=r.for_person_id,
            collect_until=r.collect_until,
        )
        for r in rows
    ]
    return status_rules.household_status(
        facts, facts.member(person.id), paid, cfg or get_programmes(), today or date.today()
    )
