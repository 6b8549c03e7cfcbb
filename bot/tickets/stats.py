"""Queue figures for the console: open, overdue, time to resolve, reopen rate, referrals."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.tickets.constants import AWAITING_CITIZEN, OPEN_STATES, REOPENED
from bot.tickets.deadlines import utcnow
from bot.tickets.models import Ticket, TicketEvent
from bot.tickets.service import overdue_clause


@dataclass
class QueueStats:
    """Figures of one queue. Resolutions and reopenings count against the queue that
    resolved the ticket, even after the reopened ticket moved up a level."""

    queue: str
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    reopened: int = 0
    median_hours_to_resolve: Optional[float] = None
    ombudsman_referrals: int = 0

    @property
    def reopen_rate(self) -> Optional[float]:
        return self.reopened / self.resolved if self.resolved else None


def queue_stats(
    session: Session, queue: Optional[str] = None, now: Optional[datetime] = None
) -> List[QueueStats]:
    """One QueueStats per queue (only `queue` when given), sorted by queue id."""
    now = now or utcnow()
    stats: Dict[str, QueueStats] = {}

    def entry(name: str) -> QueueStats:
        return stats.setdefault(name, QueueStats(name))

    def scoped(query, column):  # type: ignore[no-untyped-def]
        return query.where(column == queue) if queue else query

    open_q = scoped(
        select(Ticket.queue, func.count()).where(Ticket.state.in_(OPEN_STATES)), Ticket.queue
    ).group_by(Ticket.queue)
    for name, count in session.execute(open_q):
        entry(name).open = count
    overdue_q = scoped(
        select(Ticket.queue, func.count()).where(overdue_clause(now)), Ticket.queue
    ).group_by(Ticket.queue)
    for name, count in session.execute(overdue_q):
        entry(name).overdue = count

    events_q = scoped(
        select(
            TicketEvent.queue,
            TicketEvent.kind,
            TicketEvent.to_state,
            TicketEvent.at,
            Ticket.created_at,
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind.in_(("state", "referral")), TicketEvent.queue.is_not(None)),
        TicketEvent.queue,
    )
    hours: Dict[str, List[float]] = defaultdict(list)
    for name, kind, to_state, at, created_at in session.execute(events_q):
        item = entry(name)
        if kind == "referral":
            item.ombudsman_referrals += 1
        elif to_state == AWAITING_CITIZEN:
            item.resolved += 1
            hours[name].append((at - created_at).total_seconds() / 3600)
        elif to_state == REOPENED:
            item.reopened += 1
    for name, values in hours.items():
        stats[name].median_hours_to_resolve = round(statistics.median(values), 2)
    if queue and queue not in stats:
        stats[queue] = QueueStats(queue)
    return [stats[name] for name in sorted(stats)]
