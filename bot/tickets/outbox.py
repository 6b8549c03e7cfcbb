"""Delivers queued citizen messages per channel, retrying with backoff, never dropping one."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, List, Mapping, Optional, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.identifiers import mask_phone
from bot.language.i18n import Responses, load_responses, render
from bot.privacy.masking import mask_text
from bot.tickets.constants import (
    OUTBOX_FAILED,
    OUTBOX_FELL_BACK,
    OUTBOX_OPTED_OUT,
    OUTBOX_PENDING,
    OUTBOX_SENT,
)
from bot.tickets.deadlines import utcnow
from bot.tickets.models import OutboxMessage, Ticket, TicketEvent
from bot.tickets.notify import ANNOUNCEMENT, message_params

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
# After this many failed attempts the message is marked "failed" (shown to staff)
# but still retried: a message to a citizen is never dropped.
FAILED_AFTER = 5


class Sender(Protocol):
    """Sends one text on one channel; raises when it could not; may return the provider's id."""

    def send(self, recipient: str, text: str) -> Optional[str]: ...


@dataclass
class DeliverySummary:
    sent: List[int] = field(default_factory=list)
    failed: List[int] = field(default_factory=list)
    waiting_for_sender: int = 0


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... doubling after each failure, at most 6 hours."""
    # The exponent is capped too: a message retried for weeks must not overflow.
    exponent = min(max(attempts - 1, 0), 20)
    return min(BACKOFF_BASE * (2**exponent), BACKOFF_MAX)


def _due_ids(session: Session, channels: List[str], now: datetime, limit: int) -> List[int]:
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_FAILED)),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def may_announce(session: Session, channel: str, recipient: str) -> bool:
    from bot.outreach.consent import may_announce as allowed

    return allowed(session, channel, recipient)


def _by_sms_instead(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """A failed WhatsApp announcement goes by SMS to the same number, once."""
    if not message.recipient.startswith("whatsapp:"):
        return False
    phone = message.recipient[len("whatsapp:") :]
    params = {k: v for k, v in message_params(message).items() if k != "template"}
    params["consent_address"] = message.recipient  # her STOP on WhatsApp still counts
    session.add(
        OutboxMessage(
            ticket_id=None,
            channel=message.channel,
            recipient=phone,
            language=message.language,
            response=message.response,
            params=json.dumps(params, ensure_ascii=False),
            status=OUTBOX_PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            dedupe_key=f"{message.dedupe_key}:sms"[:160],
        )
    )
    message.status = OUTBOX_FELL_BACK
    return True


def deliver_one(
    session: Session,
    message_id: int,
    senders: Mapping[str, Sender],
    now: datetime,
    responses: Responses,
) -> Optional[bool]:
    """Try one message under a row lock; True sent, False failed, None not ours to send."""
    message = session.execute(
        select(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_FAILED)),
            OutboxMessage.next_attempt_at <= now,
        )
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    sender = senders.get(message.channel) if message else None
    if message is None or sender is None:
        return None
    params = message_params(message)
    consent_address = str(params.get("consent_address") or message.recipient)
    if message.response == ANNOUNCEMENT and not may_announce(
        session, message.channel, consent_address
    ):
        message.status = OUTBOX_OPTED_OUT  # she said STOP after it was queued
        return None
    message.attempts += 1
    try:
        text = render(
            message.response,
            message.language,
            message.channel,
            responses=responses,
            **params,
        )
        extra = {"template": params["template"]} if params.get("template") else {}
        provider_id = sender.send(message.recipient, text, **extra)
    except Exception as exc:  # noqa: BLE001 - any failure is retried later
        # provider errors often quote the phone number
        message.last_error = mask_text(f"{type(exc).__name__}: {exc}")[:500]
        if message.response == ANNOUNCEMENT and _by_sms_instead(session, message, now):
            log.info("outbox %s: WhatsApp failed, announcement queued by SMS", message.id)
            return False
        message.next_attempt_at = now + backoff(message.attempts)
        message.status = OUTBOX_FAILED if message.attempts >= FAILED_AFTER else OUTBOX_PENDING
        log.warning(
            "outbox %s (%s to %s) attempt %d failed: %s",
            message.id,
            message.response,
            mask_phone(message.recipient),
            message.attempts,
            message.last_error,
        )
        return False
    message.status = OUTBOX_SENT
    message.sent_at = now
    message.last_error = None
    message.provider_id = str(provider_id)[:64] if provider_id else None
    if message.ticket_id is not None:
        # Bypass the ticket's version: telling the citizen is not a change to the case.
        queue = session.execute(
            select(Ticket.queue).where(Ticket.id == message.ticket_id)
        ).scalar_one_or_none()
        session.add(
            TicketEvent(
                ticket_id=message.ticket_id,
                at=now,
                actor="assistant",
                kind="notification",
                note=f"{message.response} sent via {message.channel}",
                internal=False,
                queue=queue,
                channel=message.channel,
            )
        )
    return True


def deliver_pending(
    session_factory: Callable[[], Session],
    senders: Mapping[str, Sender],
    now: Optional[datetime] = None,
    responses: Optional[Responses] = None,
    limit: int = 100,
) -> DeliverySummary:
    """Send every due message whose channel has a sender; each in its own transaction."""
    now = now or utcnow()
    responses = responses or load_responses()
    summary = DeliverySummary()
    channels = sorted(senders)
    with session_factory() as session:
        due = _due_ids(session, channels, now, limit)
        summary.waiting_for_sender = len(
            session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.status.in_((OUTBOX_PENDING, OUTBOX_FAILED)),
                    OutboxMessage.channel.not_in(channels),
                )
            ).all()
        )
    for message_id in due:
        with session_factory() as session:
            with session.begin():
                outcome = deliver_one(session, message_id, senders, now, responses)
        if outcome is True:
            summary.sent.append(message_id)
        elif outcome is False:
            summary.failed.append(message_id)
    return summary
