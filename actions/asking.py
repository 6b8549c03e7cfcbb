"""The forms' questions: asked once per reply, and a free-text question again in other words."""

from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.assistant.arbiter import question_for


def said_since_message(tracker: Tracker) -> List[str]:
    """The responses sent since the person's latest message."""
    said: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                said.append(str(name))
    return said


def asked_before_message(tracker: Tracker, slot: str) -> bool:
    """True when `slot` was already the question the person's latest message answered."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "requested_slot":
            return event.get("value") == slot
        elif seen_user and event.get("event") == "active_loop":
            return False
    return False


class ActionAskSlot(Action):
    """Asks a form's slot, unless this reply already asked it (with what was wrong)."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        response = question_for(
            self.slot, said_since_message(tracker), asked_before_message(tracker, self.slot)
        )
        if response:
            dispatcher.utter_message(response=response)
        return []


class ActionAskCnic(ActionAskSlot):
    slot = "cnic"


class ActionAskVerificationAnswer(ActionAskSlot):
    slot = "verification_answer"


class ActionAskDistrict(ActionAskSlot):
    slot = "district"


class ActionAskAmount(ActionAskSlot):
    slot = "amount"


class ActionAskComplaintPlace(ActionAskSlot):
    slot = "complaint_place"


class ActionAskComplaintDetails(ActionAskSlot):
    slot = "complaint_details"


class ActionAskTicketId(ActionAskSlot):
    slot = "ticket_id"
