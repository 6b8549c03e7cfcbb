"""The audit log: every staff view of personal data and every staff action, written once."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.models import AuditLog, utcnow
from bot.privacy.masking import mask_text

log = logging.getLogger(__name__)


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


def sign_in_lock_minutes(
    session: Session, username: str, max_failures: int, lock_minutes: int
) -> int:
    """Minutes until `username` may try a password again (0: not locked).

    After `max_failures` wrong passwords within `lock_minutes`, with no successful
    sign-in since, the account refuses every password (the right one too) until the
    oldest of those failures is `lock_minutes` old, or an administrator sets a new
    password: guessing gets a few tries an hour.
    """
    if max_failures <= 0:
        return 0
    now = utcnow()
    since = now - timedelta(minutes=lock_minutes)
    last_login = session.execute(
        select(AuditLog.at)
        .where(
            AuditLog.username == username,
            AuditLog.action.in_(("login", "password_set")),
            AuditLog.at >= since,
        )
        .order_by(AuditLog.at.desc())
        .limit(1)
    ).scalar()
    failures = list(
        session.execute(
            select(AuditLog.at)
            .where(
                AuditLog.username == username,
                AuditLog.action == "login_failed",
                AuditLog.at >= (last_login or since),
            )
            .order_by(AuditLog.at.desc())
            .limit(max_failures)
        ).scalars()
    )
    if len(failures) < max_failures:
        return 0
    left = failures[-1] + timedelta(minutes=lock_minutes) - now  # UTCDateTime: aware
    return max(1, math.ceil(left.total_seconds() / 60))
