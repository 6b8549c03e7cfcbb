"""Tells a repeat of an open complaint from a new problem (same CNIC and category)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Optional

from rapidfuzz import fuzz, utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.tickets.config import RoutingConfig
from bot.tickets.constants import CLOSED
from bot.tickets.models import Ticket, TicketEvent


def similarity(a: str, b: str) -> float:
    """0-100: how alike two descriptions are, ignoring case, punctuation and word order."""
    return fuzz.token_set_ratio(a or "", b or "", processor=utils.default_process)


def best_similarity(text: str, known: Iterable[str]) -> float:
    return max((similarity(text, k) for k in known if k and k.strip()), default=0.0)


def find_duplicate(
    session: Session,
    config: RoutingConfig,
    cnic: Optional[str],
    category: str,
    description: str,
    now: datetime,
) -> Optional[Ticket]:
    """The open ticket this complaint repeats, or None when it is a new problem.

    A complaint with no words (a voice caller who only chose a category) repeats the
    open ticket of that category; otherwise the text must be alike enough to the
    ticket's description or to anything joined to it since.
    """
    if not cnic:
        return None
    since = now - timedelta(days=config.duplicate_window_days)
    candidates = (
        session.execute(
            select(Ticket)
            .where(
                Ticket.cnic == cnic,
                Ticket.category == category,
                Ticket.state != CLOSED,
                Ticket.created_at >= since,
            )
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        )
        .scalars()
        .all()
    )
    if not candidates:
        return None
    if not (description or "").strip():
        return candidates[0]
    for ticket in candidates:
        joined = session.execute(
            select(TicketEvent.note).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "joined"
            )
        ).scalars()
        score = best_similarity(description, [ticket.description, *joined])
        if score >= config.duplicate_min_similarity:
            return ticket
    return None
