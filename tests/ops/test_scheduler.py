"""The in-process scheduler thread: it runs the passes on its own and stops when asked."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.core import db
from bot.core.settings import reset_settings
from bot.ops.scheduler import Scheduler
from bot.tickets.service import get_ticket, open_ticket
from tests.tickets.helpers import MONDAY_10AM, RecordingSender, deduction


def test_the_scheduler_escalates_and_delivers_in_the_background(db_url, monkeypatch):
    factory = db.session_factory(db_url)
    with factory() as s:
        number = open_ticket(s, deduction(), MONDAY_10AM).ticket.number
        s.commit()
    sender = RecordingSender()
    clock_at = MONDAY_10AM + timedelta(days=3)  # past the two-day deadline
    scheduler = Scheduler(
        factory, interval_seconds=0.05, clock=lambda: clock_at, senders={"twilio": sender}
    )
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while scheduler.runs < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scheduler.stop()
    assert not scheduler.running
    assert scheduler.runs >= 3
    runs = scheduler.runs
    time.sleep(0.2)
    assert scheduler.runs == runs  # stopped means stopped

    with factory() as s:
        ticket = get_ticket(s, number)
        assert ticket.level == 2  # escalated once, not once per tick
    assert len(sender.sent) == 1 and "bare daftar" in sender.sent[0][1]


def test_the_interval_comes_from_settings(db_url, monkeypatch):
    monkeypatch.setenv("SCHEDULER_INTERVAL_SECONDS", "7")
    reset_settings()
    assert Scheduler(db.session_factory(db_url)).interval == 7
