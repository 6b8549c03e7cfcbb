"""Queues messages to the citizen in the outbox, in the same transaction as the change."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.conversations import address_of
from bot.core.identifiers import normalise_phone
from bot.core.outbox import OutboxMessage
from bot.tickets.constants import ACTOR_ASSISTANT
from bot.tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)

ASSIGNED = "utter_notify_ticket_assigned"
ESCALATED = "utter_notify_ticket_escalated"
STAFF_REPLY = "utter_notify_staff_reply"
RESOLVED_CONFIRM = "utter_notify_resolved_confirm"
REOPENED = "utter_notify_ticket_reopened"
CLOSED = "utter_notify_ticket_closed"
OMBUDSMAN = "utter_notify_ombudsman_referral"
ANNOUNCEMENT = "utter_notify_announcement"
CONSENT = "utter_notify_consent"
RESPONSES = (
    ASSIGNED,
    ESCALATED,
    STAFF_REPLY,
    RESOLVED_CONFIRM,
    REOPENED,
    CLOSED,
    OMBUDSMAN,
    ANNOUNCEMENT,
    CONSENT,
)


def summary(note: Optional[str], limit: int = 40) -> str:
    """What staff did, cut to fit a one-SMS notification."""
    text = " ".join((note or "").split()).rstrip(".")
    if not text:
        return "-"
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def citizen_address(ticket: Ticket) -> Optional[Tuple[str, str]]:
    """(channel, recipient) to reach the citizen, or None when there is no way.

    A voice call cannot be called back by the assistant, so voice tickets are
    answered by SMS to the caller's number.
    """
    if ticket.channel == "twilio_voice":
        phone = ticket.phone or normalise_phone(ticket.sender_id or "")
        return ("twilio", phone) if phone else None
    if ticket.sender_id:
        return ticket.channel, address_of(ticket.sender_id)
    if ticket.phone:
        return "twilio", ticket.phone
    return None


def queue_message(
    session: Session,
    ticket: Ticket,
    response: str,
    dedupe_key: str,
    now: datetime,
    language: Optional[str] = None,
    **params: Any,
) -> Optional[OutboxMessage]:
    """Queue `response` for the ticket's citizen once per dedupe_key; None if unreachable."""
    address = citizen_address(ticket)
    if address is None:
        log.info("ticket %s: no channel to tell the citizen (%s)", ticket.number, response)
        return None
    existing = session.execute(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    channel, recipient = address
    message = outbox.message(
        channel,
        recipient,
        language or ticket.language,
        response,
        dedupe_key,
        now,
        params={"ticket_id": ticket.number, **params},
        ticket_id=ticket.id,
    )
    session.add(message)
    return message


def record_sent(session: Session, message: OutboxMessage, now: datetime) -> None:
    """A message about a ticket that went out becomes a line of the ticket's history."""
    if message.ticket_id is None:
        return
    # Bypass the ticket's version: telling the citizen is not a change to the case.
    queue = session.execute(
        select(Ticket.queue).where(Ticket.id == message.ticket_id)
    ).scalar_one_or_none()
    session.add(
        TicketEvent(
            ticket_id=message.ticket_id,
            at=now,
            actor=ACTOR_ASSISTANT,
            kind="notification",
            note=f"{message.response} sent via {message.channel}",
            internal=False,
            queue=queue,
            channel=message.channel,
        )
    )
