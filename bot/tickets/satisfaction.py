"""Satisfaction, appeals and reopenings per desk and per district, computed in SQL.

"Resolved" here is bot.tickets.stats.resolved_once, the dashboard's own definition.

satisfaction: the share of the citizens' answers that were a rating of 4-5 or a "haan,
hal ho gaya"; appeal rate: tickets the citizen appealed (a low rating or "nahi hua") over
tickets resolved at least once; reopen rate: tickets reopened for any reason, over the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.tickets.queries import TicketFilter, select_tickets
from bot.tickets.stats import RESOLVED_ONCE, Rate, resolved_once_clause

SATISFIED_FROM = 4
BY = ("desk", "district")


@dataclass
class Satisfaction:
    """The citizens' verdicts on one desk's or one district's resolutions."""

    name: str
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0
    confirmed: int = 0
    rating_sum: int = 0
    appealed: int = 0
    reopened: int = 0
    unrated: int = 0

    @property
    def average_rating(self) -> Optional[float]:
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    @property
    def satisfaction(self) -> Optional[float]:
        answers = self.rated + self.confirmed
        return (self.satisfied + self.confirmed) / answers if answers else None

    @property
    def appeal(self) -> Rate:
        return Rate(self.appealed, self.resolved, RESOLVED_ONCE)

    @property
    def reopen(self) -> Rate:
        return Rate(self.reopened, self.resolved, RESOLVED_ONCE)

    @property
    def appeal_rate(self) -> Optional[float]:
        return self.appeal.value

    @property
    def reopen_rate(self) -> Optional[float]:
        return self.reopen.value

    def as_dict(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "resolved": self.resolved,
            "rated": self.rated,
            "average_rating": self.average_rating,
            "satisfaction": self.satisfaction,
            "appeals": self.appealed,
            "appeal_rate": self.appeal_rate,
            "reopen_rate": self.reopen_rate,
            "closed_unrated": self.unrated,
        }


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(cast(case((condition, 1), else_=0), Integer)), 0)


def satisfaction_by(
    session: Session,
    by: str,
    flt: TicketFilter,
    now: datetime,
    scope: Optional[ColumnElement] = None,
) -> List[Satisfaction]:
    """One row per desk (the queue a ticket is in now) or per district, in scope and filter."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}")
    flt = TicketFilter(
        status="all", category=flt.category, district=flt.district, programme=flt.programme
    )
    t = select_tickets(flt, now, scope).subquery()
    name = (t.c.queue if by == "desk" else func.coalesce(t.c.district, "unknown")).label("name")
    resolved = resolved_once_clause(t.c)
    query = (
        select(
            name,
            _count(resolved),
            _count(t.c.rating.is_not(None)),
            _count(t.c.rating >= SATISFIED_FROM),
            _count(t.c.closure == "confirmed"),
            func.coalesce(func.sum(t.c.rating), 0),
            _count(t.c.appeal_count > 0),
            _count(t.c.reopen_count > 0),
            _count(t.c.closure == "unrated"),
        )
        .group_by(name)
        .order_by(name)
    )
    return [Satisfaction(str(row[0]), *(int(v) for v in row[1:])) for row in session.execute(query)]
