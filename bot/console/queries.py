"""Ticket look-ups for the console, always within the signed-in user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, List, Mapping, Optional

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.scope import can_see, scope_clause
from bot.tickets import service
from bot.tickets.constants import ACTIVE_STATES, CATEGORIES, OPEN_STATES, STATES
from bot.tickets.models import Ticket

PAGE_SIZE = 100


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters, as typed in the URL (?status=&category=&...)."""

    status: str = "open"  # a state, "open" or "all"
    category: str = ""
    district: str = ""
    programme: str = ""
    overdue: bool = False
    mine: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> QueueFilter:
        status = str(params.get("status") or "open")
        if status not in STATES and status not in ("open", "all"):
            status = "open"
        category = str(params.get("category") or "")
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            page = 1
        return cls(
            status=status,
            category=category if category in CATEGORIES else "",
            district=str(params.get("district") or "")[:64],
            programme=str(params.get("programme") or "")[:64],
            overdue=str(params.get("overdue") or "") in ("1", "on", "true", "yes"),
            mine=str(params.get("mine") or "") in ("1", "on", "true", "yes"),
            page=page,
        )

    def query_string(self, **override: Any) -> str:
        """These filters as a URL query, for links and the CSV export."""
        from urllib.parse import urlencode

        values = {
            "status": self.status,
            "category": self.category,
            "district": self.district,
            "programme": self.programme,
            "overdue": "1" if self.overdue else "",
            "mine": "1" if self.mine else "",
        }
        values.update({k: v for k, v in override.items()})
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _filtered(user: StaffUser, flt: QueueFilter, now: datetime) -> Any:
    query = select(Ticket).where(scope_clause(user, Ticket))
    if flt.status == "open":
        query = query.where(Ticket.state.in_(OPEN_STATES))
    elif flt.status != "all":
        query = query.where(Ticket.state == flt.status)
    if flt.category:
        query = query.where(Ticket.category == flt.category)
    if flt.district:
        query = query.where(Ticket.district == flt.district)
    if flt.programme:
        query = query.where(Ticket.programme == flt.programme)
    if flt.overdue:
        query = query.where(Ticket.state.in_(ACTIVE_STATES), Ticket.deadline_at < now)
    if flt.mine:
        query = query.where(Ticket.assigned_to == user.username)
    return query


def list_tickets(
    session: Session,
    user: StaffUser,
    flt: QueueFilter,
    now: Optional[datetime] = None,
    limit: Optional[int] = PAGE_SIZE,
) -> List[Ticket]:
    """Tickets in scope matching the filters, soonest deadline first (none last)."""
    query = _filtered(user, flt, now or now_utc()).order_by(
        Ticket.deadline_at.is_(None), Ticket.deadline_at, Ticket.id
    )
    if limit:
        query = query.limit(limit).offset((flt.page - 1) * limit)
    return list(session.execute(query).scalars())


def count_tickets(
    session: Session, user: StaffUser, flt: QueueFilter, now: Optional[datetime] = None
) -> int:
    sub = _filtered(user, flt, now or now_utc()).subquery()
    return int(session.execute(select(func.count()).select_from(sub)).scalar_one())


def ticket_in_scope(session: Session, user: StaffUser, number: str) -> Optional[Ticket]:
    """The ticket, or None when it does not exist or is outside the user's scope."""
    ticket = service.get_ticket(session, number)
    return ticket if ticket is not None and can_see(user, ticket) else None


def choices(session: Session, user: StaffUser, column: Any) -> List[str]:
    """Distinct values of a ticket column within scope, for the filter menus."""
    rows = session.execute(
        select(distinct(column)).where(scope_clause(user, Ticket), column.isnot(None))
    ).scalars()
    return sorted(str(v) for v in rows if v)


def staff_for_ticket(session: Session, ticket: Ticket) -> List[StaffUser]:
    """Active staff who can see the ticket: the people it may be assigned to."""
    users = session.execute(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.username)
    ).scalars()
    return [u for u in users if can_see(u, ticket)]
