"""Which tickets a staff user may see: their districts and their queue kinds.

Protection cases are the exception: only the protection role and admins see them,
whatever their districts and queue kinds say, so a local office never learns who
reported it.
"""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from bot.console.models import StaffUser
from bot.tickets.constants import PROTECTION_QUEUE

PROTECTION_ROLES = ("protection", "admin")
# Broadcasters write announcements; they see no citizen's ticket.
NO_TICKET_ROLES = ("broadcaster",)


def sees_protection(user: StaffUser) -> bool:
    """True for the protection role and admins."""
    return bool(user.active) and user.role in PROTECTION_ROLES


def queue_kind(queue: Optional[str]) -> str:
    """'payments' from 'payments:Quetta', 'head_office' from 'head_office'."""
    return (queue or "").split(":", 1)[0]


def can_see(user: StaffUser, ticket: Any) -> bool:
    """True when `ticket` is in the user's districts and one of their queue kinds."""
    if not user.active or user.role in NO_TICKET_ROLES:
        return False
    if ticket.queue == PROTECTION_QUEUE:
        return sees_protection(user)
    if not user.all_districts and ticket.district not in user.district_list:
        return False
    return user.all_queues or queue_kind(ticket.queue) in user.queue_list


def scope_clause(user: StaffUser, ticket_cls: Any) -> ColumnElement:
    """The same rule as `can_see`, as a SQL condition on the ticket table."""
    if not user.active or user.role in NO_TICKET_ROLES:
        return false()
    protected = ticket_cls.queue == PROTECTION_QUEUE
    clause = _ordinary_clause(user, ticket_cls)
    if sees_protection(user):
        return or_(protected, clause)
    return ~protected & clause


def _ordinary_clause(user: StaffUser, ticket_cls: Any) -> ColumnElement:
    conditions = []
    if not user.all_districts:
        conditions.append(ticket_cls.district.in_(user.district_list))
    if not user.all_queues:
        kinds = user.queue_list
        parts = [ticket_cls.queue.like(f"{kind}:%") for kind in kinds if kind != "head_office"]
        if "head_office" in kinds:
            parts.append(ticket_cls.queue == "head_office")
        conditions.append(or_(*parts) if parts else false())
    if not conditions:
        return true()
    clause = conditions[0]
    for c in conditions[1:]:
        clause = clause & c
    return clause


def sees_patterns(user: StaffUser) -> bool:
    """Pattern cases are for admins, supervisors and the integrity desk."""
    if not user.active or user.role in NO_TICKET_ROLES:
        return False
    return user.role in ("admin", "supervisor") or "integrity" in user.queue_list


def patterns_clause(user: StaffUser, case_cls: Any) -> ColumnElement:
    """The pattern cases a user may see: the ticket rule on the case's queue and district."""
    return scope_clause(user, case_cls) if sees_patterns(user) else false()
