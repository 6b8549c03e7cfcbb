"""Which tickets a queue shows: filters, overdue, the nearest deadline first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Optional

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.core.clock import utcnow
from bot.tickets.constants import ACTIVE_STATES, OPEN_STATES
from bot.tickets.models import Ticket


def overdue_clause(now: datetime) -> ColumnElement:
    """Overdue: still being worked on (not awaiting the citizen, not closed) and past its deadline."""
    return and_(Ticket.state.in_(ACTIVE_STATES), Ticket.deadline_at < now)


def is_overdue(state: str, deadline_at: Optional[datetime], now: datetime) -> bool:
    """The rule of `overdue_clause` for one ticket already loaded."""
    if state not in ACTIVE_STATES or deadline_at is None:
        return False
    return deadline_at < now


@dataclass(frozen=True)
class TicketFilter:
    """What a queue lists. status: a state, "open" or "all"; empty strings filter nothing."""

    status: str = "open"
    category: str = ""
    district: str = ""
    programme: str = ""
    overdue: bool = False
    assigned_to: str = ""


def select_tickets(
    flt: TicketFilter, now: Optional[datetime] = None, scope: Optional[ColumnElement] = None
) -> Any:
    """The query of tickets matching `flt` within `scope` (a condition on Ticket)."""
    query = select(Ticket).where(scope if scope is not None else true())
    if flt.status == "open":
        query = query.where(Ticket.state.in_(OPEN_STATES))
    elif flt.status != "all":
        query = query.where(Ticket.state == flt.status)
    for attr in ("category", "district", "programme", "assigned_to"):
        if getattr(flt, attr):
            query = query.where(getattr(Ticket, attr) == getattr(flt, attr))
    if flt.overdue:
        query = query.where(overdue_clause(now or utcnow()))
    return query


def list_tickets(
    session: Session,
    flt: TicketFilter,
    now: Optional[datetime] = None,
    scope: Optional[ColumnElement] = None,
    limit: Optional[int] = None,
    offset: int = 0,
) -> List[Ticket]:
    """Tickets matching the filter, the nearest deadline first (none last)."""
    query = select_tickets(flt, now, scope).order_by(
        Ticket.deadline_at.is_(None), Ticket.deadline_at, Ticket.id
    )
    if limit:
        query = query.limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def count_tickets(
    session: Session,
    flt: TicketFilter,
    now: Optional[datetime] = None,
    scope: Optional[ColumnElement] = None,
) -> int:
    sub = select_tickets(flt, now, scope).subquery()
    return int(session.execute(select(func.count()).select_from(sub)).scalar_one())
