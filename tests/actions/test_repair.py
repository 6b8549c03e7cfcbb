"""actions/repair.py: what a conversation waits on, read from the tracker and the ticket store."""

from __future__ import annotations

from rasa_sdk.events import FollowupAction, SlotSet

from actions.handoff import ActionHandoff
from actions.repair import decide, menu_choice, message_of, pending_of
from bot.assistant import arbiter
from bot.assistant.arbiter import Message, Pending
from tests.auxil.trackers import ASKED_AT, at_question, bot, run, slot, tracker, user


def test_the_message_as_the_arbiter_reads_it():
    message = user("agent ne 700 rupay kaate", "report_deduction", 0.91, {"amount": "700"})
    assert message_of(tracker(message)) == Message(
        "agent ne 700 rupay kaate", "report_deduction", 0.91, {"amount": "700"}
    )


def test_the_form_question_and_when_it_was_asked(db_url):
    conversation = at_question("district", user("Multan"), "complaint_form")
    assert pending_of(conversation) == [Pending(arbiter.DISTRICT, "district", ASKED_AT)]


def test_a_menu_an_offer_and_a_status_answer_wait_outside_forms(db_url):
    before = [slot("pending_flow", "menu", 10.0), slot("offer", "complaint", 20.0)]
    conversation = tracker(user("4"), {"pending_flow": "menu", "offer": "complaint"}, before)
    assert pending_of(conversation) == [
        Pending(arbiter.MENU, "menu", 10.0),
        Pending(arbiter.CONSENT, "complaint", 20.0),
    ]
    # The offer came after the menu: "4" picks nothing now.
    assert decide(conversation).step == arbiter.NEW


def test_a_status_answer_invites_follow_ups_only_when_verified(db_url):
    conversation = tracker(user("kab?", "ask_when"), {}, [bot("utter_status_ready")])
    assert pending_of(conversation) == []


def test_a_resolved_ticket_waits_for_its_rating_after_an_older_menu(db_url, resolved_ticket):
    before = [slot("pending_flow", "menu")]
    conversation = tracker(
        user("4"), {"pending_flow": "menu"}, before, sender=resolved_ticket.sender
    )
    kinds = [p.kind for p in pending_of(conversation)]
    assert kinds == [arbiter.MENU, arbiter.RATING]
    decision = decide(conversation)
    assert (decision.question.kind, decision.question.name) == (
        arbiter.RATING,
        resolved_ticket.number,
    )


def test_a_menu_number_starts_what_it_names():
    assert menu_choice(4) == [
        SlotSet("pending_flow", None),
        SlotSet("fallback_count", 0),
        FollowupAction("office_form"),
    ]


def test_a_person_asked_for_gets_a_reference(db_url):
    conversation = tracker(user("insaan se baat karwao", "talk_to_human"))
    events, said = run(ActionHandoff(), conversation)
    assert said in (["utter_handoff"], ["utter_live_waiting"])
    assert events[-2:] == [SlotSet("requested_slot", None), SlotSet("fallback_count", 0)]
