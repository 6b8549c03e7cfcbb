"""Eligibility rules for Kafaalat, Taleemi Wazaif and Nashonuma as pure functions.

The functions take plain data (HouseholdFacts, MemberFacts) and the programmes
configuration, never a database session, so the staff console, the actions and the
tests share one implementation. Every figure comes from config/programmes.yml.

`eligible` means "qualifies under the rules": a waitlisted or suspended beneficiary
qualifies (eligible=True) but the reason code says why she is not being paid now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from bot.registry.programmes import ProgrammesConfig

KAFAALAT = "kafaalat"
TALEEMI_WAZAIF = "taleemi_wazaif"
NASHONUMA = "nashonuma"
REGISTRY_PROGRAMMES = (KAFAALAT, TALEEMI_WAZAIF, NASHONUMA)

CHILD_RELATIONS = ("son", "daughter", "other")
PAID_STATUSES = ("active", "suspended")


@dataclass(frozen=True)
class MemberFacts:
    """What the rules need to know about one household member."""

    person_id: int
    name: str
    gender: str
    date_of_birth: date
    relation: str
    disability: bool = False
    government_employee: bool = False
    tax_payer: bool = False
    other_exclusion: Optional[str] = None
    school_level: Optional[str] = None
    maternal_status: Optional[str] = None


@dataclass(frozen=True)
class EnrolmentFacts:
    """One enrolment row: which member, which programme, its status and reason."""

    person_id: int
    programme: str
    status: str
    reason: Optional[str] = None


@dataclass(frozen=True)
class HouseholdFacts:
    """A household as the rules see it: PMT score, survey date, members, enrolments."""

    pmt_score: float
    survey_date: date
    members: tuple[MemberFacts, ...]
    enrolments: tuple[EnrolmentFacts, ...] = ()

    def member(self, person_id: int) -> MemberFacts:
        return next(m for m in self.members if m.person_id == person_id)

    def enrolment(self, person_id: int, programme: str) -> Optional[EnrolmentFacts]:
        return next(
            (e for e in self.enrolments if e.person_id == person_id and e.programme == programme),
            None,
        )


@dataclass(frozen=True)
class MemberResult:
    """The verdict for one child (Taleemi Wazaif) or one mother/child (Nashonuma)."""

    person_id: int
    name: str
    gender: str
    age: int
    eligible: bool
    reason: str
    next_step: str
    amount: Optional[int] = None
    level: Optional[str] = None
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    age_months: Optional[int] = None


@dataclass(frozen=True)
class ProgrammeResult:
    """The verdict for one programme, with the numbers that explain it."""

    programme: str
    eligible: bool
    reason: str
    next_step: str
    pmt_score: Optional[float] = None
    cutoff: Optional[float] = None
    amount: Optional[int] = None  # rupees per quarter when eligible
    resurvey_from: Optional[date] = None
    members: tuple[MemberResult, ...] = field(default_factory=tuple)


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_on(born: date, day: date) -> int:
    """Whole months from `born` to `day`."""
    return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def pmt_cutoff(household: HouseholdFacts, cfg: ProgrammesConfig) -> float:
    """32, or 37 when a member of the household is differently-abled."""
    rules = cfg.programme(KAFAALAT)["eligibility"]
    if any(m.disability for m in household.members):
        return float(rules["pmt_cutoff_disability"])
    return float(rules["pmt_cutoff"])


def spouse_of(household: HouseholdFacts, person: MemberFacts) -> Optional[MemberFacts]:
    """The head's spouse for the head, the head for the spouse, else None."""
    wanted = {"head": "spouse", "spouse": "head"}.get(person.relation)
    if wanted is None:
        return None
    return next((m for m in household.members if m.relation == wanted), None)


def exclusion_reason(
    household: HouseholdFacts, person: MemberFacts, cfg: ProgrammesConfig
) -> Optional[str]:
    """Reason code when the person or her spouse falls under an exclusion, else None."""
    spouse = spouse_of(household, person)
    for key in cfg.programme(KAFAALAT)["eligibility"]["exclusions"]:
        rule = cfg.exclusions[key]
        for who, member in (("self", person), ("spouse", spouse)):
            if member is None or who not in rule["applies_to"]:
                continue
            hit = member.other_exclusion == key or (
                key in ("government_employee", "tax_payer") and getattr(member, key)
            )
            if hit:
                return rule["code"] if who == "self" else rule["spouse_code"]
    return None


def _resurvey_step(household: HouseholdFacts, cfg: ProgrammesConfig, today: date):
    years = int(cfg.registry["resurvey_min_interval_years"])
    allowed = _add_years(household.survey_date, years)
    return ("request_resurvey" if allowed <= today else "wait_for_resurvey_window"), allowed


def _kafaalat_family(household: HouseholdFacts) -> bool:
    return any(e.programme == KAFAALAT and e.status in PAID_STATUSES for e in household.enrolments)


_SUSPENSION_STEPS = {"cnic_expired": "renew_cnic", "biometric_failure": "visit_tehsil_office"}


def assess_kafaalat(
    household: HouseholdFacts, person: MemberFacts, cfg: ProgrammesConfig, today: date
) -> ProgrammeResult:
    """Kafaalat verdict for `person` (the woman of the household, or whoever asks)."""
    rules = cfg.programme(KAFAALAT)["eligibility"]
    cutoff = pmt_cutoff(household, cfg)
    common = {"programme": KAFAALAT, "pmt_score": household.pmt_score, "cutoff": cutoff}
    excluded = exclusion_reason(household, person, cfg)
    if excluded:
        return ProgrammeResult(
            eligible=False, reason=excluded, next_step="update_details_at_tehsil_office", **common
        )
    if household.pmt_score > cutoff:
        step, allowed = _resurvey_step(household, cfg, today)
        return ProgrammeResult(
            eligible=False,
            reason="pmt_above_cutoff",
            next_step=step,
            resurvey_from=allowed,
            **common,
        )
    if person.gender not in rules["beneficiary_genders"]:
        has_woman = any(
            m.gender in rules["beneficiary_genders"] and age_on(m.date_of_birth, today) >= 18
            for m in household.members
        )
        reason = "beneficiary_is_woman_of_household" if has_woman else "no_woman_in_household"
        step = "woman_of_household_should_check" if has_woman else "visit_tehsil_office"
        return ProgrammeResult(eligible=False, reason=reason, next_step=step, **common)
    if age_on(person.date_of_birth, today) < int(rules["min_age"]):
        return ProgrammeResult(
            eligible=False, reason="below_minimum_age", next_step="none", **common
        )
    amount = cfg.kafaalat_amount(today)
    enrolment = household.enrolment(person.person_id, KAFAALAT)
    if enrolment is None:
        if _kafaalat_family(household):
            return ProgrammeResult(
                eligible=False,
                reason="household_beneficiary_is_other_member",
                next_step="none",
                **common,
            )
        return ProgrammeResult(
            eligible=True,
            reason="eligible_pending_enrolment",
            next_step="wait_for_enrolment",
            amount=amount,
            **common,
        )
    by_status = {
        "active": (True, "eligible", "collect_payment"),
        "waitlisted": (True, "waitlisted", "wait_for_funds"),
        "suspended": (
            True,
            "suspended",
            _SUSPENSION_STEPS.get(enrolment.reason or "", "visit_tehsil_office"),
        ),
        "excluded": (False, "excluded_by_programme", "update_details_at_tehsil_office"),
        "graduated": (False, "graduated", "none"),
    }
    eligible, reason, step = by_status[enrolment.status]
    return ProgrammeResult(
        eligible=eligible,
        reason=reason,
        next_step=step,
        amount=amount if eligible else None,
        **common,
    )


def _children(household: HouseholdFacts, person: MemberFacts) -> list[MemberFacts]:
    return [
        m
        for m in household.members
        if m.person_id != person.person_id and m.relation in CHILD_RELATIONS
    ]


def assess_child_stipend(
    child: MemberFacts, household: HouseholdFacts, cfg: ProgrammesConfig, today: date
) -> MemberResult:
    """Taleemi Wazaif verdict for one child of a Kafaalat family."""
    levels = cfg.programme(TALEEMI_WAZAIF)["eligibility"]["levels"]
    age = age_on(child.date_of_birth, today)
    base = {"person_id": child.person_id, "name": child.name, "gender": child.gender, "age": age}
    youngest = min(int(b["min_age"]) for b in levels.values())
    oldest = max(int(b["max_age"]) for b in levels.values())
    if child.school_level is None:
        if age < youngest:
            return MemberResult(eligible=False, reason="too_young", next_step="none", **base)
        if age > oldest:
            return MemberResult(eligible=False, reason="too_old", next_step="none", **base)
        return MemberResult(
            eligible=False,
            reason="not_enrolled_in_school",
            next_step="enrol_child_in_school",
            **base,
        )
    band = levels[child.school_level]
    lo, hi = int(band["min_age"]), int(band["max_age"])
    extra = {"level": child.school_level, "min_age": lo, "max_age": hi}
    if not lo <= age <= hi:
        return MemberResult(
            eligible=False, reason="age_outside_band", next_step="none", **base, **extra
        )
    amount = cfg.taleemi_wazaif_amount(child.school_level, child.gender, today)
    enrolment = household.enrolment(child.person_id, TALEEMI_WAZAIF)
    if enrolment is not None and enrolment.status == "suspended":
        return MemberResult(
            eligible=True,
            reason=enrolment.reason or "suspended",
            next_step="improve_attendance"
            if enrolment.reason == "attendance_below_70"
            else "visit_tehsil_office",
            amount=amount,
            **base,
            **extra,
        )
    step = "collect_payment" if enrolment is not None else "enrol_child_at_tehsil_office"
    reason = "eligible" if enrolment is not None else "eligible_pending_enrolment"
    return MemberResult(
        eligible=True, reason=reason, next_step=step, amount=amount, **base, **extra
    )


def assess_taleemi_wazaif(
    household: HouseholdFacts, person: MemberFacts, cfg: ProgrammesConfig, today: date
) -> ProgrammeResult:
    """Taleemi Wazaif for the children of `person`'s household (paid to the mother)."""
    if not _kafaalat_family(household):
        return ProgrammeResult(
            programme=TALEEMI_WAZAIF,
            eligible=False,
            reason="not_a_child_of_kafaalat_family",
            next_step="check_kafaalat_eligibility",
            pmt_score=household.pmt_score,
            cutoff=pmt_cutoff(household, cfg),
        )
    levels = cfg.programme(TALEEMI_WAZAIF)["eligibility"]["levels"]
    oldest = max(int(b["max_age"]) for b in levels.values())
    children = [c for c in _children(household, person) if age_on(c.date_of_birth, today) <= oldest]
    results = tuple(assess_child_stipend(c, household, cfg, today) for c in children)
    paid = [r for r in results if r.eligible]
    if not paid:
        out_of_school = any(r.reason == "not_enrolled_in_school" for r in results)
        return ProgrammeResult(
            programme=TALEEMI_WAZAIF,
            eligible=False,
            reason="no_child_enrolled_in_school" if out_of_school else "no_child_of_school_age",
            next_step="enrol_child_in_school" if out_of_school else "none",
            members=results,
        )
    return ProgrammeResult(
        programme=TALEEMI_WAZAIF,
        eligible=True,
        reason="eligible",
        next_step="keep_attendance_above_70",
        amount=sum(r.amount or 0 for r in paid),
        members=results,
    )


def assess_nashonuma(
    household: HouseholdFacts, person: MemberFacts, cfg: ProgrammesConfig, today: date
) -> ProgrammeResult:
    """Nashonuma for a pregnant/lactating `person` and the household's children under 2."""
    rules = cfg.programme(NASHONUMA)["eligibility"]
    cutoff = pmt_cutoff(household, cfg)
    bisp_family = _kafaalat_family(household) or (
        household.pmt_score <= cutoff and exclusion_reason(household, person, cfg) is None
    )
    if not bisp_family:
        return ProgrammeResult(
            programme=NASHONUMA,
            eligible=False,
            reason="not_a_bisp_family",
            next_step="check_kafaalat_eligibility",
            pmt_score=household.pmt_score,
            cutoff=cutoff,
        )
    results: list[MemberResult] = []
    if person.maternal_status in rules["maternal_statuses"]:
        results.append(
            MemberResult(
                person_id=person.person_id,
                name=person.name,
                gender=person.gender,
                age=age_on(person.date_of_birth, today),
                eligible=True,
                reason=person.maternal_status,
                next_step="visit_facilitation_centre",
                amount=cfg.nashonuma_amount("mother", today),
            )
        )
    for child in _children(household, person):
        months = months_on(child.date_of_birth, today)
        if 0 <= months < int(rules["child_max_age_months"]):
            results.append(
                MemberResult(
                    person_id=child.person_id,
                    name=child.name,
                    gender=child.gender,
                    age=months // 12,
                    age_months=months,
                    eligible=True,
                    reason="child_under_2",
                    next_step="visit_facilitation_centre",
                    amount=cfg.nashonuma_amount(child.gender, today),
                )
            )
    if not results:
        return ProgrammeResult(
            programme=NASHONUMA,
            eligible=False,
            reason="no_pregnant_woman_or_child_under_2",
            next_step="none",
            pmt_score=household.pmt_score,
            cutoff=cutoff,
        )
    return ProgrammeResult(
        programme=NASHONUMA,
        eligible=True,
        reason="eligible",
        next_step="visit_facilitation_centre",
        pmt_score=household.pmt_score,
        cutoff=cutoff,
        amount=sum(r.amount or 0 for r in results),
        members=tuple(results),
    )


def assess_all(
    household: HouseholdFacts, person: MemberFacts, cfg: ProgrammesConfig, today: date
) -> dict[str, ProgrammeResult]:
    """Every registry-based programme for `person`, keyed by programme."""
    return {
        KAFAALAT: assess_kafaalat(household, person, cfg, today),
        TALEEMI_WAZAIF: assess_taleemi_wazaif(household, person, cfg, today),
        NASHONUMA: assess_nashonuma(household, person, cfg, today),
    }


def not_in_registry() -> dict[str, ProgrammeResult]:
    """The verdict for a CNIC the registry does not hold: register through a survey."""
    return {
        key: ProgrammeResult(
            programme=key,
            eligible=False,
            reason="not_in_registry",
            next_step="register_at_tehsil_office",
        )
        for key in REGISTRY_PROGRAMMES
    }
