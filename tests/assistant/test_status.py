"""What a verified citizen is told about eligibility and payments, persona by persona."""

from __future__ import annotations

import pytest

from bot.assistant.status import answer
from bot.language.i18n import render
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry

CNIC = {p.key: p.cnic for p in PERSONAS}


@pytest.fixture()
def registry(session):
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    return session


def names(result):
    return [r.response for r in result.replies]


@pytest.mark.parametrize(
    "persona, flow, expected, offer",
    [
        ("paid", "payment", ["utter_payment_paid"], None),
        ("ready", "payment", ["utter_payment_ready"], None),
        (
            "biometric",
            "payment",
            ["utter_payment_withheld_biometric", "utter_offer_complaint"],
            "biometric_failure",
        ),
        ("cnic_expired", "payment", ["utter_payment_withheld_cnic_expired"], None),
        ("pmt_above", "eligibility", ["utter_not_eligible_pmt"], None),
        ("disability", "eligibility", ["utter_eligible_disability"], None),
        ("waitlisted", "eligibility", ["utter_waitlisted"], None),
        ("government_employee", "eligibility", ["utter_excluded_government_employee"], None),
        ("transgender", "eligibility", ["utter_eligible"], None),
        ("nashonuma", "eligibility", ["utter_eligible", "utter_eligible_nashonuma"], None),
        ("not_in_registry", "eligibility", ["utter_cnic_not_found"], None),
    ],
)
def test_each_persona_is_told_what_her_record_says(registry, persona, flow, expected, offer):
    result = answer(registry, CNIC[persona], flow, "roman_ur")
    assert names(result) == expected
    assert result.offer_category == offer


def test_taleemi_wazaif_family_hears_about_the_children(registry):
    result = answer(registry, CNIC["taleemi_wazaif"], "eligibility", "en")
    assert "utter_eligible_children" in names(result)
    children = next(r for r in result.replies if r.response == "utter_eligible_children")
    assert children.params["children"] >= 1


def test_money_said_missing_although_paid_leads_to_a_complaint_offer(registry):
    result = answer(registry, CNIC["paid"], "payment", "roman_ur", asked="mere paise nahi mile")
    assert names(result) == ["utter_payment_paid", "utter_offer_complaint"]
    assert result.offer_category == "payment_not_received"


def test_figures_in_the_reply_come_from_the_registry_and_config(registry):
    result = answer(registry, CNIC["pmt_above"], "eligibility", "ur")
    reply = result.replies[0]
    text = render(reply.response, "ur", **reply.params)
    assert "41.3" in text and "32" in text
    assert "سروے" in text
