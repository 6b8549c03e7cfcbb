"""Hand-off to a person: a call when the line is open, the live queue, or an escalated ticket."""

from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import conversation_context, draft_from, metadata_of, say, verified_cnic
from bot.assistant.complaints import hand_off
from bot.assistant.handoff import dial_if_open, wait_for_person
from bot.core.db import session_scope


def _recent_user_texts(tracker: Tracker, count: int = 4) -> List[str]:
    texts = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return [t for t in texts if t][-count:]


def open_handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
    context = conversation_context(tracker)
    # The voice line asks for a call back (no dialling) when it hangs up on silence.
    callback_only = bool(metadata_of(tracker).get("callback_only"))
    dial = None if callback_only else dial_if_open(context["channel"])
    if dial:
        say(dispatcher, [dial])
        return
    proved = verified_cnic(tracker)  # only a server-side proof places her in a district
    with session_scope() as session:
        waiting = wait_for_person(
            session,
            context["sender_id"],
            context["channel"],
            context["language"],
            context["phone"],
            proved,
            proved is not None,
            reason,
        )
    if waiting:
        say(dispatcher, [waiting])
        return
    draft = draft_from(
        tracker,
        description=f"[{reason}] " + " | ".join(_recent_user_texts(tracker)),
        cnic=verified_cnic(tracker) or tracker.get_slot("cnic"),
        verified=verified_cnic(tracker) is not None,
    )
    with session_scope() as session:
        replies = hand_off(session, draft)
    say(dispatcher, replies)


class ActionHandoff(Action):
    """An escalated ticket for the staff queue of the person's district and programme."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        open_handoff(dispatcher, tracker, "asked for a person")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("fallback_count", 0)]
