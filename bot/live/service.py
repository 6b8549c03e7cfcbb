"""The waiting list, takeover, staff messages and hand-back of live conversations.

A citizen who asks for a person (or is not understood twice) joins the waiting list when
the helpline is open and someone is on duty; staff in scope take the conversation over
(the channels then keep the assistant silent and Rasa's tracker paused), write to her on
her own channel through the outbox, and hand it back; a conversation left without a staff
message for LIVE_IDLE_MINUTES goes back to the assistant by itself. Every step is an
entry of the conversation and a line of the audit log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional, Protocol, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import audit, outbox
from bot.core.audit import AuditLog
from bot.core.clock import utcnow
from bot.core.identifiers import mask_phone, normalise_phone
from bot.core.outbox import OutboxMessage
from bot.core.settings import get_settings
from bot.live.models import ASSISTANT, TAKEN_OVER, WAITING, LiveConversation, LiveEntry
from bot.privacy.seal import seal, unseal

STAFF_MESSAGE = "utter_live_staff_message"
HANDED_BACK = "utter_live_handback"
# How long a console sign-in counts as "on duty" (the console session's lifetime).
ON_DUTY_HOURS = 8


class Staff(Protocol):
    """The staff member acting: the console passes its account (live knows no console)."""

    username: str
    role: str
    active: bool

    @property
    def all_districts(self) -> bool: ...

    @property
    def district_list(self) -> List[str]: ...


class LiveError(ValueError):
    """A step that is not allowed now; `status` is the HTTP status the console answers."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Address:
    """Where a conversation's citizen is reached: medium, outbox channel and recipient."""

    medium: str
    channel: Optional[str]
    recipient: Optional[str]


def address_of(channel: str, sender_id: str, phone: Optional[str]) -> Address:
    """The medium and outbox address of a conversation from its channel and sender id.

    A voice caller cannot be written to on the call: staff messages reach her by SMS to
    the calling number (a call back by text, as for tickets opened on the voice line).
    """
    bare = sender_id.split(":", 1)[1] if ":" in sender_id else sender_id
    number = phone or normalise_phone(bare)
    if channel == "telegram":
        return Address("telegram", "telegram", bare)
    if channel == "twilio":
        if sender_id.startswith("whatsapp:"):
            return Address("whatsapp", "twilio", f"whatsapp:{number}" if number else None)
        return Address("sms", "twilio", number)
    if channel == "twilio_voice":
        return Address("voice", "twilio_voice", number)
    return Address(channel or "rest", None, None)


def get(session: Session, conversation_id: str) -> Optional[LiveConversation]:
    return session.get(LiveConversation, conversation_id)


def is_taken_over(session: Session, conversation_id: str) -> bool:
    row = get(session, conversation_id)
    return row is not None and row.state == TAKEN_OVER


def staff_on_duty(session: Session, now: Optional[datetime] = None) -> int:
    """Staff signed in to the console within the last hours and not signed out since."""
    since = (now or utcnow()) - timedelta(hours=ON_DUTY_HOURS)
    latest = (
        select(AuditLog.username, func.max(AuditLog.id).label("last_id"))
        .where(AuditLog.action.in_(("login", "logout")), AuditLog.at >= since)
        .group_by(AuditLog.username)
        .subquery()
    )
    return int(
        session.execute(
            select(func.count())
            .select_from(AuditLog)
            .join(latest, AuditLog.id == latest.c.last_id)
            .where(AuditLog.action == "login")
        ).scalar()
        or 0
    )


def expected_wait_minutes(ahead: int, on_duty: int) -> int:
    """Minutes until a person answers: the conversations ahead shared by the staff on duty."""
    per = get_settings().LIVE_MINUTES_PER_CONVERSATION
    return per * max(1, math.ceil((ahead + 1) / max(on_duty, 1)))


def _entry(
    session: Session,
    conversation: LiveConversation,
    kind: str,
    actor: str,
    now: datetime,
    text: Optional[str] = None,
) -> LiveEntry:
    entry = LiveEntry(
        conversation_id=conversation.id, at=now, kind=kind, actor=actor, text=seal(text)
    )
    session.add(entry)
    session.flush()
    return entry


def join_waiting_list(
    session: Session,
    sender_id: str,
    channel: str,
    language: str,
    phone: Optional[str] = None,
    district: Optional[str] = None,
    reason: str = "",
    now: Optional[datetime] = None,
) -> Optional[int]:
    """Put the conversation on the waiting list; the expected wait in minutes.

    None when nobody is on duty (the caller opens a callback ticket instead).
    """
    now = now or utcnow()
    on_duty = staff_on_duty(session, now)
    if on_duty == 0:
        return None
    address = address_of(channel, sender_id, phone)
    row = get(session, sender_id)
    if row is None:
        row = LiveConversation(id=sender_id, state=ASSISTANT)
        session.add(row)
    row.channel = channel
    row.medium = address.medium
    row.recipient = seal(address.recipient)
    row.masked_phone = mask_phone(phone) if phone else row.masked_phone
    row.language = language
    row.district = district or row.district
    row.reason = reason
    row.updated_at = now
    if row.state == ASSISTANT:
        row.state = WAITING
        row.waiting_since = now
        row.taken_by = row.taken_at = row.last_staff_at = None
        _entry(session, row, "waiting", "assistant", now, reason)
    ahead = session.execute(
        select(func.count())
        .select_from(LiveConversation)
        .where(
            LiveConversation.state == WAITING,
            LiveConversation.waiting_since < (row.waiting_since or now),
        )
    ).scalar()
    return expected_wait_minutes(int(ahead or 0), on_duty)


def can_see(user: Staff, conversation: LiveConversation) -> bool:
    """A verified conversation: staff of its district; unverified: the helpline desk.

    The helpline desk is worked by supervisors and admins.
    """
    if not user.active:
        return False
    if conversation.district is None:
        return user.role in ("supervisor", "admin")
    return user.all_districts or conversation.district in user.district_list


def in_scope(session: Session, user: Staff, waiting_only: bool = False) -> List[LiveConversation]:
    """Conversations the user may see, waiting ones first, oldest wait first."""
    query = select(LiveConversation)
    if waiting_only:
        query = query.where(LiveConversation.state == WAITING)
    else:
        query = query.where(LiveConversation.state.in_((WAITING, TAKEN_OVER)))
    rows = [c for c in session.execute(query).scalars() if can_see(user, c)]
    rows.sort(key=lambda c: (c.state != WAITING, c.waiting_since or c.updated_at))
    return rows


def load(session: Session, user: Staff, conversation_id: str) -> LiveConversation:
    """The conversation if the user may see it; LiveError 404 otherwise (no difference)."""
    row = get(session, conversation_id)
    if row is None or not can_see(user, row):
        raise LiveError("No such conversation.", 404)
    return row


def _audit(session: Session, user: str, action: str, row: LiveConversation, detail: str) -> None:
    audit.record(session, user, action, None, row.masked_phone, f"{row.id}: {detail}")


def take_over(
    session: Session, user: Staff, conversation_id: str, now: Optional[datetime] = None
) -> LiveConversation:
    """The user answers the citizen from now on; the assistant stays silent."""
    now = now or utcnow()
    row = load(session, user, conversation_id)
    if row.state == TAKEN_OVER and row.taken_by != user.username:
        raise LiveError(f"{row.taken_by} is already answering this conversation.")
    row.state = TAKEN_OVER
    row.taken_by = user.username
    row.taken_at = row.last_staff_at = now
    row.updated_at = now
    _entry(session, row, "takeover", user.username, now)
    _audit(session, user.username, "live_takeover", row, "taken over")
    return row


def _queue(
    session: Session,
    row: LiveConversation,
    response: str,
    entry: LiveEntry,
    now: datetime,
    **params: str,
) -> Optional[OutboxMessage]:
    address = address_of(row.channel, row.id, None)
    recipient = unseal(row.recipient) or address.recipient
    if address.channel is None or not recipient:
        return None  # the REST chat has no channel to write to
    message = outbox.message(
        address.channel, recipient, row.language, response, f"live:{entry.id}", now, params
    )
    session.add(message)
    session.flush()
    entry.outbox_id = message.id
    return message


def send_staff_message(
    session: Session,
    user: Staff,
    conversation_id: str,
    text: str,
    now: Optional[datetime] = None,
) -> Tuple[LiveEntry, Optional[OutboxMessage]]:
    """Queue the staff member's message on the citizen's channel (the outbox sends it)."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise LiveError("Write a message first.", 400)
    if len(text) > 1000:
        raise LiveError("A message is at most 1000 characters.", 400)
    row = load(session, user, conversation_id)
    if row.state != TAKEN_OVER or row.taken_by != user.username:
        raise LiveError("Take the conversation over first.")
    row.last_staff_at = row.updated_at = now
    entry = _entry(session, row, "staff", user.username, now, text)
    message = _queue(session, row, STAFF_MESSAGE, entry, now, text=text)
    _audit(session, user.username, "live_message", row, f"message {entry.id}")
    return entry, message


def hand_back(
    session: Session,
    actor: str,
    row: LiveConversation,
    now: Optional[datetime] = None,
    reason: str = "handed back",
) -> Optional[OutboxMessage]:
    """The assistant answers again and tells the citizen so."""
    now = now or utcnow()
    if row.state == ASSISTANT:
        raise LiveError("The assistant already has this conversation.")
    row.state = ASSISTANT
    row.updated_at = now
    row.waiting_since = None
    entry = _entry(session, row, "handback", actor, now, reason)
    message = _queue(session, row, HANDED_BACK, entry, now)
    _audit(session, actor, "live_handback", row, reason)
    return message


def hand_back_by(
    session: Session, user: Staff, conversation_id: str, now: Optional[datetime] = None
) -> Optional[OutboxMessage]:
    row = load(session, user, conversation_id)
    if row.state == TAKEN_OVER and row.taken_by != user.username and user.role == "agent":
        raise LiveError(f"{row.taken_by} is answering this conversation.")
    return hand_back(session, user.username, row, now)


def hand_back_idle(session: Session, now: Optional[datetime] = None) -> List[str]:
    """Hand back every conversation without a staff message for LIVE_IDLE_MINUTES."""
    now = now or utcnow()
    minutes = get_settings().LIVE_IDLE_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    idle = session.execute(
        select(LiveConversation).where(
            LiveConversation.state == TAKEN_OVER, LiveConversation.last_staff_at < cutoff
        )
    ).scalars()
    handed = []
    for row in list(idle):
        hand_back(session, "worker", row, now, f"no staff message for {minutes} minutes")
        handed.append(row.id)
    return handed


def entries(session: Session, conversation_id: str) -> List[LiveEntry]:
    return list(
        session.execute(
            select(LiveEntry)
            .where(LiveEntry.conversation_id == conversation_id)
            .order_by(LiveEntry.at, LiveEntry.id)
        ).scalars()
    )


def delivery_of(session: Session, outbox_ids: List[int]) -> dict:
    """Outbox status (pending, sent, failed) by outbox message id."""
    if not outbox_ids:
        return {}
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(outbox_ids))
    ).all()
    return {i: s for i, s in rows}
