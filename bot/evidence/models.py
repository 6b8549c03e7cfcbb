"""Tables of evidence: files attached to tickets, and files waiting to be placed."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, UniqueConstraint

from bot.core.db import Base, UTCDateTime


class TicketAttachment(Base):
    """A file attached to a ticket, stored sealed; it goes when the ticket goes."""

    __tablename__ = "ticket_attachment"
    __table_args__ = (UniqueConstraint("ticket_id", "sha256", name="uq_attachment_ticket_sha"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(
        Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sha256 = Column(String(64), nullable=False)
    content_type = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    received_at = Column(UTCDateTime(), nullable=False)
    channel = Column(String(24), nullable=False)
    data = Column(LargeBinary, nullable=False)  # sealed (Fernet) bytes of the file


class PendingMedia(Base):
    """A file sent with no complaint open, kept sealed until the citizen says which ticket.

    Unclaimed files are deleted after a day (bot.evidence.service.forget_unclaimed).
    """

    __tablename__ = "pending_media"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False, index=True)
    sha256 = Column(String(64), nullable=False)
    content_type = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    received_at = Column(UTCDateTime(), nullable=False)
    channel = Column(String(24), nullable=False)
    data = Column(LargeBinary, nullable=False)
