"""What a verified citizen is told about eligibility and payments, persona by persona."""

from __future__ import annotations

import re

import pytest

from bot.assistant.status import FOLLOWUPS, MAIN_PARTS, answer, followup
from bot.core import db
from bot.core.migrate import upgrade
from bot.language.i18n import LANGUAGES, load_responses, pick_variation, render
from bot.registry import household_status as hs
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry

CNIC = {p.key: p.cnic for p in PERSONAS}
RESPONSES = load_responses()
CODES = (
    [f"utter_status_{s}" for s in hs.STATES]
    + [f"utter_reason_{r}" for r in hs.REASONS]
    + [f"utter_step_{s}" for s in hs.STEPS]
    + [f"utter_when_{w}" for w in hs.WHENS]
)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The demo personas, seeded once: answering only reads them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('status') / 'registry.db'}"
    upgrade(url)
    session = db.session_factory(url)()
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    yield session
    session.close()
    db.dispose_engines()


def names(result):
    return [r.response for r in result.replies]


def said(result, language, channel=None):
    return "\n".join(render(r.response, language, channel, **r.params) for r in result.replies)


# ------------------------------------------------------------------ every code has its text


@pytest.mark.parametrize("name", CODES)
def test_every_state_reason_step_and_when_has_text_and_voice_in_each_language(name):
    for lang in LANGUAGES:
        for channel in (None, "twilio_voice"):
            variation = pick_variation(RESPONSES, name, lang, channel)
            assert variation is not None, f"{name} missing"
            assert variation["condition"][0]["value"] == lang, f"{name}: no {lang} text"
            assert variation.get("channel") == channel, f"{name}: no {lang} voice form"


@pytest.mark.parametrize("name", CODES)
def test_the_voice_form_reads_quarters_as_months_and_the_short_code_as_digits(name):
    for lang in LANGUAGES:
        text = pick_variation(RESPONSES, name, lang, "twilio_voice")["text"]
        assert "{period}" not in text and "{short_code}" not in text, (name, lang)


def test_every_state_step_and_when_the_rules_use_is_listed():
    assert set(MAIN_PARTS) == set(hs.STATES)
    assert set(hs.WITHHELD_STEPS.values()) <= set(hs.STEPS)
    for step, when in list(hs._STATE_STEP.values()) + list(hs._NOT_ELIGIBLE_STEP.values()):
        assert step in hs.STEPS and when in hs.WHENS
    assert set(hs._NOT_ELIGIBLE_STEP) <= set(hs.REASONS)


# ------------------------------------------------------------------ each persona's answer


@pytest.mark.parametrize(
    "persona, expected, offer",
    [
        ("paid", ["utter_status_paid", "utter_step_count_cash"], None),
        ("ready", ["utter_status_ready", "utter_step_collect_with_cnic"], None),
        (
            "biometric",
            ["utter_status_withheld", "utter_reason_biometric_failure",
             "utter_step_alternate_verification", "utter_offer_complaint"],
            "biometric_failure",
        ),
        ("cnic_expired",
         ["utter_status_withheld", "utter_reason_cnic_expired", "utter_step_renew_cnic"], None),
        ("pmt_above",
         ["utter_status_not_eligible", "utter_reason_pmt_above_cutoff", "utter_step_resurvey"],
         None),
        ("waitlisted",
         ["utter_status_waiting_list", "utter_reason_funds_exhausted", "utter_step_nothing_needed"],
         None),
        ("government_employee",
         ["utter_status_excluded", "utter_reason_excluded_government_employee",
          "utter_step_correct_record"], None),
        ("spouse_tax_payer",
         ["utter_status_excluded", "utter_reason_excluded_tax_payer", "utter_step_correct_record"],
         None),
        ("husband", ["utter_status_paid_to_other", "utter_step_beneficiary_checks"], None),
        ("newly_enrolled", ["utter_status_newly_enrolled", "utter_step_wait_for_sms"], None),
        ("not_yet", ["utter_status_not_yet", "utter_when_next_window"], None),
        ("not_in_registry", ["utter_cnic_not_found"], None),
    ],
)  # fmt: skip
def test_each_persona_is_told_her_state_reason_and_next_step(registry, persona, expected, offer):
    result = answer(registry, CNIC[persona], "payment", "roman_ur")
    assert names(result)[: len(expected)] == expected
    assert result.offer_category == offer


def test_the_eligibility_question_gets_the_same_status_led_by_the_verdict(registry):
    payment = answer(registry, CNIC["disability"], "payment", "en")
    eligibility = answer(registry, CNIC["disability"], "eligibility", "en")
    assert names(eligibility) == ["utter_eligible_disability", *names(payment)]
    for key in ("pmt_above", "government_employee", "waitlisted", "husband"):
        assert names(answer(registry, CNIC[key], "eligibility", "ur")) == names(
            answer(registry, CNIC[key], "payment", "ur")
        )


def test_money_said_missing_although_paid_leads_to_a_complaint_offer(registry):
    result = answer(registry, CNIC["paid"], "payment", "roman_ur", asked="mere paise nahi mile")
    assert names(result)[-1] == "utter_offer_complaint"
    assert result.offer_category == "payment_not_received"


# ------------------------------------------------------------------ the facts, in each language

FACTS = {
    # persona: {language: words the answer must contain}
    "pmt_above": {"en": ["41.3", "32", "re-survey"], "ur": ["41.3", "32", "سروے"],
                  "roman_ur": ["41.3", "32", "survey"]},
    "government_employee": {"en": ["government employee", "tehsil office"],
                            "ur": ["سرکاری ملازم", "تحصیل دفتر"],
                            "roman_ur": ["sarkari mulazim", "tehsil daftar"]},
    "spouse_tax_payer": {"en": ["income tax", "proof"], "ur": ["انکم ٹیکس", "ثبوت"],
                         "roman_ur": ["income tax", "saboot"]},
    "husband": {"en": ["woman of your household"], "ur": ["گھرانے کی خاتون"],
                "roman_ur": ["gharane ki khatoon"]},
    "waitlisted": {"en": ["waiting list", "8171"], "ur": ["انتظار کی فہرست", "8171"],
                   "roman_ur": ["waiting list", "8171"]},
    "attendance": {"en": ["Usman Ali", "Rs 3,000", "70%", "Rs 13,500"],
                   "ur": ["Usman Ali", "3,000 روپے", "70 فیصد", "13,500 روپے"],
                   "roman_ur": ["Usman Ali", "Rs 3,000", "70 feesad", "Rs 13,500"]},
    "nashonuma": {"en": ["Nashonuma (Zarghuna Bibi, Maryam)", "Rs 5,500", "Rs 13,500"],
                  "ur": ["نشوونما (Zarghuna Bibi, Maryam)", "5,500 روپے"],
                  "roman_ur": ["Nashonuma (Zarghuna Bibi, Maryam)", "Rs 5,500"]},
    "nashonuma_withheld": {"en": ["Rs 2,500", "facilitation centre"], "ur": ["2,500 روپے", "سہولت مرکز"],
                           "roman_ur": ["Rs 2,500", "facilitation centre"]},
    "biometric": {"en": ["fingerprint", "alternate verification"], "ur": ["انگوٹھے", "متبادل تصدیق"],
                  "roman_ur": ["angoothe", "mutabadil tasdeeq"]},
    "ready": {"en": ["original CNIC", "Campsite"], "ur": ["اصل شناختی کارڈ", "Campsite"],
              "roman_ur": ["asal CNIC", "Campsite"]},
    "paid": {"en": ["Rs 13,500", "Madina Kiryana Store", "Count the cash"],
             "ur": ["13,500 روپے", "ادا ہو چکی", "رقم گن لیں"],
             "roman_ur": ["Rs 13,500", "ada ho chuki", "paise gin lein"]},
}  # fmt: skip


@pytest.mark.parametrize("persona", sorted(FACTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answer_carries_the_facts_in_each_language(registry, persona, language):
    text = said(answer(registry, CNIC[persona], "payment", language), language)
    for fact in FACTS[persona][language]:
        assert fact in text, (fact, text)
    if persona == "husband":
        assert "13,500" not in text and "Shazia" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_newly_enrolled_and_not_yet_are_told_the_date_of_the_next_window(registry, language):
    from bot.assistant.format import day_text
    from bot.registry.programmes import get_programmes
    from bot.registry.quarters import next_window

    _, opens = next_window(__import__("datetime").date.today(), get_programmes().schedule)
    for key in ("newly_enrolled", "not_yet"):
        assert day_text(opens, language) in said(
            answer(registry, CNIC[key], "payment", language), language
        )


def test_voice_reads_the_quarter_as_months(registry):
    result = answer(registry, CNIC["paid"], "payment", "ur")
    spoken = said(result, "ur", "twilio_voice")
    written = said(result, "ur")
    assert re.search(r"\d{4}-Q\d", written + spoken) is None
    assert " سے " in spoken and " تا " in written  # "اکتوبر سے دسمبر" / "اکتوبر تا دسمبر"
    english = said(answer(registry, CNIC["paid"], "payment", "en"), "en", "twilio_voice")
    assert re.search(
        r"(January|April|July|October) to (March|June|September|December) \d{4}", english
    )


# ------------------------------------------------------------------ follow-ups


@pytest.mark.parametrize(
    "persona, question, expected",
    [
        ("attendance", "why", "utter_reason_attendance_below_70"),
        ("attendance", "next_step", "utter_step_improve_attendance"),
        ("attendance", "when", "utter_when_after_remedy"),
        ("waitlisted", "why", "utter_reason_funds_exhausted"),
        ("waitlisted", "when", "utter_when_no_date"),
        ("pmt_above", "when", "utter_when_resurvey"),
        ("not_yet", "why", "utter_reason_window_not_open"),
        ("newly_enrolled", "when", "utter_when_next_window"),
        ("husband", "when", "utter_when_ask_beneficiary"),
        ("paid", "why", "utter_eligible"),
        ("ready", "when", "utter_when_collect_now"),
    ],
)
def test_a_follow_up_gets_the_reason_step_or_date_not_a_repeat(
    registry, persona, question, expected
):
    first = names(answer(registry, CNIC[persona], "payment", "en"))
    result = followup(registry, CNIC[persona], question, "en")
    assert names(result) == [expected] and question in FOLLOWUPS
    assert names(result) != first, "the follow-up repeats the whole answer"
