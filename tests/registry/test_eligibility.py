"""Eligibility rules: cut-offs, exclusions, waitlist, Taleemi Wazaif bands, Nashonuma."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.registry import eligibility as rules
from bot.registry.eligibility import EnrolmentFacts, HouseholdFacts, MemberFacts
from bot.registry.programmes import get_programmes

TODAY = date(2025, 8, 15)
CFG = get_programmes()


def born(years: int, months: int = 0) -> date:
    return TODAY - timedelta(days=years * 366 + months * 31)


WIFE = MemberFacts(1, "Shazia Bibi", "female", born(35), "spouse")
HUSBAND = MemberFacts(2, "Ghulam Rasool", "male", born(40), "head")


def household(pmt, *extra, enrol="active", wife=WIFE, husband=HUSBAND, survey=date(2024, 1, 1)):
    enrolments = (EnrolmentFacts(wife.person_id, "kafaalat", enrol),) if enrol else ()
    members = tuple(m for m in (husband, wife) if m is not None) + extra
    return HouseholdFacts(pmt, survey, members, enrolments)


@pytest.mark.parametrize(
    ("pmt", "disabled", "eligible", "cutoff"),
    [
        (32.0, False, True, 32.0),
        (32.01, False, False, 32.0),
        (36.9, False, False, 32.0),
        (32.01, True, True, 37.0),
        (37.0, True, True, 37.0),
        (37.01, True, False, 37.0),
    ],
)
def test_pmt_cutoff_32_or_37_with_a_differently_abled_member(pmt, disabled, eligible, cutoff):
    son = MemberFacts(3, "Bilal", "male", born(15), "son", disability=disabled)
    result = rules.assess_kafaalat(household(pmt, son), WIFE, CFG, TODAY)
    assert result.eligible is eligible
    assert result.cutoff == cutoff
    assert result.pmt_score == pmt
    assert result.reason == ("eligible" if eligible else "pmt_above_cutoff")


def test_eligible_and_enrolled_collects_the_current_amount():
    result = rules.assess_kafaalat(household(24.5), WIFE, CFG, TODAY)
    assert (result.reason, result.next_step, result.amount) == (
        "eligible",
        "collect_payment",
        13500,
    )


def test_amount_follows_the_config_history():
    result = rules.assess_kafaalat(household(24.5), WIFE, CFG, date(2024, 6, 1))
    assert result.amount == 10500


def test_above_cutoff_points_to_resurvey_only_after_two_years():
    old = rules.assess_kafaalat(household(45.0, survey=date(2022, 1, 1)), WIFE, CFG, TODAY)
    recent = rules.assess_kafaalat(household(45.0, survey=date(2024, 9, 1)), WIFE, CFG, TODAY)
    assert old.next_step == "request_resurvey"
    assert recent.next_step == "wait_for_resurvey_window"
    assert recent.resurvey_from == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("wife_flags", "husband_flags", "reason"),
    [
        ({"government_employee": True}, {}, "excluded_government_employee"),
        ({}, {"government_employee": True}, "excluded_spouse_government_employee"),
        ({"tax_payer": True}, {}, "excluded_tax_payer"),
        ({}, {"tax_payer": True}, "excluded_tax_payer"),
        ({}, {"other_exclusion": "vehicle_owner"}, "excluded_vehicle_owner"),
    ],
)
def test_exclusions_apply_to_her_and_her_spouse_even_below_the_cutoff(
    wife_flags, husband_flags, reason
):
    wife = MemberFacts(1, "Farzana", "female", born(30), "spouse", **wife_flags)
    husband = MemberFacts(2, "Tariq", "male", born(35), "head", **husband_flags)
    result = rules.assess_kafaalat(household(20.0, wife=wife, husband=husband), wife, CFG, TODAY)
    assert not result.eligible
    assert result.reason == reason
    assert result.next_step == "update_details_at_tehsil_office"


def test_a_government_employee_son_does_not_exclude_his_mother():
    son = MemberFacts(3, "Usman", "male", born(25), "son", government_employee=True)
    assert rules.assess_kafaalat(household(20.0, son), WIFE, CFG, TODAY).eligible


@pytest.mark.parametrize(
    ("status", "eligible", "reason", "step"),
    [
        ("waitlisted", True, "waitlisted", "wait_for_funds"),
        ("suspended", True, "suspended", "visit_tehsil_office"),
        ("excluded", False, "excluded_by_programme", "update_details_at_tehsil_office"),
        ("graduated", False, "graduated", "none"),
        (None, True, "eligible_pending_enrolment", "wait_for_enrolment"),
    ],
)
def test_enrolment_status_decides_what_an_eligible_woman_is_told(status, eligible, reason, step):
    result = rules.assess_kafaalat(household(28.0, enrol=status), WIFE, CFG, TODAY)
    assert (result.eligible, result.reason, result.next_step) == (eligible, reason, step)


def test_a_man_is_told_the_woman_of_the_household_is_the_beneficiary():
    result = rules.assess_kafaalat(household(20.0), HUSBAND, CFG, TODAY)
    assert not result.eligible
    assert result.reason == "beneficiary_is_woman_of_household"


def test_a_transgender_person_can_be_the_beneficiary():
    person = MemberFacts(1, "Sanam Noor", "transgender", born(38), "head")
    hh = HouseholdFacts(
        22.0, date(2024, 1, 1), (person,), (EnrolmentFacts(1, "kafaalat", "active"),)
    )
    assert rules.assess_kafaalat(hh, person, CFG, TODAY).reason == "eligible"


@pytest.mark.parametrize(
    ("level", "age", "eligible", "reason"),
    [
        ("primary", 4, True, "eligible"),
        ("primary", 12, True, "eligible"),
        ("primary", 13, False, "age_outside_band"),
        ("secondary", 8, True, "eligible"),
        ("secondary", 18, True, "eligible"),
        ("higher_secondary", 12, False, "age_outside_band"),
        ("higher_secondary", 22, True, "eligible"),
        (None, 10, False, "not_enrolled_in_school"),
        (None, 3, False, "too_young"),
    ],
)
def test_taleemi_wazaif_age_bands(level, age, eligible, reason):
    child = MemberFacts(5, "Ayesha", "female", born(age, 1), "daughter", school_level=level)
    base = household(20.0, child)
    tw = EnrolmentFacts(5, "taleemi_wazaif", "active")
    hh = HouseholdFacts(base.pmt_score, base.survey_date, base.members, base.enrolments + (tw,))
    verdict = rules.assess_child_stipend(child, hh, CFG, TODAY)
    assert (verdict.eligible, verdict.reason) == (eligible, reason)


def test_taleemi_wazaif_pays_girls_more_and_sums_per_child():
    girl = MemberFacts(5, "Iqra", "female", born(16), "daughter", school_level="higher_secondary")
    boy = MemberFacts(6, "Hassan", "male", born(9), "son", school_level="primary")
    result = rules.assess_taleemi_wazaif(household(20.0, girl, boy), WIFE, CFG, TODAY)
    assert result.eligible
    assert [m.amount for m in result.members] == [4500, 2000]
    assert result.amount == 6500


def test_taleemi_wazaif_needs_a_kafaalat_family():
    girl = MemberFacts(5, "Iqra", "female", born(10), "daughter", school_level="primary")
    result = rules.assess_taleemi_wazaif(household(45.0, girl, enrol=None), WIFE, CFG, TODAY)
    assert (result.eligible, result.reason) == (False, "not_a_child_of_kafaalat_family")


def test_nashonuma_pays_a_lactating_mother_and_her_baby_girl():
    mother = MemberFacts(1, "Zarghuna", "female", born(28), "spouse", maternal_status="lactating")
    baby = MemberFacts(7, "Maryam", "female", born(0, 7), "daughter")
    result = rules.assess_nashonuma(household(26.0, baby, wife=mother), mother, CFG, TODAY)
    assert result.eligible
    assert [m.reason for m in result.members] == ["lactating", "child_under_2"]
    assert result.amount == 2500 + 3000


def test_nashonuma_stops_at_two_years_and_outside_bisp_families():
    toddler = MemberFacts(7, "Hamza", "male", born(2, 1), "son")
    assert rules.assess_nashonuma(household(26.0, toddler), WIFE, CFG, TODAY).reason == (
        "no_pregnant_woman_or_child_under_2"
    )
    baby = MemberFacts(7, "Maryam", "female", born(0, 3), "daughter")
    rich = rules.assess_nashonuma(household(50.0, baby, enrol=None), WIFE, CFG, TODAY)
    assert (rich.eligible, rich.reason) == (False, "not_a_bisp_family")


def test_not_in_registry_tells_every_programme_to_register():
    verdicts = rules.not_in_registry()
    assert set(verdicts) == {"kafaalat", "taleemi_wazaif", "nashonuma"}
    assert {v.next_step for v in verdicts.values()} == {"register_at_tehsil_office"}
