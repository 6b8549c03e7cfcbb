"""Three worker processes share one outbox on PostgreSQL; one is killed mid-run; the
escalation pass runs once per tick across them."""

from __future__ import annotations

import importlib.util
import signal
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core import db
from bot.core.outbox import SENDING, SENT, OutboxMessage
from bot.core.passes import SchedulerPass, once_per_tick
from tests.auxil.twilio_fakes import FakeTwilioApi
from tests.tickets.helpers import MONDAY_10AM

pytestmark = pytest.mark.postgres

_PATH = Path(__file__).resolve().parents[2] / "bench" / "outbox_workers.py"
_spec = importlib.util.spec_from_file_location("bench_outbox_workers", _PATH)
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench
_spec.loader.exec_module(bench)

MESSAGES = 10_000


def _claimed_by(url: str, worker_pid: int) -> int:
    factory = db.session_factory(url)
    with factory() as s:
        return s.execute(
            select(func.count()).where(
                OutboxMessage.status == SENDING,
                OutboxMessage.claimed_by.like(f"%:{worker_pid}"),
            )
        ).scalar_one()


def test_three_workers_send_ten_thousand_messages_exactly_once_with_one_killed(pg_db_url, tmp_path):
    bench.queue_messages(pg_db_url, MESSAGES)
    # Each SMS takes the provider 5 ms, and it keeps a message from the moment it arrives:
    # a worker killed while waiting for the answer has already handed its message over.
    api = FakeTwilioApi(latency=0.005).start()
    procs = bench.start_workers(bench.worker_env(pg_db_url, api, 4), 3, tmp_path)
    try:
        deadline = time.monotonic() + 300
        while bench.counts(pg_db_url).get(SENT, 0) < MESSAGES // 4:
            assert time.monotonic() < deadline, bench.counts(pg_db_url)
            assert all(p.poll() is None for p in procs), "a worker exited"
            time.sleep(0.2)
        victim = procs[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        held = _claimed_by(pg_db_url, victim.pid)
        bench.wait_all_sent(pg_db_url, MESSAGES, timeout=900)
    finally:
        bench.stop_workers(procs)
        api.stop()

    # The killed worker held part of a batch; the others took it over after its claim ran out.
    assert held > 0
    assert bench.counts(pg_db_url) == {SENT: MESSAGES}
    # The provider got every message exactly once.
    got = Counter((m["To"], m["Body"]) for m in api.sent)
    assert len(got) == MESSAGES
    assert [k for k, n in got.items() if n > 1] == []
    assert set(got) == {(bench.recipient(i), bench.body(i)) for i in range(MESSAGES)}
    # Each row remembers the provider's id of the one message the provider has.
    factory = db.session_factory(pg_db_url)
    with factory() as s:
        ids = dict(s.execute(select(OutboxMessage.recipient, OutboxMessage.provider_id)).all())
    assert ids == {m["To"]: m["sid"] for m in api.sent}


def test_the_escalation_pass_runs_once_per_tick_across_workers(pg_db_url):
    factory = db.session_factory(pg_db_url)
    ran = []
    tick = timedelta(seconds=60)
    for worker in ("host-a:1", "host-b:2", "host-c:3"):
        once_per_tick(
            factory, "escalation", MONDAY_10AM, tick, worker, lambda w=worker: ran.append(w)
        )
    assert ran == ["host-a:1"]
    # The next tick: whichever worker comes first runs it, once.
    later = MONDAY_10AM + tick
    for worker in ("host-c:3", "host-a:1"):
        once_per_tick(factory, "escalation", later, tick, worker, lambda w=worker: ran.append(w))
    assert ran == ["host-a:1", "host-c:3"]
    with factory() as s:
        record = s.get(SchedulerPass, "escalation")
        assert (record.ran_at, record.ran_by) == (later, "host-c:3")


def test_a_worker_skips_the_pass_while_another_is_running_it(pg_db_url):
    factory = db.session_factory(pg_db_url)
    inner = []

    def long_pass() -> str:
        # A second worker ticks while the first is still inside the pass.
        inner.append(
            once_per_tick(
                factory, "escalation", MONDAY_10AM, timedelta(0), "host-b:2", lambda: "twice"
            )
        )
        return "once"

    assert (
        once_per_tick(factory, "escalation", MONDAY_10AM, timedelta(0), "host-a:1", long_pass)
        == "once"
    )
    assert inner == [None]
