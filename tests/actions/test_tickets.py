"""actions/tickets.py and the forms' questions (actions/asking.py): Tracker in, events out."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.asking import ActionAskCnic, ActionAskComplaintPlace, ActionAskDistrict
from actions.tickets import ActionConfirmOrContinue, ActionTicketStatus, ValidateTicketForm
from tests.auxil.trackers import at_question, bot, run, slot, tracker, user, validate

FORM = "ticket_form"


def test_a_ticket_number_is_taken(db_url):
    message = user("PCMS-00000013", entities={"ticket_id": "PCMS-00000013"})
    conversation = at_question("ticket_id", message, FORM)
    assert validate(ValidateTicketForm(), "ticket_id", conversation) == (
        {"ticket_id": "PCMS-00000013"},
        [],
    )


def test_a_wrong_ticket_number_is_told_once(db_url):
    conversation = at_question("ticket_id", user("12345"), FORM)
    assert validate(ValidateTicketForm(), "ticket_id", conversation) == (
        {"ticket_id": None},
        ["utter_ticket_bad_number"],
    )


def test_cancel_at_the_ticket_question(db_url):
    conversation = at_question("ticket_id", user("rehne do", "deny"), FORM)
    slots, said = validate(ValidateTicketForm(), "ticket_id", conversation)
    assert (slots, said) == ({"ticket_id": None, "pending_flow": "stopped"}, ["utter_cancelled"])
    events, said = run(ActionTicketStatus(), tracker(user("rehne do"), {"pending_flow": "stopped"}))
    assert (events, said) == ([SlotSet("ticket_id", None), SlotSet("pending_flow", None)], [])


def test_an_unknown_ticket_asks_to_verify_first(db_url):
    message = user("PCMS-00000013")
    events, said = run(ActionTicketStatus(), tracker(message, {"ticket_id": "PCMS-00000013"}))
    assert said == ["utter_ticket_verify_first"]
    assert events[0] == SlotSet("ticket_id", None)
    assert SlotSet("pending_flow", "ticket:PCMS-00000013") in events


def test_a_yes_confirms_the_resolved_ticket(db_url, resolved_ticket):
    conversation = tracker(user("haan ho gaya", "affirm"), sender=resolved_ticket.sender)
    events, said = run(ActionConfirmOrContinue(), conversation)
    assert (events, said) == ([SlotSet("fallback_count", 0)], ["utter_resolution_confirmed"])


def test_a_no_reopens_the_resolved_ticket(db_url, resolved_ticket):
    conversation = tracker(user("nahi", "deny"), sender=resolved_ticket.sender)
    events, said = run(ActionConfirmOrContinue(), conversation)
    assert (events, said) == ([SlotSet("fallback_count", 0)], ["utter_resolution_reopened"])


def test_ok_so_where_do_i_go_after_no_status_is_anything_else(db_url):
    events, said = run(ActionConfirmOrContinue(), tracker(user("ok so where do I go", "affirm")))
    assert (events, said) == ([], ["utter_anything_else"])


def test_a_yes_with_nothing_waiting(db_url):
    events, said = run(ActionConfirmOrContinue(), tracker(user("ok", "affirm")))
    assert (events, said) == ([], ["utter_anything_else"])


# ------------------------------------------------------------------ one question per reply


def test_a_cnic_problem_is_the_only_question_in_the_reply(db_url):
    after = [bot("utter_invalid_cnic_length", at=2_001.0)]
    conversation = tracker(
        user("3520212345"),
        {"requested_slot": "cnic"},
        [slot("requested_slot", "cnic")],
        after=after,
    )
    assert run(ActionAskCnic(), conversation) == ([], [])


def test_the_cnic_is_asked_when_nothing_asked_it(db_url):
    conversation = tracker(user("meri qist", "payment_status"))
    assert run(ActionAskCnic(), conversation) == ([], ["utter_ask_cnic"])


def test_a_place_asked_again_uses_other_words(db_url):
    before = [slot("requested_slot", "complaint_place")]
    conversation = tracker(user("ji", "affirm"), {"requested_slot": "complaint_place"}, before)
    assert run(ActionAskComplaintPlace(), conversation) == (
        [],
        ["utter_ask_complaint_place_again"],
    )


def test_an_unknown_district_is_told_once(db_url):
    before = [slot("requested_slot", "district")]
    after = [bot("utter_invalid_district", at=2_001.0)]
    conversation = tracker(user("Blorp"), {"requested_slot": "district"}, before, after=after)
    assert run(ActionAskDistrict(), conversation) == ([], [])
