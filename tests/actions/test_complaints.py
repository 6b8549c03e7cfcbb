"""actions/complaints.py: a literal Tracker in, the exact events and responses out."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.complaints import (
    DETAILS_GIVEN,
    ActionDeclineOffer,
    ActionFileProtection,
    ActionOfferProtection,
    ActionStartComplaint,
    ActionSubmitComplaint,
    ValidateComplaintForm,
    complaint_questions,
)
from tests.auxil.trackers import at_question, run, slot, tracker, user, validate

FORM = "complaint_form"


def test_what_each_kind_of_complaint_asks_with_the_district_last():
    assert complaint_questions("deduction", True) == [
        "cnic",
        "amount",
        "complaint_place",
        "complaint_details",
        "district",
    ]
    assert complaint_questions("biometric_failure", False) == [
        "cnic",
        "complaint_place",
        "complaint_details",
    ]
    # Not at a place: no district question, the head office sorts it out.
    assert complaint_questions("other", True) == ["cnic", "complaint_details"]


def test_a_deduction_report_keeps_her_words_and_the_amount(db_url):
    message = user("agent ne 500 rupay kaat liye", "report_deduction", entities={"amount": "500"})
    events, said = run(ActionStartComplaint(), tracker(message))
    assert said == []
    assert events == [
        SlotSet("pending_flow", None),
        SlotSet("offer", None),
        SlotSet("complaint_category", "deduction"),
        SlotSet("complaint_description", "agent ne 500 rupay kaat liye"),
        SlotSet("complaint_place", None),
        SlotSet("complaint_details", DETAILS_GIVEN),
        SlotSet("amount", "500"),
    ]


def test_accepting_an_offered_complaint_files_what_was_offered(db_url):
    before = [slot("offer", "complaint")]
    message = user("haan ji", "affirm")
    slots = {"offer": "complaint", "complaint_category": "payment_not_received"}
    events, _ = run(ActionStartComplaint(), tracker(message, slots, before))
    assert SlotSet("complaint_category", "payment_not_received") in events
    assert SlotSet("complaint_details", None) in events  # nothing said yet: ask


def test_start_over_at_the_district_question_files_nothing_and_offers_the_menu(db_url):
    conversation = at_question("district", user("start over", "nlu_fallback", 0.3), FORM)
    slots, said = validate(ValidateComplaintForm(), "district", conversation)
    assert slots == {"district": None, "pending_flow": "menu"}
    assert said == ["utter_start_over"]


def test_chhoro_isay_at_the_district_question_cancels(db_url):
    conversation = at_question("district", user("chhoro isay", "deny"), FORM)
    slots, said = validate(ValidateComplaintForm(), "district", conversation)
    assert slots == {"district": None, "pending_flow": "stopped"}
    assert said == ["utter_cancelled"]


def test_pichla_sawal_at_the_district_question_asks_the_one_before(db_url):
    conversation = at_question(
        "district", user("pichla sawal"), FORM, {"complaint_category": "deduction"}
    )
    slots, said = validate(ValidateComplaintForm(), "district", conversation)
    assert slots == {"district": None, "complaint_details": None}
    assert said == []


def test_urdu_start_over_at_the_district_question(db_url):
    conversation = at_question("district", user("دوبارہ شروع", "nlu_fallback", 0.3), FORM)
    slots, said = validate(ValidateComplaintForm(), "district", conversation)
    assert slots == {"district": None, "pending_flow": "menu"}


def test_a_district_by_its_tehsil(db_url):
    conversation = at_question("district", user("Alipur"), FORM)
    assert validate(ValidateComplaintForm(), "district", conversation) == (
        {"district": "Muzaffargarh"},
        [],
    )


def test_an_urdu_digit_is_never_stored_as_an_amount(db_url):
    conversation = at_question("amount", user("۴"), FORM, {"complaint_category": "deduction"})
    slots, said = validate(ValidateComplaintForm(), "amount", conversation)
    assert slots == {"amount": None}
    assert said == []  # the form asks the amount again, once


def test_an_amount_at_the_amount_question(db_url):
    conversation = at_question("amount", user("500 rupay", entities={"amount": "500"}), FORM)
    assert validate(ValidateComplaintForm(), "amount", conversation) == ({"amount": "500"}, [])


def test_an_amount_while_the_cnic_is_asked_is_kept_and_no_short_cnic(db_url):
    message = user("agent ne 700 rupay kaate", "report_deduction", entities={"amount": "700"})
    conversation = at_question("cnic", message, FORM, {"complaint_category": "other"})
    slots, said = validate(ValidateComplaintForm(), "cnic", conversation)
    assert said == []  # no "this number has 3 digits"
    assert slots["cnic"] is None
    assert slots["complaint_category"] == "deduction"
    assert slots["amount"] == "700"


def test_a_short_number_at_the_cnic_question_is_told_its_digit_count(db_url):
    conversation = at_question("cnic", user("3520212345"), FORM)
    slots, said = validate(ValidateComplaintForm(), "cnic", conversation)
    assert slots == {"cnic": None}
    assert said == ["utter_invalid_cnic_length"]


def test_cancel_right_after_the_cnic_is_no_description(db_url):
    conversation = at_question("complaint_details", user("cancel", "deny"), FORM)
    slots, said = validate(ValidateComplaintForm(), "complaint_details", conversation)
    assert slots == {"complaint_details": None, "pending_flow": "stopped"}
    assert said == ["utter_cancelled"]


def test_a_bare_ji_is_no_place(db_url):
    conversation = at_question("complaint_place", user("ji", "affirm"), FORM)
    slots, said = validate(ValidateComplaintForm(), "complaint_place", conversation)
    assert (slots, said) == ({"complaint_place": None}, [])


def test_a_place_in_a_tehsil_gives_the_district(db_url):
    message = user("Alipur ki Madina dukaan par kal")
    conversation = at_question("complaint_place", message, FORM)
    slots, said = validate(ValidateComplaintForm(), "complaint_place", conversation)
    assert slots == {
        "complaint_place": "Alipur ki Madina dukaan par kal",
        "district": "Muzaffargarh",
    }


def test_details_are_added_to_her_words(db_url):
    message = user("agent ne fees ke naam par paise liye")
    conversation = at_question(
        "complaint_details", message, FORM, {"complaint_description": "shikayat hai"}
    )
    slots, _ = validate(ValidateComplaintForm(), "complaint_details", conversation)
    assert slots == {
        "complaint_details": "agent ne fees ke naam par paise liye",
        "complaint_description": "shikayat hai\nagent ne fees ke naam par paise liye",
    }


def test_a_cancelled_complaint_is_not_filed(db_url):
    conversation = tracker(user("cancel", "deny"), {"pending_flow": "stopped"})
    events, said = run(ActionSubmitComplaint(), conversation)
    assert said == []
    assert events == [
        SlotSet("complaint_category", None),
        SlotSet("complaint_description", None),
        SlotSet("complaint_place", None),
        SlotSet("complaint_details", None),
        SlotSet("amount", None),
        SlotSet("pending_flow", None),
    ]


def test_a_complaint_started_over_keeps_the_menu_waiting(db_url):
    conversation = tracker(user("shuru se"), {"pending_flow": "menu"})
    events, said = run(ActionSubmitComplaint(), conversation)
    assert events[-1] == SlotSet("pending_flow", "menu")


def test_a_complaint_is_filed_and_its_number_told(db_url):
    slots = {
        "complaint_category": "deduction",
        "complaint_description": "agent ne 500 rupay kaat liye",
        "cnic": "3230399000012",
        "district": "Muzaffargarh",
        "amount": "500",
        "complaint_place": "Alipur",
    }
    events, said = run(ActionSubmitComplaint(), tracker(user("Alipur"), slots))
    assert said == ["utter_ticket_created"]
    assert events == [
        SlotSet("complaint_category", None),
        SlotSet("complaint_description", None),
        SlotSet("complaint_place", None),
        SlotSet("complaint_details", None),
        SlotSet("amount", None),
    ]


def test_declining_an_offer(db_url):
    events, said = run(ActionDeclineOffer(), tracker(user("nahi", "deny"), {"offer": "complaint"}))
    assert said == ["utter_anything_else"]
    assert events == [
        SlotSet("offer", None),
        SlotSet("complaint_category", None),
        SlotSet("complaint_description", None),
    ]


def test_a_report_of_abuse_is_offered_the_protection_desk(db_url):
    message = user("agent ne ghalat baat ki", "report_abuse")
    events, said = run(ActionOfferProtection(), tracker(message))
    assert said == ["utter_offer_protection"]
    assert events == [
        SlotSet("offer", "protection"),
        SlotSet("complaint_description", "agent ne ghalat baat ki"),
    ]


def test_a_rating_arriving_before_a_new_complaint_is_recorded_first(db_url, resolved_ticket):
    message = user("nahi hua, paise abhi tak nahi mile", "report_deduction")
    events, said = run(ActionStartComplaint(), tracker(message, sender=resolved_ticket.sender))
    assert said == ["utter_resolution_reopened"]
    assert events == [ActiveLoop(None), FollowupAction("action_listen")]


def test_the_protection_desk_accepted_files_a_protection_ticket(db_url):
    slots = {"offer": "protection", "complaint_description": "agent ne dhamki di"}
    events, said = run(ActionFileProtection(), tracker(user("haan", "affirm"), slots))
    assert said == ["utter_protection_filed"]
    assert events == [SlotSet("offer", None), SlotSet("complaint_description", None)]


def test_a_yes_to_the_rating_question_is_not_a_yes_to_an_older_offer(db_url, resolved_ticket):
    slots = {"offer": "protection", "complaint_description": "agent ne dhamki di"}
    conversation = tracker(
        user("haan ho gaya", "affirm"),
        slots,
        [slot("offer", "protection")],
        sender=resolved_ticket.sender,
    )
    events, said = run(ActionFileProtection(), conversation)
    assert said == ["utter_resolution_confirmed"]
    assert events == [SlotSet("offer", None)]
