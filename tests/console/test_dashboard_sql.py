"""The dashboard's figures, counted by the database, match the tickets one by one."""

from __future__ import annotations

import statistics
from datetime import timedelta

from bot.console.models import StaffUser
from bot.console.queries import QueueFilter, dashboard
from bot.core import db
from bot.tickets.models import Ticket
from tests.tickets.helpers import MONDAY_10AM

DAY = timedelta(days=1)


def _ticket(i: int, **fields) -> Ticket:
    values = dict(
        number=f"PCMS-{i:08d}",
        category="deduction",
        district="Muzaffargarh",
        queue="tehsil:Muzaffargarh",
        routing_rule="test",
        state="new",
        created_at=MONDAY_10AM,
        updated_at=MONDAY_10AM,
        deadline_at=MONDAY_10AM + 3 * DAY,
    )
    values.update(fields)
    return Ticket(**values)


TICKETS = [
    lambda: _ticket(1),  # open, in time
    lambda: _ticket(2, state="assigned", deadline_at=MONDAY_10AM - DAY),  # open, overdue
    lambda: _ticket(3, category="non_payment", district=None),  # open, no district
    lambda: _ticket(4, state="awaiting_citizen", resolved_at=MONDAY_10AM + 2 * DAY),
    lambda: _ticket(5, state="closed", resolved_at=MONDAY_10AM + 5 * DAY, reopen_count=1),
    lambda: _ticket(6, state="closed", resolved_at=MONDAY_10AM + DAY, escalated=True),
    lambda: _ticket(
        7,
        category="non_payment",
        state="closed",
        resolved_at=MONDAY_10AM + 4 * DAY,
        deadline_at=None,
    ),
    lambda: _ticket(8, district="Quetta", queue="tehsil:Quetta"),
    lambda: _ticket(9, state="reopened", ombudsman_referred_at=MONDAY_10AM, reopen_count=2),
]
NOW = MONDAY_10AM + timedelta(hours=1)


def test_a_district_supervisors_dashboard_counts_only_their_tickets(db_url):
    with db.session_scope(db_url) as s:
        s.add_all(make() for make in TICKETS)
    supervisor = StaffUser(
        username="sup", role="supervisor", districts="Muzaffargarh", queues="*", active=True
    )
    with db.session_scope(db_url) as s:
        out = dashboard(s, supervisor, QueueFilter(), NOW)
    assert (out.total, out.open, out.open_overdue) == (7, 4, 1)  # awaiting citizen is open
    assert (out.resolved, out.resolved_in_time) == (4, 3)  # 5 was late; 7 had no deadline
    assert (out.reopened, out.escalated, out.ombudsman) == (2, 1, 1)
    assert out.open_by_category == [("deduction", 4)]
    assert out.open_by_district == [("Muzaffargarh", 4)]
    assert out.median_resolve_seconds == statistics.median([48, 120, 24, 96]) * 3600


def test_the_median_of_an_odd_count_and_tickets_without_a_district(db_url):
    with db.session_scope(db_url) as s:
        s.add_all(make() for make in TICKETS)
    admin = StaffUser(username="admin", role="admin", districts="*", queues="*", active=True)
    with db.session_scope(db_url) as s:
        everything = dashboard(s, admin, QueueFilter(), NOW)
        deductions = dashboard(s, admin, QueueFilter(category="deduction"), NOW)
    assert everything.total == 9
    assert everything.open_by_district == [("Muzaffargarh", 4), ("Quetta", 1), ("unknown", 1)]
    assert everything.open_by_category == [("deduction", 5), ("non_payment", 1)]
    assert deductions.median_resolve_seconds == 48 * 3600  # of 24, 48 and 120 hours
