"""Queue figures: open tickets by category and district, overdue, resolution, reopenings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.tickets.constants import OPEN_STATES
from bot.tickets.models import Ticket
from bot.tickets.queries import TicketFilter, is_overdue, select_tickets


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
    median_resolve_seconds: Optional[float] = None
    reopened: int = 0
    escalated: int = 0
    ombudsman: int = 0

    @property
    def compliance(self) -> Optional[float]:
        """Share of resolved tickets resolved before their deadline."""
        return self.resolved_in_time / self.resolved if self.resolved else None

    @property
    def reopen_rate(self) -> Optional[float]:
        return self.reopened / self.resolved if self.resolved else None

    def as_dict(self) -> Dict[str, Any]:
        return {
            "total": self.total,
            "open": self.open,
            "open_by_category": dict(self.open_by_category),
            "open_by_district": dict(self.open_by_district),
            "open_overdue": self.open_overdue,
            "resolved": self.resolved,
            "deadline_compliance": self.compliance,
            "median_resolve_hours": (
                None if self.median_resolve_seconds is None else self.median_resolve_seconds / 3600
            ),
            "reopen_rate": self.reopen_rate,
            "escalated": self.escalated,
            "ombudsman_referrals": self.ombudsman,
        }


def dashboard(
    session: Session, flt: TicketFilter, now: datetime, scope: Optional[ColumnElement] = None
) -> Dashboard:
    """The figures over every ticket in `scope` matching `flt`'s category, district, programme."""
    flt = TicketFilter(
        status="all", category=flt.category, district=flt.district, programme=flt.programme
    )
    query = select_tickets(flt, now, scope).with_only_columns(
        Ticket.category,
        Ticket.district,
        Ticket.state,
        Ticket.deadline_at,
        Ticket.created_at,
        Ticket.resolved_at,
        Ticket.reopen_count,
        Ticket.escalated,
        Ticket.ombudsman_referred_at,
    )
    by_category: Counter = Counter()
    by_district: Counter = Counter()
    durations: List[float] = []
    out = Dashboard()
    for row in session.execute(query):
        out.total += 1
        deadline, resolved_at = row.deadline_at, row.resolved_at
        if row.state in OPEN_STATES:
            out.open += 1
            by_category[row.category] += 1
            by_district[row.district or "unknown"] += 1
            if is_overdue(row.state, deadline, now):
                out.open_overdue += 1
        if resolved_at is not None:
            out.resolved += 1
            if deadline is None or resolved_at <= deadline:
                out.resolved_in_time += 1
            durations.append((resolved_at - row.created_at).total_seconds())
        if row.reopen_count:
            out.reopened += 1
        if row.escalated:
            out.escalated += 1
        if row.ombudsman_referred_at is not None:
            out.ombudsman += 1
    out.open_by_category = by_category.most_common()
    out.open_by_district = by_district.most_common()
    out.median_resolve_seconds = median(durations) if durations else None
    return out
