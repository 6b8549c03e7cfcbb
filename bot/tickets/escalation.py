"""The escalation pass: overdue tickets up the chain, 30-day tickets to the Ombudsman.

Safe with several replicas running it at once: each ticket is handled in its own
transaction under a row lock (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL), and
the ticket's version column makes the UPDATE conditional, so a worker that lost a
race fails with StaleDataError and rolls back instead of escalating twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, List, Optional

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.core.clock import utcnow
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import (
    ACTIVE_STATES,
    ACTOR_SCHEDULER,
    AWAITING_CITIZEN,
    CLOSED,
    TOP_LEVEL,
)
from bot.tickets.models import Ticket
from bot.tickets.workflow import escalate, refer_to_ombudsman, transition

log = logging.getLogger(__name__)


@dataclass
class EscalationSummary:
    escalated: List[str] = field(default_factory=list)
    referred: List[str] = field(default_factory=list)
    closed: List[str] = field(default_factory=list)
    skipped: int = 0  # taken by another worker, or changed meanwhile


def _conditions(now: datetime, config: TicketConfig):  # type: ignore[no-untyped-def]
    refer_before = now - timedelta(days=config.sla.ombudsman_after_days)
    close_before = now - timedelta(days=config.sla.confirm_close_days)
    referral_due = and_(
        Ticket.state.in_(ACTIVE_STATES),
        Ticket.ombudsman_referred_at.is_(None),
        Ticket.created_at <= refer_before,
    )
    escalation_due = and_(
        Ticket.state.in_(ACTIVE_STATES),
        Ticket.deadline_at <= now,
        Ticket.level < TOP_LEVEL,
    )
    close_due = and_(Ticket.state == AWAITING_CITIZEN, Ticket.resolved_at <= close_before)
    return referral_due, escalation_due, close_due


def _handle(
    session: Session,
    ticket: Ticket,
    now: datetime,
    config: TicketConfig,
    summary: EscalationSummary,
) -> None:
    age = now - ticket.created_at
    if ticket.state == AWAITING_CITIZEN:
        ticket.closure = "unrated"
        transition(
            session,
            ticket,
            CLOSED,
            ACTOR_SCHEDULER,
            f"resolved-unrated: no answer from the citizen in {config.sla.confirm_close_days:g} days",
            now,
            config,
        )
        summary.closed.append(ticket.number)
        return
    if ticket.ombudsman_referred_at is None and age >= timedelta(
        days=config.sla.ombudsman_after_days
    ):
        refer_to_ombudsman(
            session,
            ticket,
            ACTOR_SCHEDULER,
            f"unresolved after {config.sla.ombudsman_after_days:g} days",
            now,
            config,
        )
        summary.referred.append(ticket.number)
    if ticket.deadline_at is not None and ticket.deadline_at <= now and ticket.level < TOP_LEVEL:
        escalate(session, ticket, ACTOR_SCHEDULER, "deadline passed", now, config)
        summary.escalated.append(ticket.number)


def run_escalation_pass(
    session_factory: Callable[[], Session],
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
    lock_rows: bool = True,
    limit: int = 500,
) -> EscalationSummary:
    """Escalate, refer and auto-close what is due at `now`; one transaction per ticket."""
    now = now or utcnow()
    config = config or load_config()
    summary = EscalationSummary()
    referral_due, escalation_due, close_due = _conditions(now, config)
    # A ticket changed after `now` is left alone, so a drill run "as of" an earlier time
    # never writes history that goes back before what already happened to it.
    due = and_(or_(referral_due, escalation_due, close_due), Ticket.updated_at <= now)
    with session_factory() as session:
        ids = list(
            session.execute(
                select(Ticket.id).where(due).order_by(Ticket.deadline_at, Ticket.id).limit(limit)
            ).scalars()
        )
    for ticket_id in ids:
        session = session_factory()
        try:
            query = select(Ticket).where(Ticket.id == ticket_id, due)
            if lock_rows:
                query = query.with_for_update(skip_locked=True)  # no-op on SQLite
            ticket = session.execute(query).scalar_one_or_none()
            if ticket is None:
                summary.skipped += 1
                session.rollback()
                continue
            partial = EscalationSummary()
            _handle(session, ticket, now, config, partial)
            session.commit()
            summary.escalated += partial.escalated
            summary.referred += partial.referred
            summary.closed += partial.closed
        except (StaleDataError, OperationalError, IntegrityError) as exc:
            session.rollback()
            summary.skipped += 1
            log.info("ticket id %s handled elsewhere: %s", ticket_id, type(exc).__name__)
        finally:
            session.close()
    if summary.escalated or summary.referred or summary.closed:
        log.info(
            "escalation pass: %d escalated, %d referred, %d closed, %d skipped",
            len(summary.escalated),
            len(summary.referred),
            len(summary.closed),
            summary.skipped,
        )
    return summary
