"""The ticket service API: open, find, list and answer tickets (callers commit)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.identifiers import (
    mask_cnic,
    normalise_cnic,
    normalise_phone,
    normalise_ticket_number,
    random_ticket_number,
)
from bot.language.i18n import LANGUAGES
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import (
    ACTOR_ASSISTANT,
    ACTOR_CITIZEN,
    CATEGORIES,
    CHANNELS,
    CLOSED,
    NEW,
    PROTECTION,
    REOPENED,
)
from bot.tickets.deadlines import priority_for, ticket_deadline
from bot.tickets.duplicates import find_duplicate
from bot.tickets.lifecycle import TicketClosedError, TicketNotFound
from bot.tickets.models import Ticket, TicketEvent
from bot.tickets.protection import check_retaliation
from bot.tickets.routing import place_of, route
from bot.tickets.workflow import (  # noqa: F401  (re-exported: the one place to import from)
    add_note,
    assign,
    escalate,
    record,
    refer_to_ombudsman,
    resolve,
    staff_reply,
    transition,
)

log = logging.getLogger(__name__)


@dataclass
class NewTicket:
    """A complaint as the assistant (or a staff member on the phone) took it down."""

    category: str
    description: str = ""
    cnic: Optional[str] = None
    phone: Optional[str] = None
    programme: Optional[str] = None
    district: Optional[str] = None
    tehsil: Optional[str] = None
    amount: Optional[int] = None
    location_text: str = ""
    incident_date_text: str = ""
    agent_name: Optional[str] = None
    channel: str = "rest"
    sender_id: Optional[str] = None
    language: str = "roman_ur"
    escalated: bool = False
    vulnerable: bool = False
    actor: str = ACTOR_ASSISTANT


@dataclass
class OpenResult:
    ticket: Ticket
    joined: bool  # True: the complaint repeated an open ticket and was added to it


def _validated(new: NewTicket) -> NewTicket:
    if new.category not in CATEGORIES:
        raise ValueError(f"unknown ticket category {new.category!r}")
    if new.language not in LANGUAGES:
        raise ValueError(f"unknown language {new.language!r}")
    if new.channel not in CHANNELS:
        raise ValueError(f"unknown channel {new.channel!r}")
    cnic = normalise_cnic(new.cnic) if new.cnic else None
    if new.cnic and not cnic:
        raise ValueError("invalid CNIC")
    phone = normalise_phone(new.phone) if new.phone else None
    if new.phone and not phone:
        raise ValueError("invalid phone number")
    if new.amount is not None and new.amount < 0:
        raise ValueError("amount cannot be negative")
    new.cnic, new.phone = cnic, phone
    return new


def _unused_number(session: Session) -> str:
    for _ in range(20):
        number = random_ticket_number()
        taken = session.execute(select(Ticket.id).where(Ticket.number == number)).first()
        if not taken:
            return number
    raise RuntimeError("could not find an unused ticket number")


def _one_complaint_at_a_time(session: Session, cnic: str) -> None:
    """Serialise opening tickets for one citizen until this transaction ends.

    Two replicas handling two messages of the same citizen at once would both find no
    open ticket and both open one. On PostgreSQL a transaction-scoped advisory lock on
    the CNIC makes the second wait for the first to commit, then join its ticket.
    The embedded SQLite default runs one action server; there the race would need two
    conversations of one citizen within the same milliseconds, and is left alone.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"madadgar-ticket:{cnic}".encode(), digest_size=8).digest()
    session.execute(
        text("SELECT pg_advisory_xact_lock(:key)"),
        {"key": int.from_bytes(digest, "big", signed=True)},
    )


def open_ticket(
    session: Session,
    new: NewTicket,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
    join_others: bool = True,
) -> OpenResult:
    """Open a ticket, or join the open one it repeats (same CNIC and category, alike text).

    With `join_others` False (a complainant who has not proved the CNIC), a repeat of
    another conversation's ticket gets a ticket of its own, linked to that one in both
    histories: telling her the other number would hand her someone else's case."""
    now = now or utcnow()
    config = config or load_config()
    new = _validated(new)
    place = place_of(config.routing, new.district, new.tehsil, new.programme)
    _one_complaint_at_a_time(session, new.cnic)
    existing = find_duplicate(session, config.routing, new.cnic, new.category, new.description, now)
    linked_to: Optional[Ticket] = None
    if existing is not None and not join_others and existing.sender_id != new.sender_id:
        linked_to, existing = existing, None
    if existing is not None:
        existing.updated_at = now
        for attr in ("amount", "agent_name", "phone", "programme"):
            if getattr(existing, attr) is None and getattr(new, attr) is not None:
                setattr(existing, attr, getattr(new, attr))
        if new.vulnerable:
            existing.vulnerable = True
        record(
            session, existing, "joined", new.actor, now, note=new.description, channel=new.channel
        )
        if existing.category == PROTECTION and not existing.retaliation_flag:
            existing.retaliation_flag = True  # she had to report the same thing again
        log.info("complaint of %s joined ticket %s", mask_cnic(new.cnic), existing.number)
        return OpenResult(existing, True)

    chosen = route(config.routing, new.category, new.programme, new.district, new.tehsil)
    priority = priority_for(config.sla, new.category, new.vulnerable)
    ticket = Ticket(
        number=_unused_number(session),
        cnic=new.cnic,
        phone=new.phone,
        category=new.category,
        programme=new.programme,
        district=place.district,
        tehsil=place.tehsil,
        description=new.description or "",
        amount=new.amount,
        location_text=new.location_text or "",
        incident_date_text=new.incident_date_text or "",
        agent_name=new.agent_name,
        state=NEW,
        priority=priority,
        level=chosen.level,
        queue=chosen.queue,
        routing_rule=chosen.rule_id,
        deadline_at=ticket_deadline(config.sla, new.category, priority, now),
        created_at=now,
        updated_at=now,
        channel=new.channel,
        sender_id=new.sender_id,
        language=new.language,
        escalated=new.escalated,
        vulnerable=new.vulnerable,
        reopen_count=0,
    )
    session.add(ticket)
    session.flush()
    record(
        session,
        ticket,
        "created",
        new.actor,
        now,
        note=new.description,
        to_state=NEW,
        to_level=ticket.level,
        channel=new.channel,
    )
    if linked_to is not None:
        note = "same CNIC and problem as {}, opened from another conversation"
        record(session, ticket, "note", new.actor, now, note=note.format(linked_to.number))
        record(session, linked_to, "note", new.actor, now, note=note.format(ticket.number))
    check_retaliation(session, ticket, new.actor, now)
    log.info(
        "ticket %s opened: %s for %s -> %s (rule %s, priority %d)",
        ticket.number,
        ticket.category,
        mask_cnic(ticket.cnic),
        ticket.queue,
        ticket.routing_rule,
        priority,
    )
    return OpenResult(ticket, False)


def get_ticket(session: Session, number: str) -> Optional[Ticket]:
    """The ticket with this number as a citizen may type it ("pcms 12345678"), or None."""
    canonical = normalise_ticket_number(number or "")
    if canonical is None:
        return None
    return session.execute(select(Ticket).where(Ticket.number == canonical)).scalar_one_or_none()


def require_ticket(session: Session, number: str) -> Ticket:
    ticket = get_ticket(session, number)
    if ticket is None:
        raise TicketNotFound(f"no ticket {number!r}")
    return ticket


def tickets_for_cnic(session: Session, cnic: str, open_only: bool = False) -> List[Ticket]:
    """A citizen's tickets, newest first."""
    digits = normalise_cnic(cnic or "")
    if digits is None:
        return []
    query = select(Ticket).where(Ticket.cnic == digits)
    if open_only:
        query = query.where(Ticket.state != CLOSED)
    return list(
        session.execute(query.order_by(Ticket.created_at.desc(), Ticket.id.desc())).scalars()
    )


def confirm_resolution(
    session: Session,
    number: str,
    solved: Optional[bool],
    actor: str = ACTOR_CITIZEN,
    now: Optional[datetime] = None,
    config: Optional[TicketConfig] = None,
    rating: Optional[int] = None,
) -> Ticket:
    """The citizen's verdict on a resolution: closes, or opens an appeal one level up.

    A rating of 1-5 decides by itself (at or below `appeal_max_rating` is an appeal);
    without one, "solved" closes and "not solved" appeals.
    """
    now = now or utcnow()
    config = config or load_config()
    ticket = require_ticket(session, number)
    if rating is not None:
        if not 1 <= rating <= 5:
            raise ValueError(f"a rating is 1 to 5, not {rating}")
        ticket.rating, ticket.rated_at = rating, now
        record(session, ticket, "rating", actor, now, note=f"{rating}/5")
        solved = rating > config.sla.appeal_max_rating
    if solved:
        ticket.closure = "rated" if rating is not None else "confirmed"
        note = (
            f"citizen rated it {rating}/5"
            if rating is not None
            else "citizen confirmed it is solved"
        )
        transition(session, ticket, CLOSED, actor, note, now, config)
    else:
        ticket.appeal_count = (ticket.appeal_count or 0) + 1
        reason = f"rated {rating}/5" if rating is not None else "citizen says it is not solved"
        transition(session, ticket, REOPENED, actor, f"appeal: {reason}", now, config)
    return ticket


def add_citizen_message(
    session: Session,
    number: str,
    text: str,
    channel: str,
    now: Optional[datetime] = None,
) -> Ticket:
    """More information from the citizen on an open ticket, kept in its history."""
    now = now or utcnow()
    ticket = require_ticket(session, number)
    if ticket.state == CLOSED:
        raise TicketClosedError(f"ticket {ticket.number} is closed")
    ticket.updated_at = now
    record(session, ticket, "citizen_message", ACTOR_CITIZEN, now, note=text, channel=channel)
    return ticket


def history(session: Session, ticket: Ticket, include_internal: bool = True) -> List[TicketEvent]:
    """Everything that happened to the ticket, oldest first."""
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
    if not include_internal:
        query = query.where(TicketEvent.internal.is_(False))
    return list(session.execute(query.order_by(TicketEvent.at, TicketEvent.id)).scalars())
