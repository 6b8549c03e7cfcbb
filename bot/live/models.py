"""Tables of live takeover: conversations on the waiting list or with staff, staff messages."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Text

from bot.core.db import Base, UTCDateTime

WAITING = "waiting"
TAKEN_OVER = "taken_over"
ASSISTANT = "assistant"  # handed back: the assistant answers again
STATES = (WAITING, TAKEN_OVER, ASSISTANT)


class LiveConversation(Base):
    """A conversation a person was asked for; `id` is Rasa's sender id for it."""

    __tablename__ = "live_conversation"

    id = Column(String(128), primary_key=True)
    channel = Column(String(24), nullable=False)  # the Rasa input channel (twilio, telegram)
    medium = Column(String(16), nullable=False)  # sms, whatsapp, voice, telegram, rest
    recipient = Column(Text, nullable=True)  # sealed: where staff messages are sent
    masked_phone = Column(String(32), nullable=True)
    language = Column(String(8), nullable=False)
    district = Column(String(64), nullable=True)  # of the verified CNIC; None: helpline desk
    state = Column(String(16), nullable=False, index=True)
    reason = Column(String(64), nullable=False, default="")
    waiting_since = Column(UTCDateTime(), nullable=True)
    taken_by = Column(String(64), nullable=True)
    taken_at = Column(UTCDateTime(), nullable=True)
    last_staff_at = Column(UTCDateTime(), nullable=True)
    updated_at = Column(UTCDateTime(), nullable=False)


class LiveEntry(Base):
    """One step of a live conversation: a staff message, or waiting, takeover, hand-back.

    Citizen and assistant messages stay in Rasa's tracker; staff messages and the steps
    around them are kept here (text sealed) and merged with the tracker for the console.
    """

    __tablename__ = "live_entry"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(
        String(128),
        ForeignKey("live_conversation.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    at = Column(UTCDateTime(), nullable=False)
    kind = Column(String(16), nullable=False)  # waiting, takeover, staff, assistant, handback
    actor = Column(String(64), nullable=False)
    text = Column(Text, nullable=True)  # sealed
    outbox_id = Column(Integer, nullable=True)  # the outbox message that carries it
