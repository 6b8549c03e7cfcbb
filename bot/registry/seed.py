"""Puts the demo personas (idempotently) and a synthetic population into the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.registry.generator import generate
from bot.registry.models import Enrolment, Household, Instalment, Person
from bot.registry.personas import PERSONAS, MemberSpec, Persona
from bot.registry.programmes import ProgrammesConfig, get_programmes
from bot.registry.quarters import quarter_start, recent_quarters


@dataclass(frozen=True)
class SeedResult:
    """How many persona households and synthetic households were added."""

    personas_added: int
    synthetic_added: int


def _born(today: date, years: int, months: int) -> date:
    return today - timedelta(days=years * 365 + years // 4 + months * 30 + 15)


def _expiry(issued: date) -> date:
    return issued.replace(year=issued.year + 10)


def _member_cnic(owner: Persona, index: int, gender: str) -> str:
    """A 98-serial CNIC for an adult of a persona household (never generated elsewhere)."""
    number = PERSONAS.index(owner) * 10 + index
    return f"{owner.cnic[:5]}98{number:05d}{1 if gender == 'male' else 2}"


def _add_persona_household(session: Session, p: Persona, cfg: ProgrammesConfig, today: date):
    hh = Household(
        pmt_score=p.pmt_score,
        district=p.district,
        tehsil=p.tehsil,
        survey_date=p.survey_date,
        address=f"Mauza Basti, Tehsil {p.tehsil}",
    )
    session.add(hh)
    session.flush()
    main = Person(
        household_id=hh.id,
        cnic=p.cnic,
        name=p.name,
        gender=p.gender,
        date_of_birth=p.date_of_birth,
        relation=p.relation,
        marital_status=p.marital_status,
        disability=False,
        phone=p.phone,
        cnic_issue_date=p.cnic_issue_date,
        cnic_expiry_date=None
        if p.lifetime_cnic
        else (p.cnic_expiry_date or _expiry(p.cnic_issue_date)),
        government_employee=p.government_employee,
        tax_payer=False,
        maternal_status=p.maternal_status,
    )
    session.add(main)
    others = [_member(hh.id, p, i, spec, today) for i, spec in enumerate(p.members)]
    session.add_all(others)
    session.flush()
    if p.kafaalat:
        session.add(
            Enrolment(
                person_id=main.id,
                household_id=hh.id,
                programme="kafaalat",
                status=p.kafaalat,
                reason=p.kafaalat_reason,
                since=_enrolled_on(p, today),
            )
        )
    if p.latest and p.rounds != "none":
        _kafaalat_instalments(session, main, p, cfg, today)
    if p.kafaalat == "active":
        _children_programmes(session, hh, main, others, p, cfg, today)


def _enrolled_on(p: Persona, today: date) -> Optional[date]:
    if p.kafaalat != "active":
        return None
    if p.enrolled_days_ago is not None:
        return today - timedelta(days=p.enrolled_days_ago)
    return date(2021, 7, 1)


def _paid_quarters(p: Persona, today: date, count: int) -> list[str]:
    """The quarters whose payment round has reached her, oldest first (none if new)."""
    if p.rounds == "none":
        return []
    quarters = recent_quarters(today, count + 1)
    return quarters[:-1] if p.rounds == "previous" else quarters[1:]


def _member(household_id: int, p: Persona, index: int, spec: MemberSpec, today: date) -> Person:
    joined = next((q for q in PERSONAS if q.cnic == spec.cnic), None)
    adult = spec.age_years >= 18
    cnic = spec.cnic or (_member_cnic(p, index, spec.gender) if adult else None)
    issued = joined.cnic_issue_date if joined else (date(2020, 2, 2) if adult else None)
    return Person(
        household_id=household_id,
        cnic=cnic,
        name=spec.name,
        gender=spec.gender,
        date_of_birth=joined.date_of_birth
        if joined
        else _born(today, spec.age_years, spec.age_months),
        relation=spec.relation,
        marital_status=spec.marital_status,
        disability=spec.disability,
        phone=joined.phone if joined else None,
        cnic_issue_date=issued,
        cnic_expiry_date=_expiry(issued) if issued else None,
        government_employee=False,
        tax_payer=spec.tax_payer,
        school_level=spec.school_level,
    )


def _kafaalat_instalments(
    session: Session, main: Person, p: Persona, cfg: ProgrammesConfig, today: date
) -> None:
    quarters = _paid_quarters(p, today, 4)
    for i, quarter in enumerate(quarters):
        latest = i == len(quarters) - 1
        status, reason = p.latest if latest and p.latest else ("paid", None)
        start = quarter_start(quarter)
        session.add(
            Instalment(
                person_id=main.id,
                programme="kafaalat",
                quarter=quarter,
                amount=cfg.kafaalat_amount(start),
                status=status,
                reason=reason,
                bank=p.bank,
                agent=None if status == "withheld" else p.agent,
                status_date=min(start + timedelta(days=20), today),
            )
        )


def _children_programmes(
    session: Session,
    hh: Household,
    mother: Person,
    others: list[Person],
    p: Persona,
    cfg: ProgrammesConfig,
    today: date,
) -> None:
    rounds = _paid_quarters(p, today, 1)
    quarter = rounds[-1] if rounds else None
    paid_on = min(quarter_start(quarter) + timedelta(days=25), today) if quarter else None
    for child, spec in zip(others, p.members, strict=True):
        months = (today - child.date_of_birth).days * 12 // 365
        if child.school_level:
            programme = "taleemi_wazaif"
            amount = cfg.taleemi_wazaif_amount(child.school_level, child.gender, today)
        elif child.relation in ("son", "daughter") and months < 24:
            programme = "nashonuma"
            amount = cfg.nashonuma_amount(child.gender, today)
        else:
            continue
        session.add(
            Enrolment(person_id=child.id, household_id=hh.id, programme=programme, status="active")
        )
        if quarter:
            latest = spec.latest or ("paid", None)
            session.add(_round(mother, p, programme, quarter, amount, latest, paid_on, child))
    if p.maternal_status:
        session.add(
            Enrolment(
                person_id=mother.id,
                household_id=hh.id,
                programme="nashonuma",
                status="active",
                reason=p.maternal_status,
            )
        )
        if quarter:
            latest = p.nashonuma_latest or ("paid", None)
            amount = cfg.nashonuma_amount("mother", today)
            session.add(_round(mother, p, "nashonuma", quarter, amount, latest, paid_on))


def _round(
    mother: Person,
    p: Persona,
    programme: str,
    quarter: str,
    amount: int,
    latest: tuple[str, Optional[str]],
    day: Optional[date],
    child: Optional[Person] = None,
) -> Instalment:
    """This round's stipend for a child (paid to the mother) or the mother's own."""
    status, reason = latest
    return Instalment(
        person_id=mother.id,
        programme=programme,
        quarter=quarter,
        amount=amount,
        status=status,
        reason=reason,
        bank=p.bank,
        agent=None if status == "withheld" else p.agent,
        status_date=day,
        for_person_id=child.id if child else None,
    )


def ensure_personas(
    session: Session, *, today: Optional[date] = None, cfg: Optional[ProgrammesConfig] = None
) -> int:
    """Insert every persona household not yet present; returns how many were added."""
    today = today or date.today()
    cfg = cfg or get_programmes()
    added = 0
    for p in PERSONAS:
        if not p.in_registry or p.household_of:
            continue
        exists = session.execute(select(Person.id).where(Person.cnic == p.cnic)).first()
        if exists is None:
            _add_persona_household(session, p, cfg, today)
            added += 1
    session.flush()
    return added


def ensure_demo_registry(
    session: Session,
    synthetic_households: int = 2000,
    seed: int = 7,
    *,
    today: Optional[date] = None,
    progress: bool = False,
) -> SeedResult:
    """Personas (idempotently) plus `synthetic_households` generated ones if none exist yet.

    The caller commits (session_scope does).
    """
    today = today or date.today()
    added = ensure_personas(session, today=today)
    persona_households = sum(1 for p in PERSONAS if p.in_registry and not p.household_of)
    total = session.execute(select(func.count(Household.id))).scalar_one()
    synthetic = 0
    if total <= persona_households and synthetic_households > 0:
        stats = generate(
            session.connection(), synthetic_households, seed, as_of=today, progress=progress
        )
        synthetic = stats.households
    return SeedResult(added, synthetic)
