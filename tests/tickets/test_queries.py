"""What a queue lists: filters, overdue, scope, the nearest deadline first."""

from __future__ import annotations

from datetime import timedelta

from bot.tickets.models import Ticket
from bot.tickets.queries import TicketFilter, count_tickets, is_overdue, list_tickets
from bot.tickets.service import open_ticket, transition
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config


def test_lists_are_filtered_scoped_and_sorted_by_deadline(session, tmp_path):
    config = ticket_config(tmp_path)
    t = MONDAY_10AM
    survey = open_ticket(
        session,
        deduction(category="update_details", description="survey", district="Lahore", tehsil=None),
        t,
        config,
    ).ticket
    scam = open_ticket(
        session,
        deduction(category="scam", description="fake sms", district="Lahore", tehsil=None),
        t,
        config,
    ).ticket
    mzg = open_ticket(session, deduction(), t, config).ticket
    done = open_ticket(
        session, deduction(category="payment_not_received", description="x"), t, config
    ).ticket
    transition(session, done, "closed", "staff:sadia", "paid", t, config)
    now = t + timedelta(days=2)  # the scam (24 h) is overdue; the deduction (Wed 10:00) not yet

    def numbers(scope=None, limit=None, **f):
        return [x.number for x in list_tickets(session, TicketFilter(**f), now, scope, limit)]

    assert numbers(status="all") == [scam.number, mzg.number, done.number, survey.number]
    assert numbers() == [scam.number, mzg.number, survey.number]
    assert numbers(status="closed") == [done.number]
    assert numbers(overdue=True) == [scam.number]
    assert numbers(district="Lahore", category="scam") == [scam.number]
    integrity = Ticket.queue.like("integrity:%")
    assert numbers(scope=integrity) == [scam.number, mzg.number]
    assert numbers(scope=integrity, district="Muzaffargarh") == [mzg.number]
    assert numbers(limit=1) == [scam.number]
    assert count_tickets(session, TicketFilter(), now, integrity) == 2
    assert [is_overdue(x.state, x.deadline_at, now) for x in (scam, mzg, done)] == [
        True,
        False,
        False,
    ]
