"""Ticket status by number (or, once verified, by CNIC), and the citizen's yes/no on a resolution."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    channel_of,
    entity_value,
    language_of,
    latest_text,
    proof_renewed,
    say,
    verified_cnic,
)
from bot.assistant.complaints import (
    Verdict,
    awaiting_confirmation,
    confirm,
    resolution_answer,
    ticket_status,
    tickets_of_citizen,
)
from bot.assistant.replies import Reply
from bot.core.db import session_scope
from bot.core.identifiers import check_ticket_number


class ValidateTicketForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_ticket_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if not tracker.get_slot("ticket_id") and verified_cnic(tracker):
            return []
        return domain_slots

    def validate_ticket_id(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        check = check_ticket_number(entity_value(tracker, "ticket_id") or str(slot_value or ""))
        if not check.ok:
            say(dispatcher, [Reply("utter_ticket_bad_number")])
            return {"ticket_id": None}
        return {"ticket_id": check.number}


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        number = tracker.get_slot("ticket_id")
        return [SlotSet("ticket_id", None), *tell_tickets(dispatcher, tracker, number)]


def tell_tickets(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: Optional[str]
) -> List[EventType]:
    """The ticket's status to its owner, a verified citizen's open tickets, or, to anyone
    else, the identity check first (action_verified_answer then answers "ticket:<number>")."""
    language = language_of(tracker)
    cnic = verified_cnic(tracker)
    with session_scope() as session:
        if number:
            replies, verify_first = ticket_status(
                session, str(number), language, tracker.sender_id, cnic
            )
        elif cnic:
            replies, verify_first = tickets_of_citizen(session, cnic, language), False
        else:
            replies, verify_first = [], True
    say(dispatcher, replies)
    events: List[EventType] = proof_renewed(tracker, cnic) if cnic else []
    if verify_first:
        events += [
            SlotSet("pending_flow", f"ticket:{number}" if number else "status"),
            FollowupAction("verify_form"),
        ]
    return events


class ActionConfirmOrContinue(Action):
    """A yes or no: the answer to 'is your problem solved?' if a ticket waits for it."""

    def name(self) -> Text:
        return "action_confirm_or_continue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        with session_scope() as session:
            ticket = awaiting_confirmation(session, channel_of(tracker), tracker.sender_id)
            replies = (
                confirm(session, ticket, Verdict(solved=intent == "affirm"), language_of(tracker))
                if ticket
                else None
            )
        say(dispatcher, replies or [Reply("utter_anything_else")])
        return []


def answer_pending_confirmation(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """If a resolved ticket of this conversation waits for a yes/no and this message is one, record it.

    The question was sent by the outbox, outside the dialogue, so any flow's first action
    checks for it: "nahi hua, paise abhi tak nahi mile" must reopen, not start a new flow.
    """
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    answer = resolution_answer(intent, latest_text(tracker))
    if answer is None:
        return False
    with session_scope() as session:
        ticket = awaiting_confirmation(session, channel_of(tracker), tracker.sender_id)
        if ticket is None:
            return False
        replies = confirm(session, ticket, answer, language_of(tracker))
    say(dispatcher, replies)
    return True
