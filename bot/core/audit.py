"""The audit log: every staff view of personal data and every staff action, written once.

In core because services record what staff did through them (a live takeover, an
evidence view) as well as the console.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import List, Optional

from sqlalchemy import Column, Integer, String, Text, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import Base, UTCDateTime
from bot.core.masking import mask_text

log = logging.getLogger(__name__)


class AuditLog(Base):
    """Who looked at or changed what, and when; `subject` is always masked."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    username = Column(String(64), nullable=False, index=True)
    action = Column(String(32), nullable=False)
    ticket_number = Column(String(16), nullable=True, index=True)
    subject = Column(String(255), nullable=True)
    detail = Column(Text, nullable=True)


def record(
    session: Session,
    username: str,
    action: str,
    ticket_number: Optional[str] = None,
    subject: Optional[str] = None,
    detail: Optional[str] = None,
    now: Optional[datetime] = None,
) -> AuditLog:
    """Add one audit entry (the caller's transaction commits it with the request)."""
    entry = AuditLog(
        at=now or utcnow(),
        username=username,
        action=action,
        ticket_number=ticket_number,
        subject=mask_text(subject)[:255] if subject else None,
        detail=mask_text(detail) if detail else None,
    )
    session.add(entry)
    session.flush()
    log.info("audit %s %s %s %s", username, action, ticket_number or "-", entry.subject or "")
    return entry


def entries(
    session: Session,
    ticket_number: Optional[str] = None,
    username: Optional[str] = None,
    limit: int = 200,
) -> List[AuditLog]:
    """The newest audit entries, optionally for one ticket or one user."""
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if ticket_number:
        query = query.where(AuditLog.ticket_number == ticket_number)
    if username:
        query = query.where(AuditLog.username == username)
    return list(session.execute(query).scalars())


def record_now(session: Session, username: str, action: str, *args: Optional[str]) -> AuditLog:
    """Record and commit at once: a view of personal data is logged before it is shown."""
    entry = record(session, username, action, *args)
    session.commit()
    return entry
