"""The household status: every payment state with its reason, next step and dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.registry import household_status as hs
from bot.registry.eligibility import EnrolmentFacts, HouseholdFacts, MemberFacts
from bot.registry.household_status import InstalmentFacts
from bot.registry.programmes import get_programmes
from bot.registry.quarters import next_window, window_closes, window_opens

TODAY = date(2026, 12, 6)  # in the Oct-Dec 2026 quarter, after its window opened (15 Nov)
CFG = get_programmes()


def born(years: int, months: int = 0) -> date:
    return TODAY - timedelta(days=years * 366 + months * 31)


WIFE = MemberFacts(1, "Shazia Bibi", "female", born(35), "spouse")
HUSBAND = MemberFacts(2, "Ghulam Rasool", "male", born(40), "head")
SON = MemberFacts(3, "Usman Ali", "male", born(13), "son", school_level="secondary")


def household(*extra, enrol="active", reason=None, wife=WIFE, husband=HUSBAND, pmt=24.5):
    enrolments = (EnrolmentFacts(wife.person_id, "kafaalat", enrol, reason),) if enrol else ()
    enrolments += tuple(
        EnrolmentFacts(m.person_id, "taleemi_wazaif", "active") for m in extra if m.school_level
    )
    return HouseholdFacts(pmt, date(2024, 1, 1), (husband, wife, *extra), enrolments)


def paid(quarter="2026-Q4", status="paid", reason=None, programme="kafaalat", child=None):
    return InstalmentFacts(
        1, programme, quarter, 13500, status, reason, "HBL", "Madina Store", date(2026, 11, 20),
        for_person_id=child,
    )  # fmt: skip


def lines(house, instalments=(), person=WIFE):
    return hs.household_status(house, person, list(instalments), CFG, TODAY).lines


def test_the_schedule_in_config_gives_the_windows():
    assert window_opens("2026-Q4", CFG.schedule) == date(2026, 11, 15)
    assert window_closes("2026-Q4", CFG.schedule) == date(2026, 12, 29)
    assert next_window(TODAY, CFG.schedule) == ("2027-Q1", date(2027, 2, 15))
    assert next_window(date(2026, 11, 1), CFG.schedule) == ("2026-Q4", date(2026, 11, 15))


def test_paid_gives_amount_date_place_and_the_next_window():
    [line] = lines(household(), [paid("2026-Q3"), paid()])
    assert (line.state, line.step, line.amount, line.quarter) == (
        "paid",
        "count_cash",
        13500,
        "2026-Q4",
    )
    assert (line.day, line.agent, line.bank) == (date(2026, 11, 20), "Madina Store", "HBL")
    assert line.next_window == date(2027, 2, 15)


def test_ready_says_until_when_the_window_is_open():
    [line] = lines(household(), [paid(status="ready_for_collection")])
    assert (line.state, line.step, line.when) == ("ready", "collect_with_cnic", "collect_now")
    assert line.window_closes == date(2026, 12, 29)


@pytest.mark.parametrize("reason, step", sorted(hs.WITHHELD_STEPS.items()))
def test_withheld_names_the_reason_and_its_remedy(reason, step):
    [line] = lines(household(), [paid(status="withheld", reason=reason)])
    assert (line.state, line.reason, line.step, line.when) == (
        "withheld", reason, step, "after_remedy"
    )  # fmt: skip


def test_an_unknown_hold_reason_is_sent_to_the_tehsil_office():
    [line] = lines(household(), [paid(status="withheld", reason="account_blocked")])
    assert (line.reason, line.step) == ("data_under_review", "visit_tehsil_office")


def test_a_suspended_enrolment_withholds_even_without_a_withheld_instalment():
    house = household(enrol="suspended", reason="cnic_expired")
    [line] = lines(house, [paid("2026-Q3")])
    assert (line.state, line.reason, line.step) == ("withheld", "cnic_expired", "renew_cnic")


def test_failed_at_the_bank():
    [line] = lines(household(), [paid(status="failed", reason="bank_error")])
    assert (line.state, line.reason, line.step) == ("failed", "bank_error", "wait_next_window")


def test_not_yet_paid_this_quarter_gives_the_next_window():
    [line] = lines(household(), [paid("2026-Q2"), paid("2026-Q3")])
    assert (line.state, line.reason, line.when) == ("not_yet", "window_not_open", "next_window")
    assert (line.quarter, line.next_window) == ("2026-Q3", date(2027, 2, 15))


def test_not_yet_before_this_quarters_window_opens_gives_that_window():
    status = hs.household_status(household(), WIFE, [paid("2026-Q3")], CFG, date(2026, 10, 20))
    assert status.lines[0].next_window == date(2026, 11, 15)


def test_newly_enrolled_expects_the_first_payment_in_the_next_window():
    [line] = lines(household())
    assert (line.state, line.step, line.next_window) == (
        "newly_enrolled", "wait_for_sms", date(2027, 2, 15)
    )  # fmt: skip


@pytest.mark.parametrize(
    "enrol, reason", [("waitlisted", "funds_exhausted"), (None, "eligible_pending_enrolment")]
)
def test_waiting_list_needs_nothing_from_her(enrol, reason):
    [line] = lines(household(enrol=enrol))
    assert (line.state, line.reason, line.step, line.when) == (
        "waiting_list", reason, "nothing_needed", "no_date"
    )  # fmt: skip


def test_pmt_above_the_cutoff_gives_score_cutoff_and_the_re_survey_date():
    house = replace(household(enrol=None, pmt=41.3), survey_date=date(2025, 6, 1))
    [line] = lines(house)
    assert (line.state, line.reason, line.step) == ("not_eligible", "pmt_above_cutoff", "resurvey")
    assert (line.pmt_score, line.cutoff, line.resurvey_from) == (41.3, 32.0, date(2027, 6, 1))


@pytest.mark.parametrize(
    "wife, husband, reason",
    [
        (replace(WIFE, government_employee=True), HUSBAND, "excluded_government_employee"),
        (WIFE, replace(HUSBAND, government_employee=True), "excluded_spouse_government_employee"),
        (WIFE, replace(HUSBAND, tax_payer=True), "excluded_tax_payer"),
        (WIFE, replace(HUSBAND, other_exclusion="vehicle_owner"), "excluded_vehicle_owner"),
        (replace(WIFE, other_exclusion="frequent_foreign_travel"), HUSBAND,
         "excluded_frequent_foreign_travel"),
    ],
)  # fmt: skip
def test_each_exclusion_is_named_with_the_way_to_correct_it(wife, husband, reason):
    [line] = lines(household(enrol=None, wife=wife, husband=husband), person=wife)
    assert (line.state, line.reason, line.step) == ("excluded", reason, "correct_record")


@pytest.mark.parametrize(
    "enrol, person, reason",
    [
        ("excluded", WIFE, "excluded_by_programme"),
        ("graduated", WIFE, "graduated"),
        (None, replace(WIFE, date_of_birth=born(17)), "below_minimum_age"),
    ],
)
def test_other_reasons_she_is_not_paid(enrol, person, reason):
    [line] = lines(household(enrol=enrol, wife=person), person=person)
    assert line.reason == reason and line.state in ("excluded", "not_eligible")


def test_a_man_without_a_woman_in_the_household():
    house = HouseholdFacts(20.0, date(2024, 1, 1), (HUSBAND,), ())
    [line] = lines(house, person=HUSBAND)
    assert (line.state, line.reason) == ("not_eligible", "no_woman_in_household")


def test_the_husband_hears_only_that_the_woman_is_paid():
    house = household(SON)
    [line] = lines(house, [paid()], person=HUSBAND)
    assert (line.state, line.reason, line.step) == (
        "paid_to_other", "beneficiary_is_woman_of_household", "beneficiary_checks"
    )  # fmt: skip
    assert line.amount is None and line.day is None and line.members == ()


def test_each_child_stipend_has_its_own_state():
    daughter = MemberFacts(4, "Rabia", "female", born(10), "daughter", school_level="primary")
    out_of_school = MemberFacts(5, "Sana", "female", born(11), "daughter")
    unregistered = MemberFacts(6, "Ayesha", "female", born(9), "daughter", school_level="primary")
    house = household(SON, daughter, out_of_school)
    house = replace(house, members=(*house.members, unregistered))
    found = lines(
        house,
        [
            paid(),
            paid(status="withheld", reason="attendance_below_70", programme="taleemi_wazaif", child=3),
            paid(programme="taleemi_wazaif", child=4),
        ],
    )  # fmt: skip
    assert [(x.programme, x.state, x.reason, x.members) for x in found] == [
        ("kafaalat", "paid", None, ()),
        ("taleemi_wazaif", "withheld", "attendance_below_70", ("Usman Ali",)),
        ("taleemi_wazaif", "not_eligible", "not_enrolled_in_school", ("Sana",)),
        ("taleemi_wazaif", "not_eligible", "child_not_registered", ("Ayesha",)),
        ("taleemi_wazaif", "paid", None, ("Rabia",)),
    ]
    status = hs.household_status(house, WIFE, [paid()], CFG, TODAY)
    assert status.focus is not None and status.focus.programme == "taleemi_wazaif"


def test_nashonuma_mother_and_child_are_one_line_when_paid_together():
    mother = replace(WIFE, maternal_status="lactating")
    baby = MemberFacts(7, "Maryam", "female", born(0, 7), "daughter")
    house = household(baby, wife=mother)
    house = replace(
        house,
        enrolments=(
            *house.enrolments,
            EnrolmentFacts(1, "nashonuma", "active", "lactating"),
            EnrolmentFacts(7, "nashonuma", "active"),
        ),
    )
    found = lines(
        house,
        [paid(), replace(paid(programme="nashonuma"), amount=2500),
         replace(paid(programme="nashonuma", child=7), amount=3000)],
        person=mother,
    )  # fmt: skip
    assert (found[1].programme, found[1].state, found[1].members, found[1].amount) == (
        "nashonuma", "paid", ("Shazia Bibi", "Maryam"), 5500
    )  # fmt: skip


def test_focus_is_the_problem_not_the_payment_made():
    house = household()
    status = hs.household_status(house, WIFE, [paid()], CFG, TODAY)
    assert status.focus is not None and status.focus.state == "paid"


def test_every_exclusion_code_in_config_has_a_reason():
    codes = {r["code"] for r in CFG.exclusions.values()}
    codes |= {r["spouse_code"] for r in CFG.exclusions.values()}
    assert codes <= set(hs.REASONS)
