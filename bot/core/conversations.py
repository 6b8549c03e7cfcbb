"""Conversation ids carry their channel: `sms:+92…`, `whatsapp:+92…`, `voice:<CallSid>`,
`telegram:<chat id>`, `rest:<id>`.

The channel connectors make the id from what the channel vouches for (Twilio's signed
`From`, Telegram's chat, the call), never from what a sender typed, so no sender on one
channel can reach another channel's conversation, its verification or its tickets.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from bot.core.identifiers import normalise_phone

SMS, WHATSAPP, VOICE, TELEGRAM, REST = "sms", "whatsapp", "voice", "telegram", "rest"
PREFIXES = (SMS, WHATSAPP, VOICE, TELEGRAM, REST)


def conversation_id(channel: str, address: str) -> str:
    """`channel:address`; an address that already carries this channel is kept as it is."""
    if address.startswith(f"{channel}:"):
        return address
    return f"{channel}:{address}"


def twilio_conversation_id(sender: str) -> str:
    """The id for Twilio's `From`: "whatsapp:+92…" stays, a bare number becomes "sms:+92…"."""
    if sender.startswith(f"{WHATSAPP}:"):
        return sender
    return conversation_id(SMS, sender)


def channel_of(conversation: str) -> Optional[str]:
    prefix = conversation.partition(":")[0]
    return prefix if prefix in PREFIXES and ":" in conversation else None


def address_of(conversation: str) -> str:
    """What the channel sends to: the number for SMS, "whatsapp:+92…" as Twilio wants it,
    the chat id for Telegram. Ids from before channels were named pass unchanged."""
    channel = channel_of(conversation)
    if channel in (SMS, TELEGRAM):
        return conversation.partition(":")[2]
    return conversation


def vouched_phone(conversation: str) -> Optional[str]:
    """The phone number an SMS or WhatsApp conversation belongs to (Twilio signs `From`).

    Not the voice line's caller id (easily forged) and nothing a REST sender names.
    """
    if channel_of(conversation) in (SMS, WHATSAPP):
        return normalise_phone(conversation.partition(":")[2])
    return None


def telegram_shared_phone(events: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The phone a Telegram user shared as her own, from the conversation's events (as
    dicts, newest last): Telegram vouches for a contact only once, when it is shared, so
    the connector puts it on that chat's later messages and both the channel and the
    actions read the latest one here."""
    for event in reversed(list(events)):
        if event.get("event") == "user" and event.get("input_channel") == TELEGRAM:
            phone = (event.get("metadata") or {}).get("phone")
            if phone:
                return str(phone)
    return None
