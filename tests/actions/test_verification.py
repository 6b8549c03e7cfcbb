"""actions/verification.py: the identity form and the answers after it, Tracker in, events out."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.verification import (
    ActionStartFlow,
    ActionStatusFollowup,
    ActionVerifiedAnswer,
    ValidateVerifyForm,
)
from bot.assistant import proof
from bot.core.db import session_scope
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry
from tests.auxil.trackers import at_question, bot, run, tracker, user, validate

FORM = "verify_form"
SENDER = "sms:+923219999999"  # on nobody's record
WITHHELD = next(p for p in PERSONAS if p.key == "pmt_above")


@pytest.fixture()
def registry(db_url):
    with session_scope() as session:
        ensure_demo_registry(session, synthetic_households=0)


def verified(cnic: str) -> dict:
    return {"verified": True, "verified_cnic": cnic, "verified_token": proof.issue(SENDER, cnic)}


def test_a_payment_question_remembers_what_was_asked(db_url):
    events, said = run(
        ActionStartFlow(), tracker(user("meri qist", "payment_status"), sender=SENDER)
    )
    assert said == []
    assert events == [
        SlotSet("pending_flow", "payment"),
        SlotSet("offer", None),
        SlotSet("complaint_description", "meri qist"),
    ]


def test_a_payment_question_while_the_cnic_is_asked_asks_it_once(db_url):
    message = user("paise kab aayenge", "payment_status")
    conversation = at_question("cnic", message, FORM, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "cnic", conversation)
    assert (slots, said) == ({"cnic": None}, [])  # the form's one question follows


def test_cancel_at_the_cnic_question(db_url):
    conversation = at_question("cnic", user("cancel", "deny"), FORM, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "cnic", conversation)
    assert (slots, said) == ({"cnic": None, "pending_flow": "stopped"}, ["utter_cancelled"])


def test_a_person_asked_for_at_the_issue_date_question_ends_the_form(db_url):
    message = user("kisi insaan se baat karwao", "talk_to_human", 0.95)
    conversation = at_question("verification_answer", message, FORM, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "verification_answer", conversation)
    assert (slots, said) == ({"verification_answer": None, "pending_flow": "human"}, [])
    events, said = run(
        ActionVerifiedAnswer(), tracker(message, {"pending_flow": "human"}, sender=SENDER)
    )
    assert said == ["utter_handoff"]
    assert events == [
        SlotSet("verification_answer", None),
        SlotSet("pending_flow", None),
        SlotSet("fallback_count", 0),
    ]


def test_go_back_at_the_issue_date_asks_the_cnic_again(db_url):
    conversation = at_question("verification_answer", user("go back"), FORM, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "verification_answer", conversation)
    assert (slots, said) == ({"verification_answer": None, "cnic": None}, [])


def test_dont_know_the_issue_date(db_url):
    conversation = at_question("verification_answer", user("pata nahi"), FORM, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "verification_answer", conversation)
    assert (slots, said) == (
        {"verification_answer": None, "pending_flow": "stopped"},
        ["utter_issue_date_unknown"],
    )


def test_a_wrong_date_format_is_told_once(db_url, registry):
    conversation = at_question(
        "verification_answer", user("15 2016"), FORM, {"cnic": WITHHELD.cnic}, sender=SENDER
    )
    slots, said = validate(ValidateVerifyForm(), "verification_answer", conversation)
    assert (slots, said) == ({"verification_answer": None}, ["utter_invalid_date"])


def test_the_right_issue_date_verifies(db_url, registry):
    date = WITHHELD.cnic_issue_date.strftime("%d-%m-%Y")
    conversation = at_question(
        "verification_answer", user(date), FORM, {"cnic": WITHHELD.cnic}, sender=SENDER
    )
    slots, said = validate(ValidateVerifyForm(), "verification_answer", conversation)
    assert said == ["utter_verified"]
    assert slots["verified"] is True and slots["verified_cnic"] == WITHHELD.cnic
    assert proof.holds(slots["verified_token"], SENDER, WITHHELD.cnic)


def test_a_started_over_check_keeps_the_menu_waiting(db_url):
    events, said = run(
        ActionVerifiedAnswer(), tracker(user("shuru se"), {"pending_flow": "menu"}, sender=SENDER)
    )
    assert said == []
    assert events == [SlotSet("verification_answer", None), SlotSet("pending_flow", "menu")]


def _after_status(message: dict) -> object:
    slots = verified(WITHHELD.cnic)
    return tracker(message, slots, [bot("utter_status_withheld")], sender=SENDER)


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        (
            "to phir paise kis tarah milenge aur kab tak",
            "payment_status",
            ("utter_step_", "utter_"),
        ),
        ("تو پھر پیسے کب تک ملیں گے", "payment_status", ("utter_",)),
    ],
)
def test_a_whole_sentence_follow_up_is_answered_from_the_household(
    db_url, registry, text, intent, expected
):
    events, said = run(ActionStartFlow(), _after_status(user(text, intent)))
    assert said and all(
        name.startswith(("utter_step_", "utter_when_", "utter_reason_")) for name in said
    )
    assert events[-2:] == [ActiveLoop(None), FollowupAction("action_listen")]
    assert not any(name.startswith("utter_status_") for name in said)  # not the status again


def test_do_i_have_to_go_somewhere_after_the_status_is_the_next_step(db_url, registry):
    from actions.conversation import ActionStartOffice

    message = user("ok so do I have to go somewhere", "office_location")
    events, said = run(ActionStartOffice(), _after_status(message))
    assert said and all(name.startswith("utter_step_") for name in said)
    assert events[-2:] == [ActiveLoop(None), FollowupAction("action_listen")]


def test_kab_after_the_status(db_url, registry):
    events, said = run(ActionStatusFollowup(), _after_status(user("kab?", "ask_when")))
    assert said and said[0].startswith(("utter_when_", "utter_step_", "utter_reason_"))
    assert [e["name"] for e in events] == ["verified_token"]


def test_a_follow_up_without_the_proof_starts_verification(db_url):
    conversation = tracker(user("kab?", "ask_when"), {"verified": True}, sender=SENDER)
    events, said = run(ActionStatusFollowup(), conversation)
    assert said == []
    assert events == [
        SlotSet("pending_flow", "payment"),
        SlotSet("offer", None),
        SlotSet("complaint_description", "kab?"),
        FollowupAction("verify_form"),
    ]


def test_nonsense_the_nlu_took_for_a_why_gets_the_menu(db_url):
    conversation = tracker(user("blorp zzzt qqqq", "ask_why", 0.84), sender=SENDER)
    events, said = run(ActionStatusFollowup(), conversation)
    assert said == ["utter_menu"]
    assert events == [SlotSet("fallback_count", 1), SlotSet("pending_flow", "menu")]


def test_a_corrected_cnic_while_the_issue_date_is_asked_is_taken(db_url):
    message = user(
        "sorry wrong number, the correct one is 32303-9900001-2",
        "deny",
        0.8,
        entities={"cnic": "3230399000012"},
    )
    conversation = at_question("verification_answer", message, FORM, {"cnic": "3230399000013"})
    slots, said = validate(ValidateVerifyForm(), "cnic", conversation)
    assert slots["cnic"] and slots["cnic_masked"] == "32303-xxxxx01-2"
    assert validate(ValidateVerifyForm(), "verification_answer", conversation)[0] == {
        "verification_answer": None
    }


def test_a_ten_digit_number_at_the_cnic_question_is_told_its_digit_count(db_url):
    message = user("3230399000", entities={"phone": "+923230399000"})
    conversation = at_question("cnic", message, FORM, sender=SENDER)
    assert validate(ValidateVerifyForm(), "cnic", conversation) == (
        {"cnic": None},
        ["utter_invalid_cnic_length"],
    )


def test_the_cnic_of_an_earlier_check_is_kept_when_the_form_begins_again(db_url):
    """A date after a lock-out, or "haan" to a complaint offer, starts a form with the
    CNIC already known: it is no answer to read, and it stays."""
    conversation = tracker(user("01-09-2020"), {"cnic": "3230399000086"}, sender=SENDER)
    slots, said = validate(ValidateVerifyForm(), "cnic", conversation)
    assert slots["cnic"] == "3230399000086" or slots["cnic"].startswith("CNIC#")
