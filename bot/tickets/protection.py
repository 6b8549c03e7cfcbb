"""Protection cases: the retaliation check when a citizen reports the same agent or office again.

A citizen who reported abuse, a demand for favours or a threat is at risk from the
people she named. When the same citizen (same CNIC, or the same conversation when she
gave none) files again about the same agent or the same office, and either report is a
protection case, the new ticket is flagged so the protection desk looks at both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bot.tickets.constants import PROTECTION
from bot.tickets.models import Ticket
from bot.tickets.workflow import record


def _same_citizen(ticket: Ticket):  # type: ignore[no-untyped-def]
    if ticket.cnic:
        return Ticket.cnic == ticket.cnic
    if ticket.sender_id:
        return and_(Ticket.sender_id == ticket.sender_id, Ticket.channel == ticket.channel)
    return None


def _agent(name: Optional[str]) -> str:
    return " ".join((name or "").casefold().split())


def earlier_report(session: Session, ticket: Ticket) -> Optional[Ticket]:
    """An earlier ticket of this citizen about the same agent or office, if either is protection."""
    citizen = _same_citizen(ticket)
    if citizen is None:
        return None
    query = select(Ticket).where(citizen, Ticket.id != ticket.id)
    if ticket.category != PROTECTION:
        query = query.where(Ticket.category == PROTECTION)
    for earlier in session.execute(query.order_by(Ticket.created_at.desc())).scalars():
        same_agent = _agent(ticket.agent_name) and _agent(ticket.agent_name) == _agent(
            earlier.agent_name
        )
        same_office = (
            ticket.district
            and ticket.district == earlier.district
            and (not ticket.tehsil or not earlier.tehsil or ticket.tehsil == earlier.tehsil)
        )
        if same_agent or same_office:
            return earlier
    return None


def check_retaliation(session: Session, ticket: Ticket, actor: str, now: datetime) -> bool:
    """Flag `ticket` when its citizen reported the same agent or office before."""
    earlier = earlier_report(session, ticket)
    if earlier is None:
        return False
    ticket.retaliation_flag = True
    record(
        session,
        ticket,
        "note",
        actor,
        now,
        note=f"possible retaliation: the same citizen reported the same agent or office in {earlier.number}",
        internal=True,
    )
    return True
