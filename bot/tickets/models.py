"""Ticket tables: tickets, their append-only history and Ombudsman referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)

from bot.core.db import Base, UTCDateTime


class Ticket(Base):
    """A citizen's complaint, from intake to closure or Ombudsman referral."""

    __tablename__ = "ticket"

    id = Column(Integer, primary_key=True)
    number = Column(String(16), nullable=False)
    cnic: Optional[str] = Column(String(13), nullable=True, index=True)
    phone: Optional[str] = Column(String(16), nullable=True)
    category = Column(String(32), nullable=False)
    programme: Optional[str] = Column(String(64), nullable=True)
    district: Optional[str] = Column(String(64), nullable=True)
    tehsil: Optional[str] = Column(String(64), nullable=True)
    description = Column(Text, nullable=False, default="")
    amount: Optional[int] = Column(Integer, nullable=True)
    location_text = Column(Text, nullable=False, default="")
    incident_date_text = Column(String(128), nullable=False, default="")
    agent_name: Optional[str] = Column(String(128), nullable=True)
    state = Column(String(24), nullable=False, default="new")
    priority = Column(Integer, nullable=False, default=3)
    level = Column(Integer, nullable=False, default=0)
    queue = Column(String(160), nullable=False)
    routing_rule = Column(String(64), nullable=False)
    deadline_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    created_at = Column(UTCDateTime(), nullable=False)
    updated_at = Column(UTCDateTime(), nullable=False)
    resolved_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    closed_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    channel = Column(String(24), nullable=False, default="rest")
    sender_id: Optional[str] = Column(String(128), nullable=True)
    language = Column(String(8), nullable=False, default="roman_ur")
    escalated = Column(Boolean, nullable=False, default=False)
    vulnerable = Column(Boolean, nullable=False, default=False)
    reopen_count = Column(Integer, nullable=False, default=0)
    # The citizen's verdict on the resolution: a 1-5 rating, appeals she opened, and how
    # the ticket closed (confirmed / rated / unrated / staff).
    rating: Optional[int] = Column(Integer, nullable=True)
    rated_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    appeal_count = Column(Integer, nullable=False, default=0)
    closure: Optional[str] = Column(String(16), nullable=True)
    # The same citizen reported the same agent or office before (see bot/tickets/protection.py).
    retaliation_flag = Column(Boolean, nullable=False, default=False)
    ombudsman_referred_at: Optional[datetime] = Column(UTCDateTime(), nullable=True)
    assigned_to: Optional[str] = Column(String(64), nullable=True)
    # What caused it (config/causes.yml; bot/patterns), who set it (assistant or staff:x),
    # the payment point it names and the household it came from ("hh:<registry id>", or a
    # digest of the CNIC or sender), so complaints about one point from many households
    # add up.
    cause: Optional[str] = Column(String(32), nullable=True)
    cause_set_by: Optional[str] = Column(String(80), nullable=True)
    payment_point_id: Optional[int] = Column(Integer, nullable=True)
    household_key: Optional[str] = Column(String(40), nullable=True)
    version = Column(Integer, nullable=False)

    # Every ORM update runs "UPDATE ... WHERE id = :id AND version = :v" and fails
    # with StaleDataError when another worker changed the ticket first.
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_ticket_state_deadline", "state", "deadline_at"),
        Index("ix_ticket_queue_state", "queue", "state"),
        Index("ix_ticket_district_state_deadline", "district", "state", "deadline_at"),
        Index("ix_ticket_created", "created_at"),
        Index("ix_ticket_point_created", "payment_point_id", "created_at"),
        UniqueConstraint("number", name="uq_ticket_number"),
    )

    def __repr__(self) -> str:
        return f"<Ticket {self.number} {self.category} {self.state} L{self.level} {self.queue}>"


class TicketEvent(Base):
    """One entry of a ticket's history; written once, never changed."""

    __tablename__ = "ticket_event"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(
        Integer,
        ForeignKey("ticket.id", ondelete="CASCADE", name="fk_ticket_event_ticket"),
        nullable=False,
    )
    at = Column(UTCDateTime(), nullable=False)
    actor = Column(String(80), nullable=False)
    kind = Column(String(24), nullable=False)
    from_state: Optional[str] = Column(String(24), nullable=True)
    to_state: Optional[str] = Column(String(24), nullable=True)
    from_level: Optional[int] = Column(Integer, nullable=True)
    to_level: Optional[int] = Column(Integer, nullable=True)
    note: Optional[str] = Column(Text, nullable=True)
    internal = Column(Boolean, nullable=False, default=False)
    # The queue that held the ticket when this happened: reopenings count against it.
    queue: Optional[str] = Column(String(160), nullable=True)
    channel: Optional[str] = Column(String(24), nullable=True)

    __table_args__ = (
        Index("ix_ticket_event_ticket", "ticket_id", "id"),
        Index("ix_ticket_event_queue_kind", "queue", "kind"),
    )


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history entry."""


@event.listens_for(TicketEvent, "before_update")
def _refuse_event_update(_mapper: Any, _conn: Any, target: TicketEvent) -> None:
    raise AppendOnlyError(f"ticket history entry {target.id} cannot be changed")


@event.listens_for(TicketEvent, "before_delete")
def _refuse_event_delete(_mapper: Any, _conn: Any, target: TicketEvent) -> None:
    raise AppendOnlyError(f"ticket history entry {target.id} cannot be deleted")


class OmbudsmanReferral(Base):
    """A ticket sent to the Federal Ombudsman (Wafaqi Mohtasib)."""

    __tablename__ = "ombudsman_referral"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(
        Integer,
        ForeignKey("ticket.id", ondelete="CASCADE", name="fk_ombudsman_referral_ticket"),
        nullable=False,
    )
    referred_at = Column(UTCDateTime(), nullable=False)
    reference = Column(String(64), nullable=False)
    reason = Column(Text, nullable=False, default="")

    __table_args__ = (
        UniqueConstraint("ticket_id", name="uq_ombudsman_referral_ticket"),
        UniqueConstraint("reference", name="uq_ombudsman_referral_reference"),
    )
