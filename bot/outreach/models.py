"""Tables of outreach: consent per channel address, and announcements."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, Column, Index, Integer, String, Text, UniqueConstraint

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
