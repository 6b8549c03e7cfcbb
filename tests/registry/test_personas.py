"""Each demo persona shows what docs/PERSONAS.md says it shows."""

from __future__ import annotations

import pytest

from bot.core.identifiers import check_cnic
from bot.core.settings import ROOT
from bot.registry import service
from bot.registry.household_status import WITHHELD_STEPS
from bot.registry.personas import PERSONAS, persona
from bot.registry.seed import ensure_demo_registry, ensure_personas


@pytest.fixture()
def seeded(session):
    ensure_personas(session)
    session.commit()
    return session


def test_personas_have_valid_distinct_cnics_and_phones():
    assert len(PERSONAS) >= 12
    assert all(check_cnic(p.cnic).ok for p in PERSONAS)
    assert len({p.cnic for p in PERSONAS}) == len(PERSONAS)
    assert len({p.phone for p in PERSONAS}) == len(PERSONAS)
    assert sum(p.district == "Muzaffargarh" for p in PERSONAS) > len(PERSONAS) / 2
    assert any(p.district == "Quetta" for p in PERSONAS)


def _kafaalat(session, key):
    return service.check_eligibility(session, persona(key).cnic).programmes["kafaalat"]


def _latest(session, key):
    return service.latest_instalment(session, persona(key).cnic, "kafaalat")


def test_paid(seeded):
    assert _kafaalat(seeded, "paid").reason == "eligible"
    assert (_latest(seeded, "paid").status, _latest(seeded, "paid").amount) == ("paid", 13500)


def test_ready_for_collection(seeded):
    latest = _latest(seeded, "ready")
    assert latest.status == "ready_for_collection"
    assert latest.collection == "collect_at_campsite_with_cnic"


@pytest.mark.parametrize(
    ("key", "reason", "step"),
    [
        ("biometric", "biometric_failure", "alternate_verification"),
        ("cnic_expired", "cnic_expired", "renew_cnic"),
    ],
)
def test_withheld(seeded, key, reason, step):
    latest = _latest(seeded, key)
    assert (latest.status, latest.reason) == ("withheld", reason)
    assert WITHHELD_STEPS[latest.reason] == step  # the one reason -> next step table


def test_pmt_above_cutoff(seeded):
    result = _kafaalat(seeded, "pmt_above")
    assert (result.eligible, result.reason, result.pmt_score, result.cutoff) == (
        False,
        "pmt_above_cutoff",
        41.3,
        32.0,
    )


def test_disability_raises_the_cutoff(seeded):
    result = _kafaalat(seeded, "disability")
    assert (result.eligible, result.pmt_score, result.cutoff) == (True, 34.6, 37.0)


def test_waitlisted(seeded):
    result = _kafaalat(seeded, "waitlisted")
    assert (result.reason, result.next_step) == ("waitlisted", "wait_for_funds")


def test_government_employee_excluded(seeded):
    result = _kafaalat(seeded, "government_employee")
    assert (result.eligible, result.reason) == (False, "excluded_government_employee")


def test_transgender_beneficiary(seeded):
    report = service.check_eligibility(seeded, persona("transgender").cnic)
    assert report.gender == "transgender"
    assert report.programmes["kafaalat"].reason == "eligible"


def test_taleemi_wazaif_children(seeded):
    result = service.check_eligibility(seeded, persona("taleemi_wazaif").cnic).programmes[
        "taleemi_wazaif"
    ]
    by_name = {m.name: (m.eligible, m.reason) for m in result.members}
    assert by_name == {
        "Iqra": (True, "eligible"),
        "Hassan Ali": (True, "eligible"),
        "Sana": (False, "not_enrolled_in_school"),
        "Ayesha": (True, "eligible"),
        "Hamza Ali": (False, "too_young"),
    }
    assert result.amount == 4500 + 3000 + 2500


def test_nashonuma_mother(seeded):
    report = service.check_eligibility(seeded, persona("nashonuma").cnic)
    assert report.district == "Quetta"
    result = report.programmes["nashonuma"]
    assert result.eligible
    assert [m.reason for m in result.members] == ["lactating", "child_under_2"]


def test_not_in_registry(seeded):
    report = service.check_eligibility(seeded, persona("not_in_registry").formatted_cnic)
    assert not report.found
    assert report.programmes["kafaalat"].next_step == "register_at_tehsil_office"


def test_husband_is_sent_to_the_woman_of_the_household(seeded):
    result = _kafaalat(seeded, "husband")
    assert result.reason == "beneficiary_is_woman_of_household"
    members = service.household_of(seeded, persona("husband").cnic).members
    assert ("Shazia Bibi", "spouse") in {(m.name, m.relation) for m in members}


def test_seeding_twice_adds_nothing_and_generates_once(session):
    first = ensure_demo_registry(session, synthetic_households=50, seed=7)
    session.commit()
    second = ensure_demo_registry(session, synthetic_households=50, seed=7)
    households = sum(1 for p in PERSONAS if p.in_registry and not p.household_of)
    assert first.personas_added == households and first.synthetic_added == 50
    assert (second.personas_added, second.synthetic_added) == (0, 0)
    assert service.find_person(session, persona("paid").cnic).name == "Shazia Bibi"


def test_personas_doc_lists_every_persona():
    doc = (ROOT / "docs" / "PERSONAS.md").read_text(encoding="utf-8")
    for p in PERSONAS:
        assert p.formatted_cnic in doc and p.name in doc and p.phone in doc
        assert p.cnic_issue_date.strftime("%d-%m-%Y") in doc


def _states(session, key):
    status = service.household_status(session, persona(key).cnic)
    return [(line.programme, line.state, line.reason, line.members) for line in status.lines]


def test_child_stipend_withheld_for_attendance(seeded):
    assert _states(seeded, "attendance") == [
        ("kafaalat", "paid", None, ()),
        ("taleemi_wazaif", "withheld", "attendance_below_70", ("Usman Ali",)),
        ("taleemi_wazaif", "paid", None, ("Rabia",)),
    ]


def test_spouse_pays_income_tax(seeded):
    assert _states(seeded, "spouse_tax_payer") == [
        ("kafaalat", "excluded", "excluded_tax_payer", ())
    ]


def test_newly_enrolled_has_no_payment_yet(seeded):
    assert _states(seeded, "newly_enrolled") == [
        ("kafaalat", "newly_enrolled", "newly_enrolled", ())
    ]
    assert service.latest_instalment(seeded, persona("newly_enrolled").cnic) is None


def test_not_yet_paid_this_quarter(seeded):
    assert _states(seeded, "not_yet") == [("kafaalat", "not_yet", "window_not_open", ())]


def test_nashonuma_withheld_for_a_missed_check_up(seeded):
    assert _states(seeded, "nashonuma_withheld") == [
        ("kafaalat", "paid", None, ()),
        ("nashonuma", "withheld", "nashonuma_visit_missed", ("Bibi Gul",)),
    ]


def test_nashonuma_mother_and_daughter_are_paid_together(seeded):
    assert ("nashonuma", "paid", None, ("Zarghuna Bibi", "Maryam")) in _states(seeded, "nashonuma")
