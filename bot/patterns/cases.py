"""Pattern cases: opened, joined, escalated on deadline and resolved like tickets.

A case of a payment point goes to the integrity desk of the point's district; a spike to
the district office, where the supervisor sees it. Deadlines and escalation levels come
from the tickets' own configuration (config/sla.yml, config/routing.yml): a case is due
like a priority-1 ticket of its commonest category, and moves up a level when it is not
resolved in time.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Iterable, List, Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.patterns.models import (
    CASE_OPEN,
    CASE_RESOLVED,
    KIND_POINT,
    PatternCase,
    PatternCaseTicket,
    PaymentPoint,
)
from bot.tickets.config import TicketConfig
from bot.tickets.constants import LEVEL_DISTRICT, TOP_LEVEL
from bot.tickets.deadlines import level_deadline, ticket_deadline
from bot.tickets.models import Ticket
from bot.tickets.routing import level_queue, place_of

CASE_PRIORITY = 1  # many households at once: as urgent as the most urgent ticket


def open_point_case(session: Session, point: PaymentPoint) -> Optional[PatternCase]:
    """The open case of this payment point, if any."""
    return (
        session.execute(
            select(PatternCase).where(
                PatternCase.payment_point_id == point.id,
                PatternCase.kind == KIND_POINT,
                PatternCase.state == CASE_OPEN,
            )
        )
        .scalars()
        .first()
    )


def new_case(
    session: Session,
    kind: str,
    subject: str,
    district: Optional[str],
    tehsil: Optional[str],
    queue_template: str,
    category: str,
    now: datetime,
    config: TicketConfig,
    **extra: object,
) -> PatternCase:
    place = place_of(config.routing, district, tehsil)
    queue = queue_template.format(district=place.district or "", tehsil=place.tehsil or "")
    if not place.district:
        queue, level = "head_office", TOP_LEVEL
    else:
        level = LEVEL_DISTRICT
    case = PatternCase(
        kind=kind,
        subject=subject[:240],
        district=place.district,
        tehsil=place.tehsil,
        queue=queue,
        level=level,
        state=CASE_OPEN,
        category=category,
        priority=CASE_PRIORITY,
        deadline_at=ticket_deadline(config.sla, category, CASE_PRIORITY, now),
        escalated=False,
        households=0,
        amount_claimed=0,
        ticket_count=0,
        first_at=now,
        last_at=now,
        created_at=now,
        updated_at=now,
        **extra,
    )
    session.add(case)
    session.flush()
    return case


def link_tickets(
    session: Session, case: PatternCase, ticket_ids: Iterable[int], now: datetime
) -> int:
    """Put tickets behind the case (those already there are skipped); how many were new."""
    have = set(
        session.execute(
            select(PatternCaseTicket.ticket_id).where(PatternCaseTicket.case_id == case.id)
        ).scalars()
    )
    added = 0
    for ticket_id in sorted(set(ticket_ids) - have):
        session.add(PatternCaseTicket(case_id=case.id, ticket_id=ticket_id, added_at=now))
        added += 1
    if added:
        session.flush()
        refresh_figures(session, case, now)
    return added


def refresh_figures(session: Session, case: PatternCase, now: datetime) -> None:
    """Households, amounts claimed, first and last complaint, from the tickets behind it."""
    row = session.execute(
        select(
            func.count(Ticket.id),
            func.count(func.distinct(Ticket.household_key)),
            func.coalesce(func.sum(Ticket.amount), 0),
            func.min(Ticket.created_at),
            func.max(Ticket.created_at),
        )
        .join(PatternCaseTicket, PatternCaseTicket.ticket_id == Ticket.id)
        .where(PatternCaseTicket.case_id == case.id)
    ).one()
    case.ticket_count, case.households, case.amount_claimed = (int(v or 0) for v in row[:3])
    first, last = row[3], row[4]
    if first is not None:
        case.first_at, case.last_at = _aware(first), _aware(last)
    categories = Counter(
        session.execute(
            select(Ticket.category)
            .join(PatternCaseTicket, PatternCaseTicket.ticket_id == Ticket.id)
            .where(PatternCaseTicket.case_id == case.id)
        ).scalars()
    )
    if categories:
        case.category = categories.most_common(1)[0][0]
    case.updated_at = now


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def tickets_of(session: Session, case: PatternCase) -> List[Ticket]:
    """The tickets behind a case, oldest first."""
    return list(
        session.execute(
            select(Ticket)
            .join(PatternCaseTicket, PatternCaseTicket.ticket_id == Ticket.id)
            .where(PatternCaseTicket.case_id == case.id)
            .order_by(Ticket.created_at, Ticket.id)
        ).scalars()
    )


def ticket_numbers(session: Session, case_ids: Sequence[int]) -> dict:
    """case id -> the numbers of its tickets, oldest first, in one query."""
    found: dict = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = session.execute(
        select(PatternCaseTicket.case_id, Ticket.number)
        .join(Ticket, Ticket.id == PatternCaseTicket.ticket_id)
        .where(PatternCaseTicket.case_id.in_(list(case_ids)))
        .order_by(Ticket.created_at, Ticket.id)
    ).all()
    for case_id, number in rows:
        found[case_id].append(number)
    return found


def escalate_overdue(session: Session, now: datetime, config: TicketConfig) -> List[PatternCase]:
    """Open cases past their deadline go one level up (as tickets do), with a new deadline."""
    due = session.execute(
        select(PatternCase).where(
            PatternCase.state == CASE_OPEN,
            PatternCase.deadline_at.is_not(None),
            PatternCase.deadline_at < now,
            PatternCase.level < TOP_LEVEL,
        )
    ).scalars()
    moved = []
    for case in due:
        place = place_of(config.routing, case.district, case.tehsil)
        queue, level = level_queue(config.routing, case.level + 1, place)
        case.queue, case.level, case.escalated = queue, level, True
        case.deadline_at = level_deadline(config.sla, level, case.category, case.priority, now)
        case.updated_at = now
        moved.append(case)
    session.flush()
    return moved


def resolve_case(
    session: Session, case: PatternCase, actor: str, outcome: str, now: datetime
) -> PatternCase:
    """Close a case with what became of it (reports print the outcome)."""
    if case.state != CASE_OPEN:
        raise ValueError(f"{case.label} is already resolved")
    if not outcome.strip():
        raise ValueError("Write what became of the case first.")
    case.state, case.resolved_at, case.resolved_by = CASE_RESOLVED, now, actor
    case.outcome = outcome.strip()[:2000]
    case.updated_at = now
    session.flush()
    return case


def cases_in_scope(
    session: Session, scope: object, include_resolved_since: Optional[datetime] = None
) -> List[PatternCase]:
    """Open cases within `scope` (a condition on PatternCase), and those resolved since a
    time; open ones first, the most households first."""
    wanted = PatternCase.state == CASE_OPEN
    if include_resolved_since is not None:
        wanted = wanted | (PatternCase.resolved_at >= include_resolved_since)
    return list(
        session.execute(
            select(PatternCase)
            .where(scope, wanted)  # type: ignore[arg-type]
            .order_by(
                (PatternCase.state == CASE_OPEN).desc(),
                PatternCase.households.desc(),
                PatternCase.id,
            )
        ).scalars()
    )


def as_contract(case: PatternCase, numbers: Sequence[str]) -> dict:
    """A case as GET /api/patterns gives it."""
    return {
        "id": case.id,
        "kind": case.kind,
        "subject": case.subject,
        "district": case.district,
        "tehsil": case.tehsil,
        "tickets": list(numbers),
        "households": case.households,
        "amount_claimed": case.amount_claimed,
        "first_at": _aware(case.first_at).isoformat(),
        "last_at": _aware(case.last_at).isoformat(),
        "state": case.state,
    }
