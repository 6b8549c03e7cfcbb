"""A new complaint's cause, household and payment point; it joins its point's open case."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Dict, FrozenSet, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.districts import find_district, load_districts
from bot.patterns import points
from bot.patterns.cases import link_tickets, open_point_case
from bot.patterns.causes import Taxonomy, cause_of, load_taxonomy
from bot.patterns.models import PaymentPoint
from bot.patterns.rules import PatternRules
from bot.registry.models import Person
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import ACTOR_ASSISTANT, PROTECTION
from bot.tickets.models import Ticket
from bot.tickets.workflow import record

_ignored: Dict[Tuple[int, Optional[str]], FrozenSet[str]] = {}


def _digest(value: str) -> str:
    return hashlib.blake2b(value.encode(), digest_size=8, person=b"mdg-household").hexdigest()


def household_key(session: Session, ticket: Ticket) -> str:
    """The household a complaint came from: the registry's, else one per CNIC or sender.

    Two members of one household complaining about one retailer are one household; a
    complaint without a CNIC counts its phone or conversation as a household of its own.
    Kept as a digest: the key groups complaints, it must not be a second copy of a CNIC.
    """
    if ticket.cnic:
        household = session.execute(
            select(Person.household_id).where(Person.cnic == ticket.cnic).limit(1)
        ).scalar()
        return f"hh:{household}" if household else "cnic:" + _digest(ticket.cnic)
    for source in (ticket.phone, ticket.sender_id):
        if source:
            return "from:" + _digest(source)
    return f"ticket:{ticket.id}"


def _ignore(taxonomy: Taxonomy, config: TicketConfig, district: Optional[str]) -> FrozenSet[str]:
    key = (id(taxonomy), district)
    if key not in _ignored:
        known = find_district(district) if district else None
        if known is not None:
            places = [known.name, *known.tehsils]
        else:  # no district: any place name may be the one said
            places = sorted(
                {d.name for d in load_districts()}
                | {t for d in load_districts() for t in d.tehsils}
            )
        if len(_ignored) > 256:
            _ignored.clear()
        _ignored[key] = points.ignored_keys(taxonomy, places)
    return _ignored[key]


def find_point(
    session: Session,
    ticket: Ticket,
    now: datetime,
    rules: PatternRules,
    taxonomy: Taxonomy,
    config: TicketConfig,
) -> Optional[PaymentPoint]:
    """The payment point the complaint names: the registry's, or a name kept from before;
    a new name is kept when it could tell a point apart."""
    if not points.has_registry_points(session):
        points.refresh_registry_points(session, now)
    ignore = _ignore(taxonomy, config, ticket.district)
    nearby = points.points_near(session, ticket.district)
    named = " , ".join(t for t in (ticket.location_text, ticket.agent_name) if t)
    for text in (named, ticket.description):
        if text:
            point = points.best_point(nearby, text, ignore, ticket.tehsil, rules.match_score)
            if point is not None:
                return point
    if named and points.names_a_point(named, ignore):
        return points.new_complaint_point(session, named, ticket.district, ticket.tehsil, now)
    return None


def classify_and_link(
    session: Session,
    ticket: Ticket,
    now: datetime,
    rules: Optional[PatternRules] = None,
    taxonomy: Optional[Taxonomy] = None,
    config: Optional[TicketConfig] = None,
) -> Optional[PaymentPoint]:
    """Give the ticket its cause, household and payment point; join the point's open case.

    A protection case gets a cause but is never grouped: its reporter must stay unseen.
    """
    rules = rules or PatternRules.from_settings()
    taxonomy = taxonomy or load_taxonomy()
    config = config or load_config()
    if ticket.cause is None:
        words = " ".join(t for t in (ticket.description, ticket.location_text) if t)
        ticket.cause = cause_of(ticket.category, words, taxonomy)
        ticket.cause_set_by = ACTOR_ASSISTANT
    if ticket.id is None:
        session.flush()
    if ticket.household_key is None:
        ticket.household_key = household_key(session, ticket)
    if ticket.category == PROTECTION:
        return None
    if ticket.payment_point_id is None:
        point = find_point(session, ticket, now, rules, taxonomy, config)
        ticket.payment_point_id = point.id if point is not None else None
    else:
        point = session.get(PaymentPoint, ticket.payment_point_id)
    if point is not None:
        case = open_point_case(session, point)
        if case is not None:
            link_tickets(session, case, [ticket.id], now)
    return point


def set_cause(
    session: Session,
    ticket: Ticket,
    cause: str,
    actor: str,
    now: datetime,
    taxonomy: Optional[Taxonomy] = None,
) -> Optional[str]:
    """Staff correct the cause; the change goes into the ticket's internal history.

    Returns the cause it had (None when nothing changed).
    """
    taxonomy = taxonomy or load_taxonomy()
    if cause not in taxonomy.ids:
        raise ValueError(f"Unknown cause {cause!r}.")
    before = ticket.cause
    if before == cause:
        return None
    ticket.cause, ticket.cause_set_by, ticket.updated_at = cause, actor, now
    note = f"cause: {taxonomy.label(before)} -> {taxonomy.label(cause)}"
    record(session, ticket, "note", actor, now, note=note, internal=True)
    return before or "none"
