"""Tables of outreach: consent per channel address, and announcements."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Text, UniqueConstraint

from bot.core.db import Base, UTCDateTime


class Consent(Base):
    """What one channel address was told and chose: announcements yes or no, and when.

    Answers to her own requests and tickets never depend on this; only announcements do.
    """

    __tablename__ = "outreach_consent"

    id = Column(Integer, primary_key=True)
    channel = Column(String(24), nullable=False)
    address = Column(String(128), nullable=False)  # as the outbox addresses her
    phone: Optional[str] = Column(String(16), nullable=True)
    language = Column(String(8), nullable=False, default="roman_ur")
    noticed_at = Column(UTCDateTime(), nullable=False)  # told at first contact
    announcements = Column(Boolean, nullable=False, default=True)
    changed_at = Column(UTCDateTime(), nullable=False)  # her latest choice

    __table_args__ = (
        UniqueConstraint("channel", "address", name="uq_outreach_consent_address"),
        Index("ix_outreach_consent_phone", "phone"),
    )


class Announcement(Base):
    """A message to a segment of beneficiaries, in three languages, sent through the outbox."""

    __tablename__ = "announcement"

    id = Column(Integer, primary_key=True)
    created_by = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    text_en = Column(Text, nullable=False)
    text_ur = Column(Text, nullable=False)
    text_roman_ur = Column(Text, nullable=False)
    district: Optional[str] = Column(String(64), nullable=True)  # None: every district
    programme: Optional[str] = Column(String(32), nullable=True)
    enrolment_status: Optional[str] = Column(String(16), nullable=True)
    recipients = Column(Integer, nullable=False, default=0)
    sent_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)


class Contact(Base):
    """Where a citizen last reached the helpline from, and in which language.

    One row per channel address (a WhatsApp number, an SMS number, a calling number, a
    Telegram chat); notices go to the phone on record by the channel used last.
    """

    __tablename__ = "outreach_contact"

    id = Column(Integer, primary_key=True)
    channel = Column(String(24), nullable=False)  # twilio, twilio_voice, telegram
    address = Column(String(128), nullable=False)  # as the outbox addresses her
    phone: Optional[str] = Column(String(16), nullable=True)
    language = Column(String(8), nullable=False)
    last_seen_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (
        UniqueConstraint("channel", "address", name="uq_outreach_contact_address"),
        Index("ix_outreach_contact_phone", "phone"),
    )


class Notice(Base):
    """A notice to a household about a change of its payment state, and how it went.

    status: queued (in the outbox), replaced (a newer state of the same day took its
    place), opted_out (the address said STOP), unreachable (no phone on record). Whether
    it was sent or delivered is the outbox message's status.
    """

    __tablename__ = "outreach_notice"

    id = Column(Integer, primary_key=True)
    household_id = Column(Integer, nullable=False)
    person_id = Column(Integer, nullable=False)
    transition_id = Column(Integer, nullable=False)
    kind = Column(String(24), nullable=False)  # the transition's to_state
    response = Column(String(80), nullable=False)
    channel: Optional[str] = Column(String(24), nullable=True)
    recipient: Optional[str] = Column(String(128), nullable=True)
    language = Column(String(8), nullable=False)
    day = Column(Date, nullable=False)  # the Pakistan day it is sent on
    status = Column(String(16), nullable=False)
    outbox_id: Optional[int] = Column(Integer, nullable=True)
    params = Column(Text, nullable=False, default="{}")  # what the notice said
    created_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (
        Index("ix_outreach_notice_household_day", "household_id", "day"),
        Index("ix_outreach_notice_recipient", "recipient"),
    )
