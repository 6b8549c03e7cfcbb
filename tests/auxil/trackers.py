"""Literal rasa-sdk Trackers for action tests: a conversation at a given question."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

ASKED_AT = 1_000.0  # when the pending question was asked
SAID_AT = 2_000.0  # when the person answered


def user(
    text: str,
    intent: str = "inform",
    confidence: float = 0.95,
    entities: Optional[Dict[str, str]] = None,
    channel: str = "twilio",
    at: float = SAID_AT,
) -> Dict[str, Any]:
    """A user event as Rasa stores it."""
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "metadata": {},
    }
    return {
        "event": "user",
        "timestamp": at,
        "text": text,
        "input_channel": channel,
        "metadata": {},
        "parse_data": parse,
    }


def slot(name: str, value: Any, at: float = ASKED_AT) -> Dict[str, Any]:
    return {"event": "slot", "timestamp": at, "name": name, "value": value}


def bot(response: str, at: float = ASKED_AT) -> Dict[str, Any]:
    return {
        "event": "bot",
        "timestamp": at,
        "text": response,
        "metadata": {"utter_action": response},
    }


def tracker(
    message: Dict[str, Any],
    slots: Optional[Dict[str, Any]] = None,
    before: Optional[List[Dict[str, Any]]] = None,
    form: Optional[str] = None,
    sender: str = "sms:+923001110000",
    after: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    """The conversation: `before` its history, then the person's `message`, then `after`
    (what actions already did this turn). `slots` are the slots' values now."""
    events = [*(before or []), message, *(after or [])]
    loop = {"name": form} if form else {}
    return Tracker(
        sender,
        dict(slots or {}),
        message["parse_data"],
        events,
        False,
        None,
        loop,
        "action_listen",
    )


def at_question(
    requested: str,
    message: Dict[str, Any],
    form: str,
    slots: Optional[Dict[str, Any]] = None,
    sender: str = "sms:+923001110000",
) -> Tracker:
    """A form asking `requested`, and the person's message."""
    values = {"requested_slot": requested, **(slots or {})}
    return tracker(message, values, [slot("requested_slot", requested)], form=form, sender=sender)


def run(action: Action, conversation: Tracker) -> Tuple[List[Any], List[Optional[str]]]:
    """The action's events and the responses it sent, in order."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, conversation, {}))
    return events, [m.get("response") for m in dispatcher.messages]


def validate(
    action: Any, slot_name: str, conversation: Tracker
) -> Tuple[Dict[str, Any], List[Optional[str]]]:
    """One validate_<slot> method: the slots it sets and the responses it sent."""
    dispatcher = CollectingDispatcher()
    method = getattr(action, f"validate_{slot_name}")
    value = conversation.latest_message.get("text")
    result = method(value, dispatcher, conversation, {})
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return result, [m.get("response") for m in dispatcher.messages]


@dataclass
class ResolvedTicket:
    sender: str
    number: str


@pytest.fixture()
def resolved_ticket(db_url) -> ResolvedTicket:
    """A ticket of the conversation sms:+923001110000, resolved: it waits for her rating."""
    from bot.core.db import session_scope
    from bot.tickets import service

    sender = "sms:+923001110000"
    with session_scope() as session:
        opened = service.open_ticket(
            session,
            service.NewTicket(
                category="payment_not_received",
                description="paise nahi mile",
                cnic="3230399000012",
                district="Muzaffargarh",
                channel="twilio",
                sender_id=sender,
            ),
        )
        service.resolve(session, opened.ticket, "staff:sup-muzaffargarh", "paid at the bank")
        number = opened.ticket.number
    return ResolvedTicket(sender, number)
