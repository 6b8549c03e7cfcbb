"""Conversation repair inside a form: cancel, start over, go back, and questions on the side."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import entity_value, language_of, latest_text, say
from bot.assistant import answers
from bot.assistant.info import office_location, programme_info
from bot.registry.districts import find_district

# pending_flow values that end the active form without answering or filing anything.
STOPPED = "stopped"
MENU = "menu"
STOPPING_FLOWS = ("not_found", "locked", STOPPED, MENU)

# Questions answered in the middle of a form, after which the form asks its question again.
_SIDE_QUESTIONS = {
    "how_to_register": "utter_how_to_register",
    "scam_check": "utter_scam_check",
    "update_details": "utter_update_details",
    "bot_challenge": "utter_iamabot",
}


_SURE = 0.8


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def answer_side_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, free_text: bool = False
) -> bool:
    """Answer a question asked instead of the form's answer; True when one was answered.

    Where any text can be the answer (a place, what happened), only a sure question
    counts: "Multan ki dukaan par" names a district but is the place asked for."""
    intent = _intent(tracker)
    if free_text:
        confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0)
        if intent not in _SIDE_QUESTIONS or confidence < _SURE or "?" not in latest_text(tracker):
            return False
    if intent in _SIDE_QUESTIONS:
        dispatcher.utter_message(response=_SIDE_QUESTIONS[intent])
        return True
    if intent == "programme_info" and entity_value(tracker, "programme"):
        say(dispatcher, programme_info(entity_value(tracker, "programme"), latest_text(tracker)))
        return True
    district = entity_value(tracker, "district")
    if intent == "office_location" and district and find_district(district):
        say(dispatcher, office_location(district, language_of(tracker)))
        return True
    return False


def repair(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    previous: Optional[str] = None,
    free_text: bool = False,
) -> Optional[Dict[Text, Any]]:
    """The slots to set when the answer to `slot` asks to cancel, start over or go back,
    or is a question of its own; None when it is an answer to check."""
    text = latest_text(tracker)
    wanted = answers.command(text)
    if wanted == "cancel":
        dispatcher.utter_message(response="utter_cancelled")
        return {slot: None, "pending_flow": STOPPED}
    if wanted == "restart":
        dispatcher.utter_message(response="utter_start_over")
        return {slot: None, "pending_flow": MENU}
    if wanted == "back":
        # The form asks the question before this one again (or this one, if it is the first).
        return {slot: None, **({previous: None} if previous else {})}
    if entity_value(tracker, "cnic") is None and answer_side_question(
        dispatcher, tracker, free_text
    ):
        return {slot: None}
    return None


def previous_slot(required: List[str], slot: str) -> Optional[str]:
    """The slot asked before `slot` in this form's order."""
    return required[required.index(slot) - 1] if slot in required and required.index(slot) else None
