"""Detection: payment points many households complain about, and weekly spikes by tehsil.

Both are a few aggregate queries over the window's tickets (indexed by creation time and
by payment point), so a run over a million tickets takes seconds (bench/patterns_scale.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Dict, List, Optional

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.patterns.cases import escalate_overdue, link_tickets, new_case
from bot.patterns.causes import Taxonomy, load_taxonomy
from bot.patterns.link import classify_and_link
from bot.patterns.models import (
    CASE_OPEN,
    KIND_POINT,
    KIND_SPIKE,
    PatternCase,
    PatternCaseTicket,
    PaymentPoint,
)
from bot.patterns.rules import PatternRules
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import PROTECTION
from bot.tickets.models import Ticket

log = logging.getLogger(__name__)
SPIKE_WEEKS_BEFORE = 4
CATCH_UP_BATCH = 2000  # tickets opened without a cause (by an older release, or staff)


@dataclass
class DetectionSummary:
    classified: int = 0
    opened: List[PatternCase] = field(default_factory=list)
    joined: int = 0
    spikes: List[PatternCase] = field(default_factory=list)
    escalated: List[PatternCase] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"classified {self.classified}, pattern cases opened {len(self.opened)}, "
            f"tickets joined {self.joined}, spikes {len(self.spikes)}, "
            f"escalated {len(self.escalated)}"
        )


def _counted(as_of: datetime, since: datetime):  # type: ignore[no-untyped-def]
    return and_(
        Ticket.created_at > since, Ticket.created_at <= as_of, Ticket.category != PROTECTION
    )


def catch_up(
    session: Session,
    as_of: datetime,
    rules: PatternRules,
    taxonomy: Taxonomy,
    config: TicketConfig,
) -> int:
    """Classify and link tickets that have no cause yet."""
    waiting = session.execute(
        select(Ticket)
        .where(Ticket.cause.is_(None), Ticket.created_at <= as_of)
        .order_by(Ticket.id)
        .limit(CATCH_UP_BATCH)
    ).scalars()
    n = 0
    for ticket in waiting:
        classify_and_link(session, ticket, as_of, rules, taxonomy, config)
        n += 1
    return n


def detect_points(
    session: Session,
    as_of: datetime,
    rules: PatternRules,
    config: TicketConfig,
    summary: DetectionSummary,
) -> None:
    """A case for each payment point named by enough households within the window.

    Set-based: one query finds the points, one reads their tickets in the window, one their
    open cases and one the tickets those cases already have; only a case that gains a
    ticket is written, so a pass that finds nothing new costs four queries.
    """
    since = as_of - timedelta(days=rules.window_days)
    households = func.count(func.distinct(Ticket.household_key))
    hot = (
        select(Ticket.payment_point_id)
        .where(Ticket.payment_point_id.is_not(None), _counted(as_of, since))
        .group_by(Ticket.payment_point_id)
        .having(households >= rules.min_households)
    ).subquery()
    tickets_of: Dict[int, List[int]] = defaultdict(list)
    for point_id, ticket_id in session.execute(
        select(Ticket.payment_point_id, Ticket.id).where(
            Ticket.payment_point_id.in_(select(hot.c.payment_point_id)), _counted(as_of, since)
        )
    ):
        tickets_of[point_id].append(ticket_id)
    if not tickets_of:
        return
    open_cases = {
        case.payment_point_id: case
        for case in session.execute(
            select(PatternCase).where(
                PatternCase.kind == KIND_POINT,
                PatternCase.state == CASE_OPEN,
                PatternCase.payment_point_id.in_(list(tickets_of)),
            )
        ).scalars()
    }
    linked = set(
        session.execute(
            select(PatternCaseTicket.ticket_id).where(
                PatternCaseTicket.case_id.in_([c.id for c in open_cases.values()])
            )
        ).scalars()
    )
    points = {
        p.id: p
        for p in session.execute(
            select(PaymentPoint).where(PaymentPoint.id.in_(list(tickets_of)))
        ).scalars()
    }
    for point_id, ids in sorted(tickets_of.items()):
        new_ids = [i for i in ids if i not in linked]
        point = points.get(point_id)
        if not new_ids or point is None:
            continue
        found = open_cases.get(point_id)
        if found is None:
            subject = point.name + (f" ({point.bank})" if point.bank else "")
            found = new_case(
                session,
                KIND_POINT,
                subject,
                point.district,
                point.tehsil,
                "integrity:{district}",
                "deduction",
                as_of,
                config,
                payment_point_id=point.id,
            )
            summary.opened.append(found)
        summary.joined += link_tickets(session, found, new_ids, as_of)


def detect_spikes(
    session: Session,
    as_of: datetime,
    rules: PatternRules,
    taxonomy: Taxonomy,
    config: TicketConfig,
    summary: DetectionSummary,
) -> None:
    """Complaints of one cause in one tehsil this week against the four weeks before."""
    week = as_of - timedelta(days=7)
    since = as_of - timedelta(days=7 * (SPIKE_WEEKS_BEFORE + 1))
    this_week = Ticket.created_at > week
    rows = session.execute(
        select(
            Ticket.district,
            Ticket.tehsil,
            Ticket.cause,
            func.sum(case((this_week, 1), else_=0)),
            func.sum(case((this_week, 0), else_=1)),
        )
        .where(
            _counted(as_of, since),
            Ticket.cause.is_not(None),
            Ticket.district.is_not(None),
            Ticket.tehsil.is_not(None),
        )
        .group_by(Ticket.district, Ticket.tehsil, Ticket.cause)
    ).all()
    for district, tehsil, cause, now_n, before_n in rows:
        now_n, mean = int(now_n or 0), int(before_n or 0) / SPIKE_WEEKS_BEFORE
        if now_n < rules.spike_min or now_n < rules.spike_factor * mean:
            continue
        if _recent_spike(session, district, tehsil, cause, week):
            continue
        label = taxonomy.label(cause)
        found = new_case(
            session,
            KIND_SPIKE,
            f"{label} in {tehsil}: {now_n} this week, {mean:.1f} a week before",
            district,
            tehsil,
            "district:{district}",
            "other",
            as_of,
            config,
            cause=cause,
            week_count=now_n,
            baseline_mean=f"{mean:.2f}",
        )
        ids = session.execute(
            select(Ticket.id).where(
                _counted(as_of, week),
                Ticket.district == district,
                Ticket.tehsil == tehsil,
                Ticket.cause == cause,
            )
        ).scalars()
        link_tickets(session, found, list(ids), as_of)
        summary.spikes.append(found)


def _recent_spike(
    session: Session, district: str, tehsil: str, cause: str, since: datetime
) -> bool:
    """A spike of the same cause and tehsil this week was already raised (runs are hourly)."""
    return (
        session.execute(
            select(PatternCase.id)
            .where(
                PatternCase.kind == KIND_SPIKE,
                PatternCase.district == district,
                PatternCase.tehsil == tehsil,
                PatternCase.cause == cause,
                PatternCase.created_at > since,
            )
            .limit(1)
        ).first()
        is not None
    )


def run_detection(
    session: Session,
    as_of: datetime,
    rules: Optional[PatternRules] = None,
    taxonomy: Optional[Taxonomy] = None,
    config: Optional[TicketConfig] = None,
) -> DetectionSummary:
    """One detection pass as of `as_of` (the caller commits)."""
    rules = rules or PatternRules.from_settings()
    taxonomy = taxonomy or load_taxonomy()
    config = config or load_config()
    summary = DetectionSummary()
    summary.classified = catch_up(session, as_of, rules, taxonomy, config)
    session.flush()
    detect_points(session, as_of, rules, config, summary)
    detect_spikes(session, as_of, rules, taxonomy, config, summary)
    summary.escalated = escalate_overdue(session, as_of, config)
    log.info("pattern detection as of %s: %s", as_of.isoformat(), summary)
    return summary
