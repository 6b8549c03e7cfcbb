"""Channel state in the database: once-only webhooks, sender choices, calls, delivery status.

Plain blocking functions; async handlers call them through `run_db` (a worker thread).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, List, Optional, Tuple, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.models import ProcessedWebhook, SenderState, VoiceCall
from bot.core.clock import utcnow
from bot.core.db import session_scope
from bot.core.outbox import DeliveryStatus
from bot.privacy.seal import seal, unseal

T = TypeVar("T")
Choices = List[Tuple[str, str]]  # (title, payload)


async def run_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database work off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


# ---------------------------------------------------------------- once-only webhooks


# A claim still without a reply after this long was abandoned: whatever handled it died
# (Rasa killed mid-message) before answering. The webhook delivered again is then handled
# again, instead of getting the empty answer of a repeat.
ABANDONED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Claim:
    """Result of claiming a webhook: first time, or a repeat with the earlier reply.

    `resumed`: first time for this handler, but an earlier one claimed it and died; the
    message may already be in the conversation (see bot.channels.retries)."""

    first: bool
    reply: Optional[str] = None
    resumed: bool = False


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value  # SQLite


def claim(
    channel: str, key: str, sender: Optional[str] = None, now: Optional[datetime] = None
) -> Claim:
    """Record that webhook `key` is being handled; a repeat gets the stored reply."""
    now = now or utcnow()
    try:
        with session_scope() as s:
            s.add(ProcessedWebhook(channel=channel, key=key, sender=sender, created_at=now))
        return Claim(True)
    except IntegrityError:
        with session_scope() as s:
            row = s.execute(
                select(ProcessedWebhook).where(
                    ProcessedWebhook.channel == channel, ProcessedWebhook.key == key
                )
            ).scalar_one_or_none()
            if row is None:
                return Claim(False)
            if row.reply is None and _aware(row.created_at) < now - ABANDONED_AFTER:
                taken = s.execute(
                    update(ProcessedWebhook)
                    .where(
                        ProcessedWebhook.id == row.id,
                        ProcessedWebhook.reply.is_(None),
                        ProcessedWebhook.created_at == row.created_at,
                    )
                    .values(created_at=now)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 1:  # one retry takes it over, never two
                    return Claim(True, resumed=True)
            return Claim(False, unseal(row.reply))


def stored_reply(channel: str, key: str) -> Optional[str]:
    """The reply saved for webhook `key`, if its handling has finished."""
    with session_scope() as s:
        reply = s.execute(
            select(ProcessedWebhook.reply).where(
                ProcessedWebhook.channel == channel, ProcessedWebhook.key == key
            )
        ).scalar_one_or_none()
    return unseal(reply)


def save_reply(channel: str, key: str, reply: str) -> None:
    with session_scope() as s:
        row = s.execute(
            select(ProcessedWebhook).where(
                ProcessedWebhook.channel == channel, ProcessedWebhook.key == key
            )
        ).scalar_one_or_none()
        if row is not None:
            row.reply = seal(reply)


def release(channel: str, key: str) -> None:
    """Forget a claim whose handling failed, so that a retry is handled again."""
    with session_scope() as s:
        s.execute(
            delete(ProcessedWebhook).where(
                ProcessedWebhook.channel == channel, ProcessedWebhook.key == key
            )
        )


def last_inbound(channel: str, sender: str) -> Optional[datetime]:
    """When `sender` last wrote to us on `channel` (WhatsApp's 24-hour window)."""
    with session_scope() as s:
        value = s.execute(
            select(func.max(ProcessedWebhook.created_at)).where(
                ProcessedWebhook.channel == channel, ProcessedWebhook.sender == sender
            )
        ).scalar()
    return _aware(value) if value is not None else None


def within_window(channel: str, sender: str, hours: int = 24) -> bool:
    last = last_inbound(channel, sender)
    return last is not None and utcnow() - last < timedelta(hours=hours)


# ---------------------------------------------------------------- per-sender state


def _sender_row(s: Any, channel: str, sender: str) -> SenderState:
    row = s.execute(
        select(SenderState).where(SenderState.channel == channel, SenderState.sender == sender)
    ).scalar_one_or_none()
    if row is None:
        row = SenderState(channel=channel, sender=sender)
        s.add(row)
    return row


def load_sender_state(channel: str, sender: str) -> Tuple[Choices, Optional[str]]:
    """The sender's last offered choices and the unsent rest of the last reply."""
    with session_scope() as s:
        row = s.execute(
            select(SenderState).where(SenderState.channel == channel, SenderState.sender == sender)
        ).scalar_one_or_none()
        if row is None:
            return [], None
        return decode_choices(row.choices), unseal(row.more_text)


def save_sender_state(channel: str, sender: str, choices: Choices, more: Optional[str]) -> None:
    with session_scope() as s:
        row = _sender_row(s, channel, sender)
        row.choices = encode_choices(choices)
        row.more_text = seal(more)
        row.updated_at = utcnow()


def encode_choices(choices: Choices) -> Optional[str]:
    return json.dumps([list(c) for c in choices], ensure_ascii=False) if choices else None


def decode_choices(raw: Optional[str]) -> Choices:
    if not raw:
        return []
    return [(str(t), str(p)) for t, p in json.loads(raw)]


# ---------------------------------------------------------------- voice calls


@dataclass
class CallState:
    """A call's state as plain data (detached from the session)."""

    call_sid: str
    language: Optional[str] = None
    step: int = 0
    no_input: int = 0
    misunderstood: int = 0
    last_prompt: Optional[str] = None
    pending_entry: Optional[str] = None
    choices: Optional[Choices] = None


def load_call(call_sid: str) -> CallState:
    with session_scope() as s:
        row = s.get(VoiceCall, call_sid)
        if row is None:
            return CallState(call_sid)
        return CallState(
            call_sid,
            row.language,
            row.step,
            row.no_input,
            row.misunderstood,
            unseal(row.last_prompt),
            unseal(row.pending_entry),
            decode_choices(row.choices),
        )


def save_call(state: CallState) -> None:
    with session_scope() as s:
        row = s.get(VoiceCall, state.call_sid)
        if row is None:
            row = VoiceCall(call_sid=state.call_sid)
            s.add(row)
        row.language = state.language
        row.step = state.step
        row.no_input = state.no_input
        row.misunderstood = state.misunderstood
        row.last_prompt = seal(state.last_prompt)
        row.pending_entry = seal(state.pending_entry)
        row.choices = encode_choices(state.choices or [])
        row.updated_at = utcnow()


# ---------------------------------------------------------------- delivery status


def record_status(
    message_sid: str,
    channel: str,
    status: str,
    recipient_masked: Optional[str] = None,
    error_code: Optional[str] = None,
) -> None:
    """Keep the latest delivery status Twilio reported for a message."""
    with session_scope() as s:
        row = s.get(DeliveryStatus, message_sid)
        if row is None:
            row = DeliveryStatus(message_sid=message_sid, channel=channel, status=status)
            s.add(row)
        row.status = status
        row.error_code = error_code or row.error_code
        row.recipient_masked = recipient_masked or row.recipient_masked
        row.updated_at = utcnow()


def delivery_status(message_sid: str) -> Optional[str]:
    with session_scope() as s:
        row = s.get(DeliveryStatus, message_sid)
        return row.status if row else None
