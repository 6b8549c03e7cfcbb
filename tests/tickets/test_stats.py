"""Queue figures: a reopened ticket counts against the queue that resolved it."""

from __future__ import annotations

from datetime import timedelta

from bot.tickets.service import confirm_resolution, open_ticket, resolve
from bot.tickets.stats import queue_stats
from bot.tickets.workflow import refer_to_ombudsman
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config


def test_queue_figures(session, tmp_path):
    config = ticket_config(tmp_path)
    t = MONDAY_10AM
    tickets = [
        open_ticket(session, deduction(cnic=f"35202{i:07d}1"), t, config).ticket for i in range(4)
    ]
    other = open_ticket(
        session, deduction(district="Lahore", tehsil=None, cnic="6110112345671"), t, config
    ).ticket
    # Two resolved by the Muzaffargarh integrity desk after 4 and 8 hours; one of them
    # was not really solved and moves up to the region.
    resolve(session, tickets[0], "staff:sadia", "refunded", t + timedelta(hours=4), config)
    resolve(session, tickets[1], "staff:sadia", "refunded", t + timedelta(hours=8), config)
    confirm_resolution(session, tickets[0].number, True, now=t + timedelta(hours=9), config=config)
    confirm_resolution(session, tickets[1].number, False, now=t + timedelta(hours=9), config=config)
    refer_to_ombudsman(session, tickets[2], "scheduler", "30 days", t + timedelta(days=30), config)

    now = t + timedelta(days=3)  # past the 2-day deadline of the untouched ones
    stats = {s.queue: s for s in queue_stats(session, now=now)}

    desk = stats["integrity:Muzaffargarh"]
    assert (desk.open, desk.overdue, desk.resolved, desk.reopened) == (2, 2, 2, 1)
    assert desk.reopen_rate == 0.5
    assert desk.median_hours_to_resolve == 6.0
    assert desk.ombudsman_referrals == 1
    region = stats["region:South Punjab"]
    assert (region.open, region.overdue, region.reopened) == (1, 0, 0)
    assert stats["integrity:Lahore"].open == 1 and other.queue == "integrity:Lahore"

    (only,) = queue_stats(session, "integrity:Lahore", now=now)
    assert (only.queue, only.open, only.reopen_rate) == ("integrity:Lahore", 1, None)
    (empty,) = queue_stats(session, "registry:Quetta", now=now)
    assert (empty.open, empty.overdue, empty.median_hours_to_resolve) == (0, 0, None)
