"""Queue figures: open tickets by category and district, overdue, resolution, reopenings.

The one place each figure is computed: the dashboard's cards, the per-desk table
(bot/tickets/satisfaction.py), the CSV and the monthly reports all read them from here.
Every rate names what it divides by; reopenings and appeals divide by the tickets resolved
at least once (a reopened ticket is no longer resolved, but it was), never by the tickets
resolved now, which once made a district's reopen rate 133%.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.tickets.constants import OPEN_STATES
from bot.tickets.models import Ticket
from bot.tickets.queries import TicketFilter, overdue_clause, select_tickets


@dataclass
class Dashboard:
    """The figures over every ticket in scope that matches the filter."""

    total: int = 0
    open: int = 0
    open_by_category: List[Tuple[str, int]] = field(default_factory=list)
    open_by_district: List[Tuple[str, int]] = field(default_factory=list)
    open_overdue: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    resolved_once: int = 0
    median_resolve_seconds: Optional[float] = None
    reopened: int = 0
    appealed: int = 0
    escalated: int = 0
    ombudsman: int = 0

    @property
    def compliance_rate(self) -> Rate:
        """Resolved tickets resolved before their deadline."""
        return Rate(self.resolved_in_time, self.resolved, RESOLVED_NOW)

    @property
    def reopen(self) -> Rate:
        return Rate(self.reopened, self.resolved_once, RESOLVED_ONCE)

    @property
    def appeal(self) -> Rate:
        return Rate(self.appealed, self.resolved_once, RESOLVED_ONCE)

    @property
    def compliance(self) -> Optional[float]:
        return self.compliance_rate.value

    @property
    def reopen_rate(self) -> Optional[float]:
        return self.reopen.value

    @property
    def appeal_rate(self) -> Optional[float]:
        return self.appeal.value

    @property
    def median_resolve_days(self) -> Optional[float]:
        seconds = self.median_resolve_seconds
        return None if seconds is None else round(seconds / 86400, 1)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "total": self.total,
            "open": self.open,
            "open_by_category": dict(self.open_by_category),
            "open_by_district": dict(self.open_by_district),
            "open_overdue": self.open_overdue,
            "resolved": self.resolved,
            "resolved_at_least_once": self.resolved_once,
            "deadline_compliance": self.compliance,
            "deadline_compliance_of": RESOLVED_NOW,
            "median_resolve_hours": (
                None if self.median_resolve_seconds is None else self.median_resolve_seconds / 3600
            ),
            "reopened": self.reopened,
            "reopen_rate": self.reopen_rate,
            "reopen_rate_of": RESOLVED_ONCE,
            "appealed": self.appealed,
            "appeal_rate": self.appeal_rate,
            "appeal_rate_of": RESOLVED_ONCE,
            "escalated": self.escalated,
            "ombudsman_referrals": self.ombudsman,
        }


RESOLVED_ONCE = "tickets resolved at least once"
RESOLVED_NOW = "tickets resolved and not reopened"


def resolved_once_clause(cols: Any) -> Any:
    """Resolved at least once: resolved now, closed, or reopened (so it was resolved)."""
    return cols.resolved_at.is_not(None) | cols.closed_at.is_not(None) | (cols.reopen_count > 0)


@dataclass(frozen=True)
class Rate:
    """A share with what it counts and what it divides by, as every page prints it."""

    part: int
    whole: int
    of: str

    @property
    def value(self) -> Optional[float]:
        return self.part / self.whole if self.whole else None

    def __str__(self) -> str:
        if not self.whole:
            return f"– (no {self.of})"
        return f"{self.value:.0%} ({self.part} of {self.whole} {self.of})"


def _resolve_seconds(session: Session) -> Any:
    """Seconds from a ticket's creation to its resolution, as a SQL expression."""
    if session.get_bind().dialect.name == "sqlite":  # stored as UTC text without offset
        days = func.julianday(Ticket.resolved_at) - func.julianday(Ticket.created_at)
        return days * 86400.0
    return func.extract("epoch", Ticket.resolved_at - Ticket.created_at)


def dashboard(
    session: Session, flt: TicketFilter, now: datetime, scope: Optional[ColumnElement] = None
) -> Dashboard:
    """The figures over every ticket in `scope` matching `flt`'s category, district, programme.

    Counted by the database (a few aggregate queries), never by reading every ticket: a
    district's supervisor sees it at once with a million tickets (bench/console_scale.py).
    """
    flt = TicketFilter(
        status="all", category=flt.category, district=flt.district, programme=flt.programme
    )
    scoped = select_tickets(flt, now, scope)
    is_open = Ticket.state.in_(OPEN_STATES)
    resolved = Ticket.resolved_at.is_not(None)

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    totals = session.execute(
        scoped.with_only_columns(
            func.count(),
            count_if(is_open),
            count_if(overdue_clause(now)),
            count_if(resolved),
            count_if(
                and_(
                    resolved,
                    or_(Ticket.deadline_at.is_(None), Ticket.resolved_at <= Ticket.deadline_at),
                )
            ),
            count_if(resolved_once_clause(Ticket)),
            count_if(Ticket.reopen_count > 0),
            count_if(Ticket.appeal_count > 0),
            count_if(Ticket.escalated.is_(True)),
            count_if(Ticket.ombudsman_referred_at.is_not(None)),
        )
    ).one()
    out = Dashboard()
    (
        out.total,
        out.open,
        out.open_overdue,
        out.resolved,
        out.resolved_in_time,
        out.resolved_once,
        out.reopened,
        out.appealed,
        out.escalated,
        out.ombudsman,
    ) = (int(v) for v in totals)
    # Open tickets by category and by district from one pass over the open tickets.
    district = func.coalesce(Ticket.district, "unknown")
    by_category: Dict[str, int] = {}
    by_district: Dict[str, int] = {}
    for category, place, n in session.execute(
        scoped.where(is_open)
        .with_only_columns(Ticket.category, district, func.count())
        .group_by(Ticket.category, district)
    ):
        by_category[str(category)] = by_category.get(str(category), 0) + int(n)
        by_district[str(place)] = by_district.get(str(place), 0) + int(n)
    out.open_by_category = _most_first(by_category)
    out.open_by_district = _most_first(by_district)
    out.median_resolve_seconds = _median(session, scoped.where(resolved), out.resolved)
    return out


def _most_first(counts: Dict[str, int]) -> List[Tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _median(session: Session, scoped: Any, n: int) -> Optional[float]:
    """Median resolution time of the `n` tickets `scoped` selects: the middle one or two,
    found by the database's ORDER BY, so only they are read."""
    if not n:
        return None
    seconds = _resolve_seconds(session)
    middle = session.execute(
        scoped.with_only_columns(seconds).order_by(seconds).offset((n - 1) // 2).limit(2 - n % 2)
    ).scalars()
    values = [round(float(v), 3) for v in middle]  # SQLite's julianday: to the millisecond
    return median(values) if values else None


def open_ticket_counts(session: Session) -> Dict[Tuple[str, int], int]:
    """Open tickets per (state, escalation level), counted by the database."""
    rows = session.execute(
        select(Ticket.state, Ticket.level, func.count())
        .where(Ticket.state.in_(OPEN_STATES))
        .group_by(Ticket.state, Ticket.level)
    )
    return {(str(state), int(level)): int(n) for state, level, n in rows}
