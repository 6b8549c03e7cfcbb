"""One household-status answer: per programme, the payment state, its reason and next step.

Both the eligibility and the payment question are answered from this: the verdicts of
`eligibility.assess_all` and the instalments on record give, for every programme the
household is in (Kafaalat; Taleemi Wazaif per child; Nashonuma for mother and child),
one `StatusLine` with a state from STATES, a reason from REASONS, a next step from STEPS
and what to say about timing from WHENS. Every code in those tables has a response in
domain.yml (`utter_status_<state>`, `utter_reason_<reason>`, `utter_step_<step>`,
`utter_when_<when>`); a test fails when one is missing in a language or on the voice line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Optional

from bot.registry import eligibility as rules
from bot.registry.programmes import ProgrammesConfig
from bot.registry.quarters import next_quarter, next_window, quarter_of, window_closes, window_opens

# The states a payment can be in, as the citizen hears them.
STATES = (
    "paid",
    "ready",
    "withheld",
    "failed",
    "not_yet",
    "newly_enrolled",
    "waiting_list",
    "not_eligible",
    "excluded",
    "paid_to_other",
)

# Why a payment is withheld, and exactly what clears it.
WITHHELD_STEPS = {
    "biometric_failure": "alternate_verification",
    "cnic_expired": "renew_cnic",
    "attendance_below_70": "improve_attendance",
    "nashonuma_visit_missed": "visit_facilitation_centre",
    "bank_error": "wait_next_window",
    "data_under_review": "visit_tehsil_office",
}

# Every reason a status line can carry (the exclusion codes come from config/programmes.yml;
# tests check both lists agree).
REASONS = (
    *WITHHELD_STEPS,
    "window_not_open",
    "newly_enrolled",
    "funds_exhausted",
    "eligible_pending_enrolment",
    "pmt_above_cutoff",
    "graduated",
    "below_minimum_age",
    "no_woman_in_household",
    "not_enrolled_in_school",
    "child_not_registered",
    "excluded_government_employee",
    "excluded_spouse_government_employee",
    "excluded_tax_payer",
    "excluded_vehicle_owner",
    "excluded_frequent_foreign_travel",
    "excluded_by_programme",
    "beneficiary_is_woman_of_household",
)

STEPS = (
    *sorted(set(WITHHELD_STEPS.values())),
    "count_cash",
    "collect_with_cnic",
    "wait_for_sms",
    "nothing_needed",
    "resurvey",
    "correct_record",
    "enrol_in_school",
    "register_child",
    "beneficiary_checks",
)

WHENS = (
    "next_window",
    "collect_now",
    "after_remedy",
    "no_date",
    "resurvey",
    "after_correction",
    "ask_beneficiary",
)

# A state's next step and timing when its reason does not decide them.
_STATE_STEP = {
    "paid": ("count_cash", "next_window"),
    "ready": ("collect_with_cnic", "collect_now"),
    "failed": ("wait_next_window", "next_window"),
    "not_yet": ("wait_for_sms", "next_window"),
    "newly_enrolled": ("wait_for_sms", "next_window"),
    "waiting_list": ("nothing_needed", "no_date"),
    "excluded": ("correct_record", "after_correction"),
    "paid_to_other": ("beneficiary_checks", "ask_beneficiary"),
}
_NOT_ELIGIBLE_STEP = {
    "pmt_above_cutoff": ("resurvey", "resurvey"),
    "graduated": ("resurvey", "resurvey"),
    "below_minimum_age": ("visit_tehsil_office", "after_correction"),
    "no_woman_in_household": ("visit_tehsil_office", "after_correction"),
    "not_enrolled_in_school": ("enrol_in_school", "next_window"),
    "child_not_registered": ("register_child", "next_window"),
}
_OTHER_MEMBER = ("beneficiary_is_woman_of_household", "household_beneficiary_is_other_member")
_INSTALMENT_STATE = {"paid": "paid", "ready_for_collection": "ready", "withheld": "withheld"}


@dataclass(frozen=True)
class InstalmentFacts:
    """One instalment on record: to whom, for whom, which quarter, where it stands."""

    person_id: int
    programme: str
    quarter: str
    amount: int
    status: str
    reason: Optional[str] = None
    bank: Optional[str] = None
    agent: Optional[str] = None
    day: Optional[date] = None
    for_person_id: Optional[int] = None
    collect_until: Optional[date] = None  # when the payment file gives the last day


@dataclass(frozen=True)
class StatusLine:
    """Where one programme (or a group of its members in the same state) stands."""

    programme: str
    state: str
    reason: Optional[str]
    step: str
    when: str
    amount: Optional[int] = None
    quarter: Optional[str] = None
    day: Optional[date] = None  # paid / ready / withheld on
    bank: Optional[str] = None
    agent: Optional[str] = None
    members: tuple[str, ...] = ()  # the children / mother the money is for
    next_window: Optional[date] = None
    window_closes: Optional[date] = None
    resurvey_from: Optional[date] = None
    pmt_score: Optional[float] = None
    cutoff: Optional[float] = None


@dataclass(frozen=True)
class HouseholdStatus:
    """The verdicts and one line per programme state: Kafaalat first, then the stipends
    (problems before payments made)."""

    verdicts: dict[str, rules.ProgrammeResult]
    lines: tuple[StatusLine, ...] = field(default_factory=tuple)

    @property
    def focus(self) -> Optional[StatusLine]:
        """The line a follow-up ("why?", "when?") is about: the first payment that is not
        simply paid (a child out of school is advice, not a payment), else the first line."""
        for line in self.lines:
            advice = line.state == "not_eligible" and line.programme != rules.KAFAALAT
            if line.state != "paid" and not advice:
                return line
        return self.lines[0] if self.lines else None


def _window_after(quarter: str, today: date, cfg: ProgrammesConfig) -> date:
    """When the next payment after `quarter`'s can come: its window, or the next to open."""
    opens = window_opens(next_quarter(quarter), cfg.schedule)
    return opens if opens > today else next_window(today, cfg.schedule)[1]


def _from_instalment(
    programme: str,
    inst: Optional[InstalmentFacts],
    suspended: Optional[str],
    today: date,
    cfg: ProgrammesConfig,
    members: tuple[str, ...] = (),
) -> StatusLine:
    """The line for an enrolled beneficiary (or child) from the newest instalment."""
    upcoming = next_window(today, cfg.schedule)[1]
    if inst is None:
        step, when = _STATE_STEP["newly_enrolled"]
        return StatusLine(
            programme, "newly_enrolled", "newly_enrolled", step, when, members=members,
            next_window=upcoming,
        )  # fmt: skip
    facts = {
        "amount": inst.amount,
        "quarter": inst.quarter,
        "day": inst.day,
        "bank": inst.bank,
        "agent": inst.agent,
        "members": members,
    }
    state = _INSTALMENT_STATE.get(inst.status, "failed")
    reason = inst.reason if state in ("withheld", "failed") else None
    if state != "withheld" and suspended:
        state, reason = "withheld", suspended
    if state == "withheld":
        reason = reason if reason in WITHHELD_STEPS else "data_under_review"
        return StatusLine(
            programme, state, reason, WITHHELD_STEPS[reason], "after_remedy",
            next_window=_window_after(inst.quarter, today, cfg), **facts,
        )  # fmt: skip
    if state == "paid" and inst.quarter < quarter_of(today):
        step, when = _STATE_STEP["not_yet"]
        return StatusLine(
            programme, "not_yet", "window_not_open", step, when,
            next_window=_window_after(inst.quarter, today, cfg), **facts,
        )  # fmt: skip
    step, when = _STATE_STEP[state]
    return StatusLine(
        programme,
        state,
        "bank_error" if state == "failed" else None,
        step,
        when,
        next_window=_window_after(inst.quarter, today, cfg),
        window_closes=(inst.collect_until or window_closes(inst.quarter, cfg.schedule))
        if state == "ready"
        else None,
        **facts,
    )


def _newest(instalments: Iterable[InstalmentFacts]) -> Optional[InstalmentFacts]:
    rows = sorted(instalments, key=lambda i: i.quarter)
    return rows[-1] if rows else None


def _kafaalat_line(
    verdict: rules.ProgrammeResult,
    household: rules.HouseholdFacts,
    person: rules.MemberFacts,
    instalments: list[InstalmentFacts],
    cfg: ProgrammesConfig,
    today: date,
) -> StatusLine:
    scores = {"pmt_score": verdict.pmt_score, "cutoff": verdict.cutoff}
    reason = verdict.reason
    if reason in _OTHER_MEMBER:
        step, when = _STATE_STEP["paid_to_other"]
        return StatusLine(
            rules.KAFAALAT, "paid_to_other", "beneficiary_is_woman_of_household", step, when
        )
    if reason.startswith("excluded_"):
        step, when = _STATE_STEP["excluded"]
        return StatusLine(rules.KAFAALAT, "excluded", reason, step, when, **scores)
    if reason in _NOT_ELIGIBLE_STEP:
        step, when = _NOT_ELIGIBLE_STEP[reason]
        resurvey = verdict.resurvey_from
        if reason == "graduated" or resurvey is None:
            years = int(cfg.registry["resurvey_min_interval_years"])
            resurvey = rules._add_years(household.survey_date, years)
        return StatusLine(
            rules.KAFAALAT, "not_eligible", reason, step, when,
            resurvey_from=max(resurvey, today), **scores,
        )  # fmt: skip
    if reason in ("waitlisted", "eligible_pending_enrolment"):
        why = "funds_exhausted" if reason == "waitlisted" else reason
        step, when = _STATE_STEP["waiting_list"]
        return StatusLine(rules.KAFAALAT, "waiting_list", why, step, when, **scores)
    enrolment = household.enrolment(person.person_id, rules.KAFAALAT)
    suspended = enrolment.reason if enrolment and enrolment.status == "suspended" else None
    own = [i for i in instalments if i.programme == rules.KAFAALAT and i.for_person_id is None]
    return _from_instalment(rules.KAFAALAT, _newest(own), suspended or None, today, cfg)


def _grouped(lines: list[tuple[StatusLine, str]]) -> list[StatusLine]:
    """Members in the same state, reason and quarter share one line with the sum."""
    groups: dict[tuple, StatusLine] = {}
    for line, name in lines:
        key = (line.programme, line.state, line.reason, line.quarter, line.day)
        seen = groups.get(key)
        if seen is None:
            groups[key] = _with(line, members=(name,))
        else:
            total = None if seen.amount is None else seen.amount + (line.amount or 0)
            groups[key] = _with(seen, members=seen.members + (name,), amount=total)
    return list(groups.values())


def _with(line: StatusLine, **changes) -> StatusLine:
    return replace(line, **changes)


def _member_lines(
    programme: str,
    verdict: rules.ProgrammeResult,
    household: rules.HouseholdFacts,
    instalments: list[InstalmentFacts],
    cfg: ProgrammesConfig,
    today: date,
) -> list[StatusLine]:
    """Taleemi Wazaif per child, Nashonuma per mother and child."""
    found: list[tuple[StatusLine, str]] = []
    for member in verdict.members:
        enrolment = household.enrolment(member.person_id, programme)
        if member.reason == "not_enrolled_in_school" or (
            member.eligible and enrolment is None and programme == rules.TALEEMI_WAZAIF
        ):
            why = "not_enrolled_in_school" if not member.eligible else "child_not_registered"
            step, when = _NOT_ELIGIBLE_STEP[why]
            upcoming = next_window(today, cfg.schedule)[1]
            line = StatusLine(programme, "not_eligible", why, step, when, next_window=upcoming)
            found.append((line, member.name))
            continue
        if not member.eligible or enrolment is None:
            continue
        mine = [
            i
            for i in instalments
            if i.programme == programme
            and (
                i.for_person_id == member.person_id
                or (i.for_person_id is None and i.person_id == member.person_id)
            )
        ]
        suspended = enrolment.reason if enrolment.status == "suspended" else None
        found.append(
            (_from_instalment(programme, _newest(mine), suspended, today, cfg), member.name)
        )
    return _grouped(found)


_ORDER = {s: i for i, s in enumerate(
    ("withheld", "failed", "ready", "not_yet", "newly_enrolled", "waiting_list", "not_eligible",
     "excluded", "paid_to_other", "paid")
)}  # fmt: skip


def household_status(
    household: rules.HouseholdFacts,
    person: rules.MemberFacts,
    instalments: list[InstalmentFacts],
    cfg: ProgrammesConfig,
    today: date,
) -> HouseholdStatus:
    """Every programme the household is in, for `person` (who asked), one line per state."""
    verdicts = rules.assess_all(household, person, cfg, today)
    kafaalat = _kafaalat_line(verdicts[rules.KAFAALAT], household, person, instalments, cfg, today)
    lines = [kafaalat]
    # Nothing about the other programmes for someone who is not the one paid (or not
    # eligible): the stipends are paid to the woman of the household with Kafaalat.
    if kafaalat.state not in ("paid_to_other", "not_eligible", "excluded", "waiting_list"):
        for programme in (rules.TALEEMI_WAZAIF, rules.NASHONUMA):
            verdict = verdicts[programme]
            lines += _member_lines(programme, verdict, household, instalments, cfg, today)
    others = sorted(lines[1:], key=lambda line: _ORDER[line.state])
    return HouseholdStatus(verdicts, (kafaalat, *others))
