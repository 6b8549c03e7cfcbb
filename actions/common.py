"""Helpers every action uses: the conversation's language, channel and replies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import offload
from bot.assistant import proof
from bot.assistant.replies import Reply
from bot.core import logging_setup, metrics
from bot.core.conversations import TELEGRAM, telegram_shared_phone, vouched_phone
from bot.core.conversations import channel_of as channel_of_conversation
from bot.language.i18n import conversation_language

if TYPE_CHECKING:
    from bot.assistant.complaints import ComplaintDraft

# Every action module imports this one, so the action server masks CNICs and phone
# numbers in all its log records from the moment it loads the actions.
logging_setup.install()
metrics.serve()  # loopback /metrics when the action server has a METRICS_PORT
offload.apply()  # on PostgreSQL, actions and their database calls run off the event loop

logger = logging.getLogger(__name__)


def language_of(tracker: Tracker) -> str:
    """The language to answer in (same rule as bot.rasa_plugins.nlg uses for responses)."""
    return conversation_language(tracker.get_slot("language"), tracker.events)


def channel_of(tracker: Tracker) -> str:
    return str(tracker.get_latest_input_channel() or "rest")


def metadata_of(tracker: Tracker) -> Dict[str, Any]:
    return dict(tracker.latest_message.get("metadata") or {})


def sender_phone(tracker: Tracker) -> Optional[str]:
    """The phone number the channel vouches for (Twilio sender, shared Telegram contact)."""
    phone = metadata_of(tracker).get("phone")
    return str(phone) if phone else None


def verification_phone(tracker: Tracker) -> Optional[str]:
    """The sender's phone as an identity factor, from the conversation id the channel set:
    the Twilio-signed number of an SMS/WhatsApp conversation, or the contact a Telegram
    user shared as her own (the connector puts it on that chat's messages). Never the
    voice line's caller id (easily forged), nor a REST sender's claim."""
    conversation = tracker.sender_id
    if channel_of_conversation(conversation) == TELEGRAM:
        return telegram_shared_phone(tracker.events)
    return vouched_phone(conversation)


def verified_cnic(tracker: Tracker) -> Optional[str]:
    """The CNIC (vault reference) this conversation has proved, or None.

    Only the action server's signed proof counts (bot.assistant.proof), for this
    conversation id and this CNIC: `verified` and `verified_cnic` alone are just slots.
    """
    cnic = tracker.get_slot("verified_cnic")
    if cnic and proof.holds(tracker.get_slot("verified_token"), tracker.sender_id, str(cnic)):
        return str(cnic)
    return None


def has_proved(tracker: Tracker, cnic: Optional[str]) -> bool:
    """Is she verified: this conversation holds the server's proof for this CNIC."""
    return bool(cnic) and verified_cnic(tracker) == cnic


def proof_renewed(tracker: Tracker, cnic: str) -> List[Dict[str, Any]]:
    """The proof again with a fresh idle window, after a disclosure it allowed."""
    from rasa_sdk.events import SlotSet

    return [SlotSet("verified_token", proof.issue(tracker.sender_id, cnic))]


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity_value(tracker: Tracker, entity: str) -> Optional[str]:
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") == entity and e.get("value"):
            return str(e["value"])
    return None


def say(dispatcher: CollectingDispatcher, replies: Iterable[Reply]) -> None:
    """Send domain responses; the NLG picks the language and channel variation."""
    for reply in replies:
        if reply.custom:
            dispatcher.utter_message(
                response=reply.response, json_message=reply.custom, **reply.params
            )
        else:
            dispatcher.utter_message(response=reply.response, **reply.params)


def conversation_context(tracker: Tracker) -> Dict[str, Any]:
    """What the services need to know about where the conversation happens."""
    return {
        "language": language_of(tracker),
        "channel": channel_of(tracker),
        "sender_id": tracker.sender_id,
        "phone": sender_phone(tracker),
    }


def read_cnic_slot(
    dispatcher: CollectingDispatcher, tracker: Tracker, slot_value: Any
) -> Optional[str]:
    """The CNIC the person gave (the extracted entity, else the typed text), or None after
    telling them what is wrong with it."""
    from bot.assistant import identity

    check = identity.read_cnic(entity_value(tracker, "cnic") or str(slot_value or ""))
    if not check.ok:
        say(dispatcher, identity.cnic_problem(check))
        return None
    return str(check.digits)


def draft_from(tracker: Tracker, **overrides: Any) -> ComplaintDraft:
    """The complaint the conversation describes (its slots and where it happens); the
    caller overrides what differs (the category of a protection report, a hand-off's
    description, the amount and place a complaint form asked for)."""
    from bot.assistant.arbiter import UNKNOWN
    from bot.assistant.complaints import ComplaintDraft

    context = conversation_context(tracker)
    district = tracker.get_slot("district")
    fields: Dict[str, Any] = {
        "category": tracker.get_slot("complaint_category") or "other",
        "description": tracker.get_slot("complaint_description") or "",
        "cnic": tracker.get_slot("cnic"),
        "district": None if district == UNKNOWN else district,
        "programme": tracker.get_slot("programme"),
        "language": context["language"],
        "channel": context["channel"],
        "sender_id": context["sender_id"],
        "phone": context["phone"],
    }
    fields.update(overrides)
    return ComplaintDraft(**fields)
