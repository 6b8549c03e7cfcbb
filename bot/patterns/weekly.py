"""Complaints by cause and week, for the charts of the patterns page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.patterns.causes import Taxonomy
from bot.tickets.constants import PROTECTION
from bot.tickets.models import Ticket


@dataclass
class CauseWeeks:
    """Weeks (oldest first, each the 7 days ending at its `ends`) and counts per cause."""

    ends: List[datetime]
    counts: Dict[str, List[int]]

    @property
    def peak(self) -> int:
        return max((n for row in self.counts.values() for n in row), default=0)


def causes_by_week(
    session: Session, scope: object, as_of: datetime, taxonomy: Taxonomy, weeks: int = 8
) -> CauseWeeks:
    """One grouped count per week over the tickets in `scope` (a condition on Ticket)."""
    ends = [as_of - timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]
    counts = {cause.id: [0] * weeks for cause in taxonomy.causes}
    for i, end in enumerate(ends):
        rows = session.execute(
            select(func.coalesce(Ticket.cause, "other"), func.count())
            .where(
                scope,  # type: ignore[arg-type]
                Ticket.created_at > end - timedelta(days=7),
                Ticket.created_at <= end,
                Ticket.category != PROTECTION,
            )
            .group_by(func.coalesce(Ticket.cause, "other"))
        ).all()
        for cause, n in rows:
            counts.setdefault(str(cause), [0] * weeks)[i] += int(n)
    return CauseWeeks(ends, {c: row for c, row in counts.items() if any(row)})
