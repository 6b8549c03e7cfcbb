"""Tables of the channels: processed webhooks, per-sender state and calls."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Text, UniqueConstraint

from bot.core.clock import utcnow
from bot.core.db import Base


class ProcessedWebhook(Base):
    """One incoming webhook (MessageSid, update_id, CallSid+step), handled once.

    `reply` holds what was answered (TwiML for Twilio) so a retried webhook gets the
    same answer without reaching the assistant a second time.
    """

    __tablename__ = "channel_processed_webhook"
    __table_args__ = (UniqueConstraint("channel", "key", name="uq_channel_processed_key"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    key = Column(String(128), nullable=False)
    sender = Column(String(64), nullable=True, index=True)
    reply = Column(Text, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class SenderState(Base):
    """What a text channel remembers about a sender: last numbered choices, unsent pages."""

    __tablename__ = "channel_sender_state"
    __table_args__ = (UniqueConstraint("channel", "sender", name="uq_channel_sender"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    sender = Column(String(64), nullable=False)
    choices = Column(Text, nullable=True)  # JSON list of [title, payload]
    more_text = Column(Text, nullable=True)  # the rest of a reply cut at the SMS budget
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class VoiceCall(Base):
    """State of one phone call on the voice line, by CallSid."""

    __tablename__ = "channel_voice_call"

    call_sid = Column(String(64), primary_key=True)
    language = Column(String(16), nullable=True)
    step = Column(Integer, nullable=False, default=0)
    no_input = Column(Integer, nullable=False, default=0)
    misunderstood = Column(Integer, nullable=False, default=0)
    last_prompt = Column(Text, nullable=True)
    # keypad entry waiting for the caller's confirmation ("cnic:3520212345671"), sealed
    pending_entry = Column(Text, nullable=True)
    choices = Column(Text, nullable=True)  # JSON list of [title, payload]
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
