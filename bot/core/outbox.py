"""The outbox: messages to citizens queued with the change they report, sent and retried later.

The outbox knows no ticket, announcement or text: the services queue messages with
`message()` in their own transaction, and whoever delivers passes the `Rules` that
render a message and decide what a send means (the senders are injected the same way),
so this layer stays below every service and channel that uses it.

Several workers share the outbox. A worker claims a batch of due messages in one short
transaction (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so two workers never claim
the same row), marks them "sending" with its name and a deadline, and sends each outside
any transaction. A worker killed mid-batch leaves its messages "sending" until the claim
runs out (OUTBOX_CLAIM_SECONDS); the next worker then asks the provider whether each one
arrived (`Reconciles.sent_already`) and sends only those that did not: nothing is lost,
and nothing is sent twice to a provider that can answer that question. A sender that
cannot (Telegram) gets the message again: a doubled update is better than a lost one.
SQLite, the embedded default, has no row locks: one worker only there.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, List, Mapping, Optional, Protocol, Tuple

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import Base, UTCDateTime
from bot.core.identifiers import mask_phone
from bot.core.masking import mask_text

log = logging.getLogger(__name__)

PENDING = "pending"
SENT = "sent"
# Claimed by one worker, which is sending it now (claimed_by, claimed_until).
SENDING = "sending"
# Still retried: "failed" marks a message that keeps failing and needs a look.
FAILED = "failed"
# Final states: not sent because the citizen said STOP after it was queued, or sent
# another way instead (a WhatsApp that failed and was queued again as an SMS).
OPTED_OUT = "opted_out"
FELL_BACK = "fell_back"

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
# After this many failed attempts the message is marked "failed" (shown to staff)
# but still retried: a message to a citizen is never dropped.
FAILED_AFTER = 5


class OutboxMessage(Base):
    """A message to a citizen, queued with the change it reports and sent later."""

    __tablename__ = "outbox_message"

    id = Column(Integer, primary_key=True)
    ticket_id: Optional[int] = Column(
        Integer,
        ForeignKey("ticket.id", ondelete="SET NULL", name="fk_outbox_message_ticket"),
        nullable=True,
    )
    channel = Column(String(24), nullable=False)
    recipient = Column(String(128), nullable=False)
    language = Column(String(8), nullable=False)
    response = Column(String(80), nullable=False)
    params = Column(Text, nullable=False, default="{}")
    status = Column(String(12), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime(), nullable=False)
    last_error: Optional[str] = Column(Text, nullable=True)
    created_at = Column(UTCDateTime(), nullable=False)
    sent_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    dedupe_key = Column(String(160), nullable=False)
    # Twilio's MessageSid (or Telegram's message id), to match delivery reports.
    provider_id: Optional[str] = Column(String(64), nullable=True)
    # While "sending": which worker holds the message and until when. A claim whose time
    # ran out belongs to a worker that died mid-send.
    claimed_by: Optional[str] = Column(String(64), nullable=True)
    claimed_until: Optional[datetime] = Column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_outbox_status_due", "status", "next_attempt_at"),
        UniqueConstraint("dedupe_key", name="uq_outbox_message_dedupe_key"),
    )


class DeliveryStatus(Base):
    """The latest delivery status the provider (Twilio) reported for a message sent."""

    __tablename__ = "channel_delivery_status"

    message_sid = Column(String(64), primary_key=True)
    channel = Column(String(32), nullable=False)
    recipient_masked = Column(String(64), nullable=True)
    status = Column(String(32), nullable=False)
    error_code = Column(String(16), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


def message(
    channel: str,
    recipient: str,
    language: str,
    response: str,
    dedupe_key: str,
    now: datetime,
    params: Optional[Mapping[str, Any]] = None,
    ticket_id: Optional[int] = None,
    send_at: Optional[datetime] = None,
) -> OutboxMessage:
    """A new pending message (the caller adds it to its session, in its transaction)."""
    return OutboxMessage(
        ticket_id=ticket_id,
        channel=channel,
        recipient=recipient,
        language=language,
        response=response,
        params=json.dumps(dict(params or {}), ensure_ascii=False),
        status=PENDING,
        attempts=0,
        next_attempt_at=send_at or now,
        created_at=now,
        dedupe_key=dedupe_key[:160],
    )


def message_params(message: OutboxMessage) -> Mapping[str, Any]:
    return json.loads(message.params or "{}")


class Sender(Protocol):
    """Sends one text on one channel; raises when it could not; may return the provider's id."""

    def send(self, recipient: str, text: str) -> Optional[str]: ...


class Reconciles(Protocol):
    """A sender that can tell whether a message already reached the provider."""

    def sent_already(self, recipient: str, text: str, since: datetime) -> Optional[str]:
        """The provider's id of `text` to `recipient` accepted since `since`, else None."""
        ...


def worker_name() -> str:
    """host:pid, unique among the workers sharing one outbox."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _no_hold(*_: Any) -> Optional[datetime]:
    return None


def _always(*_: Any) -> bool:
    return True


def _never(*_: Any) -> bool:
    return False


def _nothing(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class Rules:
    """What the services decide about a message; the outbox only sends and retries.

    render: the text of a message. allowed: still to be sent (False: she opted out
    after it was queued). hold: a later time to try instead of now (quiet hours), or None.
    instead: after a failure, queued another way (True: this one is done). sent: what
    else a successful send records.
    """

    render: Callable[[OutboxMessage, Mapping[str, Any]], str]
    allowed: Callable[[Session, OutboxMessage, Mapping[str, Any]], bool] = _always
    hold: Callable[[Session, OutboxMessage, datetime], Optional[datetime]] = _no_hold
    instead: Callable[[Session, OutboxMessage, datetime], bool] = _never
    sent: Callable[[Session, OutboxMessage, datetime], None] = _nothing


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


def deliver_one(
    session: Session,
    message_id: int,
    senders: Mapping[str, Sender],
    now: datetime,
    rules: Rules,
) -> Optional[bool]:
    """Try one message under a row lock; True sent, False failed, None not ours to send."""
    message = session.execute(
        select(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_((PENDING, FAILED)),
            OutboxMessage.next_attempt_at <= now,
        )
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    sender = senders.get(message.channel) if message else None
    if message is None or sender is None:
        return None
    params = message_params(message)
    if not rules.allowed(session, message, params):
        message.status = OPTED_OUT
        return None
    later = rules.hold(session, message, now)
    if later is not None:  # not now (quiet hours): tried then, no attempt counted
        message.next_attempt_at = later
        return None
    try:
        text = rules.render(message, params)
        extra = {"template": params["template"]} if params.get("template") else {}
        provider_id = sender.send(message.recipient, text, **extra)
    except Exception as exc:  # noqa: BLE001 - any failure is retried later
        _record_failure(session, message, f"{type(exc).__name__}: {exc}", now, rules)
        return False
    _record_sent(session, message, provider_id, now, rules)
    return True


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    due = and_(
        OutboxMessage.status.in_((PENDING, FAILED)),
        OutboxMessage.next_attempt_at <= now,
    )
    lapsed = and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until <= now)
    return or_(due, lapsed)


def claim(
    session: Session,
    channels: List[str],
    now: datetime,
    worker: str,
    limit: int,
    lease: timedelta,
) -> List[Tuple[int, bool]]:
    """Claim up to `limit` due messages for `worker`: (id, in doubt) pairs, oldest first.

    In doubt: a worker claimed it before and died while sending it."""
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.status)
        .where(_claimable(now), OutboxMessage.channel.in_(channels))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(status=SENDING, claimed_by=worker, claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    return [(r.id, r.status == SENDING) for r in rows]


@dataclass
class _Prepared:
    recipient: str
    channel: str
    text: str
    extra: dict
    since: datetime


def _mine(session: Session, message_id: int, worker: str) -> Optional[OutboxMessage]:
    return session.execute(
        select(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == SENDING,
            OutboxMessage.claimed_by == worker,
        )
        .with_for_update()
    ).scalar_one_or_none()


def _unclaim(message: OutboxMessage) -> None:
    message.claimed_by = None
    message.claimed_until = None


def _prepare(
    session: Session,
    message_id: int,
    worker: str,
    lease: timedelta,
    rules: Rules,
    now: datetime,
) -> Tuple[Optional[_Prepared], Optional[str]]:
    """The text to send, or why not: ("opted_out" | "held" | "gone" | an error)."""
    message = _mine(session, message_id, worker)
    if message is None:
        return None, "gone"
    params = message_params(message)
    if not rules.allowed(session, message, params):
        message.status = OPTED_OUT  # she said STOP after it was queued
        _unclaim(message)
        return None, "opted_out"
    later = rules.hold(session, message, now)
    if later is not None:  # not now (quiet hours): tried then, no attempt counted
        message.status = PENDING if message.attempts < FAILED_AFTER else FAILED
        message.next_attempt_at = later
        _unclaim(message)
        return None, "held"
    try:
        text = rules.render(message, params)
    except Exception as exc:  # noqa: BLE001 - recorded as a failed attempt
        return None, f"{type(exc).__name__}: {exc}"
    extra = {"template": params["template"]} if params.get("template") else {}
    assert message.claimed_until is not None
    since = message.claimed_until - lease
    return _Prepared(message.recipient, message.channel, text, extra, since), None


def _record_failure(
    session: Session, message: OutboxMessage, error: str, now: datetime, rules: Rules
) -> None:
    message.attempts += 1
    _unclaim(message)
    # provider errors often quote the phone number
    message.last_error = mask_text(error)[:500]
    if rules.instead(session, message, now):
        message.status = FELL_BACK
        log.info("outbox %s: failed, queued another way instead", message.id)
        return
    message.next_attempt_at = now + backoff(message.attempts)
    message.status = FAILED if message.attempts >= FAILED_AFTER else PENDING
    log.warning(
        "outbox %s (%s to %s) attempt %d failed: %s",
        message.id,
        message.response,
        mask_phone(message.recipient),
        message.attempts,
        message.last_error,
    )


def _record_sent(
    session: Session,
    message: OutboxMessage,
    provider_id: Optional[str],
    now: datetime,
    rules: Rules,
) -> None:
    message.attempts += 1
    _unclaim(message)
    message.status = SENT
    message.sent_at = now
    message.last_error = None
    message.provider_id = str(provider_id)[:64] if provider_id else None
    rules.sent(session, message, now)


def deliver_claimed(
    session_factory: Callable[[], Session],
    message_id: int,
    in_doubt: bool,
    senders: Mapping[str, Sender],
    now: datetime,
    rules: Rules,
    worker: str,
    lease: timedelta,
) -> Optional[bool]:
    """Send one message this worker claimed; True sent, False failed, None not sent
    (opted out, or no longer ours)."""
    with session_factory() as session, session.begin():
        prepared, problem = _prepare(session, message_id, worker, lease, rules, now)
    if prepared is None and problem in ("gone", "opted_out", "held"):
        return None
    provider_id: Optional[str] = None
    error = problem
    if prepared is not None:
        sender = senders[prepared.channel]
        try:
            check = getattr(sender, "sent_already", None)
            if in_doubt and check is not None:
                provider_id = check(prepared.recipient, prepared.text, prepared.since)
                if provider_id:
                    log.info("outbox %s reached the provider before its worker died", message_id)
            if not provider_id:
                provider_id = sender.send(prepared.recipient, prepared.text, **prepared.extra)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later
            error = f"{type(exc).__name__}: {exc}"
    with session_factory() as session, session.begin():
        message = _mine(session, message_id, worker)
        if message is None:
            # The claim ran out while sending (a provider slower than OUTBOX_CLAIM_SECONDS):
            # the worker that took it over asks the provider before sending again.
            log.warning("outbox %s: claim lapsed while it was being sent", message_id)
            return None
        if error is not None:
            _record_failure(session, message, error, now, rules)
            return False
        _record_sent(session, message, provider_id, now, rules)
        return True


def deliver_pending(
    session_factory: Callable[[], Session],
    senders: Mapping[str, Sender],
    rules: Rules,
    now: Optional[datetime] = None,
    limit: int = 100,
    worker: Optional[str] = None,
    lease: Optional[timedelta] = None,
    batch: int = 20,
    clock: Optional[Callable[[], datetime]] = None,
) -> DeliverySummary:
    """Claim and send up to `limit` due messages whose channel has a sender, `batch` at a
    time (a worker killed mid-batch holds no more than that many up). The time is `now`
    when given, else `clock()` read afresh for each batch."""
    from bot.core.settings import get_settings

    clock = clock or utcnow
    worker = worker or worker_name()
    lease = lease or timedelta(seconds=get_settings().OUTBOX_CLAIM_SECONDS)
    summary = DeliverySummary()
    channels = sorted(senders)
    with session_factory() as session:
        summary.waiting_for_sender = len(
            session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.status.in_((PENDING, FAILED)),
                    OutboxMessage.channel.not_in(channels),
                )
            ).all()
        )
    done = 0
    while channels and done < limit:
        at = now or clock()
        with session_factory() as session, session.begin():
            claimed = claim(session, channels, at, worker, min(batch, limit - done), lease)
        if not claimed:
            break
        done += len(claimed)
        for message_id, in_doubt in claimed:
            outcome = deliver_claimed(
                session_factory, message_id, in_doubt, senders, at, rules, worker, lease
            )
            if outcome is True:
                summary.sent.append(message_id)
            elif outcome is False:
                summary.failed.append(message_id)
    return summary


def backlog(session: Session, now: Optional[datetime] = None) -> Tuple[int, float]:
    """Messages not yet sent (waiting or being retried), and the oldest one's age in seconds."""
    now = now or utcnow()
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_((PENDING, FAILED, SENDING))
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return int(count), (now - oldest).total_seconds() if oldest else 0.0
