"""On a real PostgreSQL: two scheduler workers at once escalate each ticket exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from bot.core import db
from bot.core.outbox import OutboxMessage
from bot.tickets.escalation import EscalationSummary, run_escalation_pass
from bot.tickets.models import Ticket, TicketEvent
from bot.tickets.service import escalate, get_ticket, open_ticket
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config

pytestmark = pytest.mark.postgres

TICKETS = 40


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


@pytest.fixture()
def factory(pg_db_url):
    return db.session_factory(pg_db_url)


def _open_many(factory, config, count: int):
    cnics = [f"35202{i:07d}1" for i in range(count)]
    with factory() as s:
        for cnic in cnics:
            open_ticket(s, deduction(cnic=cnic), MONDAY_10AM, config)
        s.commit()
        return s.execute(select(func.max(Ticket.deadline_at))).scalar_one()


def _race(factory, config, lock_rows: bool, after) -> list:
    start = threading.Barrier(2)
    results: list = [None, None]

    def worker(i: int) -> None:
        start.wait()
        results[i] = run_escalation_pass(factory, after, config, lock_rows=lock_rows)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(r, EscalationSummary) for r in results)
    return results


@pytest.mark.parametrize("lock_rows", [True, False], ids=["skip-locked", "version-guard-only"])
def test_two_workers_escalate_each_ticket_exactly_once(factory, config, lock_rows):
    latest_deadline = _open_many(factory, config, TICKETS)
    after = latest_deadline + timedelta(minutes=1)

    a, b = _race(factory, config, lock_rows, after)

    assert len(a.escalated) + len(b.escalated) == TICKETS
    assert not set(a.escalated) & set(b.escalated)
    with factory() as s:
        levels = Counter(s.execute(select(Ticket.level)).scalars())
        per_ticket = Counter(
            s.execute(
                select(TicketEvent.ticket_id).where(TicketEvent.kind == "escalated")
            ).scalars()
        )
        messages = Counter(
            s.execute(
                select(OutboxMessage.ticket_id).where(
                    OutboxMessage.response == "utter_notify_ticket_escalated"
                )
            ).scalars()
        )
    assert levels == {2: TICKETS}  # integrity desk (1) -> region (2), not further
    assert set(per_ticket.values()) == {1} and len(per_ticket) == TICKETS
    assert set(messages.values()) == {1} and len(messages) == TICKETS


def test_the_version_guard_refuses_a_stale_escalation(factory, config):
    _open_many(factory, config, 1)
    first, second = factory(), factory()
    try:
        number = first.execute(select(Ticket.number)).scalar_one()
        mine, theirs = get_ticket(first, number), get_ticket(second, number)  # both read v1
        escalate(first, mine, "scheduler", "deadline passed", MONDAY_10AM, config)
        first.commit()
        with pytest.raises(StaleDataError):
            escalate(second, theirs, "scheduler", "deadline passed", MONDAY_10AM, config)
        second.rollback()
    finally:
        first.close()
        second.close()
    with factory() as s:
        ticket = get_ticket(s, number)
        count = s.execute(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "escalated")
        ).scalar_one()
    assert (ticket.level, count) == (2, 1)


def test_timestamps_round_trip_in_utc(factory, config):
    with factory() as s:
        ticket = open_ticket(s, deduction(), MONDAY_10AM, config).ticket
        s.commit()
        number = ticket.number
    with factory() as s:
        assert get_ticket(s, number).created_at == MONDAY_10AM
        overdue = run_escalation_pass(factory, MONDAY_10AM + timedelta(days=3), config)
        assert overdue.escalated == [number]


def test_two_deliverers_send_each_message_once(factory, config):
    from bot.outreach.delivery import deliver_pending
    from bot.tickets.service import staff_reply
    from tests.tickets.helpers import RecordingSender

    with factory() as s:
        for i in range(20):
            ticket = open_ticket(s, deduction(cnic=f"35202{i:07d}1"), MONDAY_10AM, config).ticket
            staff_reply(s, ticket, "staff:sadia", f"reply {i}", now=MONDAY_10AM)
        s.commit()
    sender = RecordingSender()  # list.append is thread-safe
    start = threading.Barrier(2)

    def worker() -> None:
        start.wait()
        deliver_pending(factory, {"twilio": sender}, MONDAY_10AM)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    texts = sorted(text.split(": ", 1)[1] for _, text in sender.sent)
    assert texts == sorted(f"reply {i}" for i in range(20))
    with factory() as s:
        attempts = s.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(attempts) == {("sent", 1)}


def test_one_citizens_complaint_on_two_replicas_at_once_opens_one_ticket(
    factory, config, monkeypatch
):
    """Both replicas search for an open ticket before either commits; one must join."""
    import bot.tickets.service as service

    both_searched = threading.Barrier(2, timeout=3)
    original = service.find_duplicate

    def search_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        try:
            both_searched.wait()  # without the lock both get here with nothing found
        except threading.BrokenBarrierError:
            pass  # the other replica is waiting for this one's commit
        return found

    monkeypatch.setattr(service, "find_duplicate", search_then_wait)
    results: list = [None, None]

    def replica(i: int) -> None:
        with factory() as s:
            results[i] = open_ticket(s, deduction(), MONDAY_10AM, config).joined
            s.commit()

    threads = [threading.Thread(target=replica, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [False, True]
    with factory() as s:
        assert s.execute(select(func.count(Ticket.id))).scalar_one() == 1
