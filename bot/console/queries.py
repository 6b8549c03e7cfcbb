"""Ticket look-ups for the console, always within the signed-in user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, List, Mapping, Optional

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.scope import can_see, scope_clause
from bot.tickets import queries, service, stats
from bot.tickets.constants import CATEGORIES, STATES
from bot.tickets.models import Ticket
from bot.tickets.queries import TicketFilter
from bot.tickets.satisfaction import Satisfaction, satisfaction_by
from bot.tickets.stats import Dashboard

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

    def tickets_filter(self, user: StaffUser) -> TicketFilter:
        """The filter as the ticket service takes it ("mine" is the signed-in user)."""
        return TicketFilter(
            status=self.status,
            category=self.category,
            district=self.district,
            programme=self.programme,
            overdue=self.overdue,
            assigned_to=user.username if self.mine else "",
        )


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def list_tickets(
    session: Session,
    user: StaffUser,
    flt: QueueFilter,
    now: Optional[datetime] = None,
    limit: Optional[int] = PAGE_SIZE,
) -> List[Ticket]:
    """Tickets in scope matching the filters, soonest deadline first (none last)."""
    return queries.list_tickets(
        session,
        flt.tickets_filter(user),
        now or now_utc(),
        scope_clause(user, Ticket),
        limit=limit,
        offset=(flt.page - 1) * (limit or 0),
    )


def count_tickets(
    session: Session, user: StaffUser, flt: QueueFilter, now: Optional[datetime] = None
) -> int:
    return queries.count_tickets(
        session, flt.tickets_filter(user), now or now_utc(), scope_clause(user, Ticket)
    )


def satisfaction(
    session: Session, user: StaffUser, flt: QueueFilter, now: datetime, by: str
) -> List[Satisfaction]:
    """Satisfaction, appeals and reopenings per desk or district, over the user's scope."""
    return satisfaction_by(session, by, flt.tickets_filter(user), now, scope_clause(user, Ticket))


def dashboard(session: Session, user: StaffUser, flt: QueueFilter, now: datetime) -> Dashboard:
    """The dashboard figures over every ticket the user may see that matches `flt`."""
    return stats.dashboard(session, flt.tickets_filter(user), now, scope_clause(user, Ticket))


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
