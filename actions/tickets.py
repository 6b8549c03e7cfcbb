"""Ticket status by number (or, once verified, by CNIC), and the citizen's yes/no on a resolution."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    entity_value,
    language_of,
    proof_renewed,
    say,
    verified_cnic,
)
from actions.repair import (
    STOPPING_FLOWS,
    carried_out,
    decide,
    finish_stopped_flow,
    slot_decision,
)
from bot.assistant.complaints import ticket_status, tickets_of_citizen
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
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return []
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
        if tracker.get_slot("requested_slot") != "ticket_id":
            check = check_ticket_number(entity_value(tracker, "ticket_id") or "")
            return {"ticket_id": check.number if check.ok else None}
        other, decision = slot_decision(dispatcher, tracker, "ticket_id")
        return other if other is not None else {"ticket_id": decision.value}


class ActionTicketStatus(Action):
    def name(self) -> Text:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return [SlotSet("ticket_id", None), *finish_stopped_flow(dispatcher, tracker)]
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
    """A yes or no outside any offer: the answer to "is your problem solved?" when a ticket
    waits for it, a follow-up ("ok so do I have to go somewhere"), else "anything else?"."""

    def name(self) -> Text:
        return "action_confirm_or_continue"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = carried_out(dispatcher, tracker, decide(tracker))
        if done is None:
            say(dispatcher, [Reply("utter_anything_else")])
        return done or []
