"""Tables of the assistant itself: verification attempts (for lock-outs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String

from bot.core.db import Base


class VerificationAttempt(Base):
    """One answer to the identity question; keyed by hashes so no CNIC is stored here."""

    __tablename__ = "verification_attempt"

    id: int = Column(Integer, primary_key=True)
    cnic_key: str = Column(String(64), nullable=False)
    sender_key: str = Column(String(64), nullable=False)
    at: datetime = Column(DateTime, nullable=False)
    ok: bool = Column(Boolean, nullable=False)

    __table_args__ = (
        Index("ix_verification_attempt_cnic_at", "cnic_key", "at"),
        Index("ix_verification_attempt_sender_at", "sender_key", "at"),
    )
