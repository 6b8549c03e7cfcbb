"""Tables of payment points and pattern cases (a payment point's or a tehsil's complaints)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text

from bot.core.db import Base, UTCDateTime

# A payment point the registry's instalments name, or a name complaints gave that matched
# none of them (kept so that later complaints with the same name group with it).
SOURCE_REGISTRY = "registry"
SOURCE_COMPLAINT = "complaint"

KIND_POINT = "payment_point"
KIND_SPIKE = "spike"
KINDS = (KIND_POINT, KIND_SPIKE)

CASE_OPEN = "open"
CASE_RESOLVED = "resolved"
CASE_STATES = (CASE_OPEN, CASE_RESOLVED)


class PaymentPoint(Base):
    """A retailer, agent, campsite or bank desk where instalments are paid."""

    __tablename__ = "payment_point"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    bank: Optional[str] = Column(String(32), nullable=True)
    district: Optional[str] = Column(String(64), nullable=True)
    tehsil: Optional[str] = Column(String(64), nullable=True)
    source = Column(String(12), nullable=False, default=SOURCE_REGISTRY)
    created_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (Index("ix_payment_point_district", "district"),)


class PatternCase(Base):
    """Complaints that add up: many households naming one payment point, or a spike.

    Worked like a ticket (a queue, a level, a deadline that escalates) but never shown to
    a citizen: it has no channel and no CNIC, only the tickets behind it.
    """

    __tablename__ = "pattern_case"

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)
    subject = Column(String(240), nullable=False)
    payment_point_id: Optional[int] = Column(
        Integer, ForeignKey("payment_point.id", name="fk_pattern_case_point"), nullable=True
    )
    cause: Optional[str] = Column(String(32), nullable=True)
    district: Optional[str] = Column(String(64), nullable=True)
    tehsil: Optional[str] = Column(String(64), nullable=True)
    queue = Column(String(160), nullable=False)
    level = Column(Integer, nullable=False)
    state = Column(String(12), nullable=False, default=CASE_OPEN)
    category = Column(String(32), nullable=False, default="other")
    priority = Column(Integer, nullable=False, default=1)
    deadline_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    escalated = Column(Boolean, nullable=False, default=False)
    households = Column(Integer, nullable=False, default=0)
    amount_claimed = Column(Integer, nullable=False, default=0)
    ticket_count = Column(Integer, nullable=False, default=0)
    # A spike: this week's complaints and the weekly mean of the four weeks before.
    week_count: Optional[int] = Column(Integer, nullable=True)
    baseline_mean: Optional[str] = Column(String(16), nullable=True)
    first_at = Column(UTCDateTime(), nullable=False)
    last_at = Column(UTCDateTime(), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False)
    updated_at = Column(UTCDateTime(), nullable=False)
    resolved_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    resolved_by: Optional[str] = Column(String(80), nullable=True)
    outcome: Optional[str] = Column(Text, nullable=True)

    __table_args__ = (
        Index("ix_pattern_case_point_state", "payment_point_id", "state"),
        Index("ix_pattern_case_district_state", "district", "state"),
    )

    @property
    def label(self) -> str:
        """PAT-000012: how staff and alerts name a case."""
        return f"PAT-{self.id:06d}"


class PatternCaseTicket(Base):
    """A ticket behind a pattern case."""

    __tablename__ = "pattern_case_ticket"

    case_id = Column(
        Integer,
        ForeignKey("pattern_case.id", ondelete="CASCADE", name="fk_pattern_case_ticket_case"),
        primary_key=True,
    )
    ticket_id = Column(
        Integer,
        ForeignKey("ticket.id", ondelete="CASCADE", name="fk_pattern_case_ticket_ticket"),
        primary_key=True,
    )
    added_at = Column(UTCDateTime(), nullable=False)

    __table_args__ = (Index("ix_pattern_case_ticket_ticket", "ticket_id"),)
