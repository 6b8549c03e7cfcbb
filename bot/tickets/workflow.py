"""Changes to a ticket: state, assignment, notes, replies, escalation and referral.

Every change writes a history entry and, where the citizen should know, queues an
outbox message in the same session. Nothing here commits: the caller does.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.tickets import notify
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import (
    ASSIGNED,
    AWAITING_CITIZEN,
    CLOSED,
    IN_PROGRESS,
    NEW,
    PROTECTION_QUEUE,
    REOPENED,
    TOP_LEVEL,
)
from bot.tickets.deadlines import level_deadline, local_date_text
from bot.tickets.lifecycle import (
    EscalationLimit,
    TicketClosedError,
    TicketError,
    check_transition,
)
from bot.tickets.models import OmbudsmanReferral, Ticket, TicketEvent
from bot.tickets.routing import level_queue, place_of

log = logging.getLogger(__name__)


def record(
    session: Session,
    ticket: Ticket,
    kind: str,
    actor: str,
    now: datetime,
    note: Optional[str] = None,
    internal: bool = False,
    **fields: object,
) -> TicketEvent:
    """Append a history entry; `queue` defaults to the ticket's queue before the change."""
    fields.setdefault("queue", ticket.queue)
    entry = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor=actor,
        kind=kind,
        note=note,
        internal=internal,
        **fields,
    )
    session.add(entry)
    session.flush()  # the id keys the outbox message; the ticket's version check runs now
    return entry


def _tell(
    session: Session,
    ticket: Ticket,
    entry: TicketEvent,
    response: str,
    now: datetime,
    config: Optional[TicketConfig] = None,
    language: Optional[str] = None,
    **params: object,
) -> None:
    if config is not None and ticket.deadline_at is not None:
        params.setdefault("deadline", local_date_text(ticket.deadline_at, config.sla))
    notify.queue_message(
        session, ticket, response, f"event:{entry.id}", now, language=language, **params
    )


def _move_up(ticket: Ticket, level: int, now: datetime, config: TicketConfig) -> None:
    if ticket.queue == PROTECTION_QUEUE:
        # A protection case never reaches the offices of the place it happened in.
        queue, actual = PROTECTION_QUEUE, max(ticket.level, level)
    else:
        place = place_of(config.routing, ticket.district, ticket.tehsil, ticket.programme)
        queue, actual = level_queue(config.routing, level, place)
    ticket.queue = queue
    ticket.level = actual
    ticket.assigned_to = None
    ticket.deadline_at = level_deadline(config.sla, actual, ticket.category, ticket.priority, now)


_TELL_ON_STATE = {
    AWAITING_CITIZEN: notify.RESOLVED_CONFIRM,
    CLOSED: notify.CLOSED,
    REOPENED: notify.REOPENED,
}


def transition(
    session: Session,
    ticket: Ticket,
    to_state: str,
    actor: str,
    note: Optional[str] = None,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
) -> TicketEvent:
    """Move the ticket to `to_state`; InvalidTransition when the table refuses.

    Reopening always goes one level up (the fix did not work) with a new deadline.
    """
    now = now or utcnow()
    config = config or load_config()
    check_transition(ticket.number, ticket.state, to_state)
    from_state, from_level, from_queue = ticket.state, ticket.level, ticket.queue
    ticket.state = to_state
    ticket.updated_at = now
    if to_state == AWAITING_CITIZEN:
        ticket.resolved_at = now
    elif to_state == CLOSED:
        ticket.closed_at = now
        if ticket.closure is None and actor.startswith("staff:"):
            ticket.closure = "staff"
    elif to_state == REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.closure = None
        ticket.reopen_count = (ticket.reopen_count or 0) + 1
        _move_up(ticket, min(ticket.level + 1, TOP_LEVEL), now, config)
    elif from_state == AWAITING_CITIZEN:
        # Work resumes: the paused clock starts again from now.
        ticket.resolved_at = None
        ticket.deadline_at = level_deadline(
            config.sla, ticket.level, ticket.category, ticket.priority, now
        )
    entry = record(
        session,
        ticket,
        "state",
        actor,
        now,
        note=note,
        from_state=from_state,
        to_state=to_state,
        from_level=from_level,
        to_level=ticket.level,
        queue=from_queue,
    )
    response = _TELL_ON_STATE.get(to_state)
    if response == notify.RESOLVED_CONFIRM:
        _tell(session, ticket, entry, response, now, config, done=notify.summary(note))
    elif response:
        _tell(session, ticket, entry, response, now, config)
    log.info("ticket %s: %s -> %s by %s", ticket.number, from_state, to_state, actor)
    return entry


def assign(
    session: Session,
    ticket: Ticket,
    username: str,
    actor: str,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
) -> TicketEvent:
    """Give the ticket to a staff member; a new or reopened ticket becomes "assigned"."""
    now = now or utcnow()
    if ticket.state == CLOSED:
        raise TicketClosedError(f"ticket {ticket.number} is closed")
    from_state, previous = ticket.state, ticket.assigned_to
    to_state = from_state
    if from_state in (NEW, REOPENED, IN_PROGRESS):
        check_transition(ticket.number, from_state, ASSIGNED)
        to_state = ASSIGNED
    ticket.state = to_state
    ticket.assigned_to = username
    ticket.updated_at = now
    entry = record(
        session,
        ticket,
        "assigned",
        actor,
        now,
        note=f"{previous or '-'} -> {username}",
        internal=True,
        from_state=from_state,
        to_state=to_state,
    )
    if from_state in (NEW, REOPENED):
        _tell(session, ticket, entry, notify.ASSIGNED, now, config or load_config())
    return entry


def add_note(
    session: Session,
    ticket: Ticket,
    actor: str,
    note: str,
    internal: bool = True,
    now: Optional[datetime] = None,
) -> TicketEvent:
    """A note in the history; internal notes are for staff only."""
    now = now or utcnow()
    ticket.updated_at = now
    return record(session, ticket, "note", actor, now, note=note, internal=internal)


def staff_reply(
    session: Session,
    ticket: Ticket,
    actor: str,
    text: str,
    language: Optional[str] = None,
    now: Optional[datetime] = None,
) -> TicketEvent:
    """A message from staff to the citizen: in the history and queued in the outbox."""
    now = now or utcnow()
    if ticket.state == CLOSED:
        raise TicketClosedError(f"ticket {ticket.number} is closed")
    if not text.strip():
        raise TicketError("a reply needs text")
    ticket.updated_at = now
    entry = record(session, ticket, "staff_reply", actor, now, note=text)
    _tell(session, ticket, entry, notify.STAFF_REPLY, now, language=language, text=text)
    return entry


def resolve(
    session: Session,
    ticket: Ticket,
    actor: str,
    note: str,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
) -> TicketEvent:
    """The office says it is solved: ask the citizen to confirm."""
    return transition(session, ticket, AWAITING_CITIZEN, actor, note, now, config)


def escalate(
    session: Session,
    ticket: Ticket,
    actor: str,
    reason: str,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
) -> TicketEvent:
    """One level up the chain (tehsil -> district -> region -> head office), new deadline."""
    now = now or utcnow()
    config = config or load_config()
    if ticket.state == CLOSED:
        raise TicketClosedError(f"ticket {ticket.number} is closed")
    if ticket.level >= TOP_LEVEL:
        raise EscalationLimit(f"ticket {ticket.number} is already at the head office")
    from_level, from_queue = ticket.level, ticket.queue
    _move_up(ticket, ticket.level + 1, now, config)
    ticket.updated_at = now
    entry = record(
        session,
        ticket,
        "escalated",
        actor,
        now,
        note=f"{reason} ({from_queue} -> {ticket.queue})",
        from_level=from_level,
        to_level=ticket.level,
        from_state=ticket.state,
        to_state=ticket.state,
        queue=from_queue,
    )
    _tell(session, ticket, entry, notify.ESCALATED, now, config)
    log.info("ticket %s escalated %s -> %s", ticket.number, from_queue, ticket.queue)
    return entry


def refer_to_ombudsman(
    session: Session,
    ticket: Ticket,
    actor: str,
    reason: str,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
) -> OmbudsmanReferral:
    """Send an unresolved ticket to the Federal Ombudsman (Wafaqi Mohtasib), once."""
    now = now or utcnow()
    config = config or load_config()
    if ticket.ombudsman_referred_at is not None:
        raise TicketError(f"ticket {ticket.number} was already referred")
    if ticket.state == CLOSED:
        raise TicketClosedError(f"ticket {ticket.number} is closed")
    reference = f"WM-{ticket.number[len('PCMS-') :]}"
    referral = OmbudsmanReferral(
        ticket_id=ticket.id, referred_at=now, reference=reference, reason=reason
    )
    session.add(referral)
    ticket.ombudsman_referred_at = now
    ticket.updated_at = now
    entry = record(session, ticket, "referral", actor, now, note=f"{reference}: {reason}")
    _tell(
        session,
        ticket,
        entry,
        notify.OMBUDSMAN,
        now,
        reference=reference,
        days=int(config.sla.ombudsman_after_days),
    )
    log.info("ticket %s referred to the Ombudsman as %s", ticket.number, reference)
    return referral
