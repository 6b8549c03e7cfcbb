"""Two Rasa replicas taking one conversation's lock at once: stock store vs bot.rasa_plugins.lockstore."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List

import pytest
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config
from redis import Redis
from sqlalchemy.engine import make_url

from bot.rasa_plugins.lockstore import AtomicRedisLockStore

pytestmark = pytest.mark.redis

TRIALS = 300


@dataclass
class Outcome:
    """What happened when two replicas handled one message each of the same conversation."""

    overlaps: int = 0  # both messages processed at the same time
    lock_errors: int = 0  # a message refused with LockError (the citizen gets no answer)
    processed: int = 0
    order: List[str] = field(default_factory=list)


def _race(make_store: Callable[[], LockStore], trials: int = TRIALS) -> Outcome:
    """Each trial: two replicas (own store, own Redis connection, own thread) lock one
    new conversation at the same instant, then hold it for 2 ms."""
    outcome = Outcome()
    guard = threading.Lock()
    inside = {"n": 0}
    barrier = threading.Barrier(2)
    run = uuid.uuid4().hex[:8]

    async def handle(store: LockStore, conversation: str) -> None:
        try:
            async with store.lock(conversation, lock_lifetime=10, wait_time_in_seconds=0.005):
                with guard:
                    inside["n"] += 1
                    if inside["n"] > 1:
                        outcome.overlaps += 1
                await asyncio.sleep(0.002)
                with guard:
                    inside["n"] -= 1
                    outcome.processed += 1
        except LockError:
            with guard:
                outcome.lock_errors += 1

    def replica() -> None:
        store = make_store()
        loop = asyncio.new_event_loop()
        try:
            for i in range(trials):
                barrier.wait(timeout=30)
                loop.run_until_complete(handle(store, f"race-{run}-{i}"))
        finally:
            loop.close()

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome


def _parts(redis_url: str) -> dict:
    url = make_url(redis_url)
    return {"host": url.host, "port": url.port, "db": int(url.database or 0)}


def test_stock_redis_lock_store_lets_two_replicas_process_one_conversation_at_once(
    redis_url: str,
) -> None:
    outcome = _race(lambda: RedisLockStore(key_prefix="stock", **_parts(redis_url)))
    # Rasa 3.6's store reads and writes the lock in separate steps: both replicas read
    # "no lock" and each writes a lock holding only its own ticket, so both go ahead
    # (overlap), or one deletes the lock the other just queued on (LockError).
    assert outcome.overlaps + outcome.lock_errors > 0, outcome


def test_atomic_lock_store_serialises_two_replicas(redis_url: str) -> None:
    outcome = _race(lambda: AtomicRedisLockStore(key_prefix="atomic", **_parts(redis_url)))
    assert outcome.overlaps == 0
    assert outcome.lock_errors == 0
    assert outcome.processed == 2 * TRIALS
    left = Redis.from_url(redis_url).keys("atomic:lock:*")
    assert left == [], "every lock is deleted once its last message is processed"


def test_messages_of_one_conversation_are_served_in_arrival_order(redis_url: str) -> None:
    store = AtomicRedisLockStore(key_prefix="order", **_parts(redis_url))
    served: List[int] = []

    async def message(n: int) -> None:
        async with store.lock("fifo", wait_time_in_seconds=0.01):
            served.append(n)
            await asyncio.sleep(0.005)

    async def arrive() -> None:
        tasks = []
        for n in range(8):
            tasks.append(asyncio.create_task(message(n)))
            await asyncio.sleep(0)  # each task issues its ticket before the next arrives
        await asyncio.gather(*tasks)

    asyncio.run(arrive())
    assert served == list(range(8))


def test_lock_of_a_crashed_replica_expires(redis_url: str) -> None:
    crashed = AtomicRedisLockStore(key_prefix="crash", **_parts(redis_url))
    survivor = AtomicRedisLockStore(key_prefix="crash", **_parts(redis_url))
    crashed.issue_ticket("c1", lock_lifetime=0.3)  # never released

    async def next_message() -> float:
        start = time.monotonic()
        async with survivor.lock("c1", wait_time_in_seconds=0.05):
            return time.monotonic() - start

    waited = asyncio.run(next_message())
    assert 0.2 < waited < 2.0


def test_rasa_loads_it_from_endpoints_written_by_runtime_config(
    redis_url: str, tmp_path, monkeypatch
) -> None:
    from bot.core.settings import Settings
    from bot.rasa_plugins.endpoints import write_endpoints

    # The endpoints file names the action-server secret, as Rasa is started with it.
    monkeypatch.setenv("ACTION_SERVER_SECRET", "s" * 40)
    settings = Settings(
        REDIS_URL=redis_url,
        LOCK_STORE_TYPE="bot.rasa_plugins.lockstore.AtomicRedisLockStore",
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
    )
    path = write_endpoints(tmp_path / "endpoints.yml", settings)
    store = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "madadgar:lock:"
    ticket = store.issue_ticket("from-endpoints")
    assert store.get_lock("from-endpoints").now_serving == ticket


def test_endpoint_config_options_reach_the_redis_client(redis_url: str) -> None:
    parts = _parts(redis_url)
    config = EndpointConfig(url=parts["host"], type="x", port=parts["port"], db=3, key_prefix="p1")
    store = AtomicRedisLockStore(endpoint_config=config)
    kwargs = store.red.connection_pool.connection_kwargs
    assert (kwargs["port"], kwargs["db"]) == (parts["port"], 3)


_HOLDER = """
import asyncio, sys, time
from bot.rasa_plugins.lockstore import AtomicRedisLockStore

store = AtomicRedisLockStore(key_prefix="lease", host=sys.argv[1], port=int(sys.argv[2]), lease_seconds=1.5)

async def hold():
    # Rasa's default lifetime (60 s): only the lease lets the lock go when this dies.
    async with store.lock("dead-replica"):
        print("holding", flush=True)
        await asyncio.sleep(600)

asyncio.run(hold())
"""


def test_a_replica_killed_while_holding_a_lock_stops_its_conversation_for_one_lease(
    redis_url: str,
) -> None:
    import os
    import signal
    import subprocess
    import sys

    parts = _parts(redis_url)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, parts["host"], str(parts["port"])],
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"holding"
        # Alive, the holder keeps its lock well past its lease.
        survivor = AtomicRedisLockStore(key_prefix="lease", lease_seconds=1.5, **parts)
        time.sleep(4)
        assert survivor.get_lock("dead-replica") is not None
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        killed_at = time.monotonic()

        async def next_message() -> float:
            async with survivor.lock("dead-replica", wait_time_in_seconds=0.1):
                return time.monotonic() - killed_at

        waited = asyncio.run(next_message())
    finally:
        if holder.poll() is None:
            holder.kill()
    assert waited < 2.5  # one lease (1.5 s), not Rasa's 60 s


def test_a_busy_holder_keeps_its_lock_beyond_the_lease(redis_url: str) -> None:
    holder = AtomicRedisLockStore(key_prefix="busy", lease_seconds=0.6, **_parts(redis_url))
    other = AtomicRedisLockStore(key_prefix="busy", lease_seconds=0.6, **_parts(redis_url))
    order: List[str] = []

    async def slow_turn() -> None:
        async with holder.lock("busy", wait_time_in_seconds=0.05):
            order.append("first in")
            # NLU keeping the event loop busy for five leases: the renewing thread still runs.
            time.sleep(3.0)
            order.append("first out")

    async def next_turn() -> None:
        await asyncio.sleep(0.2)
        async with other.lock("busy", wait_time_in_seconds=0.05):
            order.append("second in")

    def second() -> None:
        asyncio.run(next_turn())

    t = threading.Thread(target=second)
    t.start()
    asyncio.run(slow_turn())
    t.join(30)
    assert order == ["first in", "first out", "second in"]


def test_a_turn_that_outlived_its_lock_is_not_stored(redis_url: str, tmp_path) -> None:
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_plugins.lockstore import lock_still_held
    from bot.rasa_plugins.tracker_store import LockLapsed, ResilientSQLTrackerStore

    late = AtomicRedisLockStore(key_prefix="fence", lease_seconds=0.5, **_parts(redis_url))
    trackers = ResilientSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "t.db"))

    async def turn(lapse: bool) -> bool:
        async with late.lock("cut-off", wait_time_in_seconds=0.05):
            assert lock_still_held()
            if lapse:  # cut off for longer than a lease: another replica took the turn
                late.delete_lock("cut-off")
            tracker = DialogueStateTracker("cut-off", slots=[])
            tracker.update(UserUttered("hello"))
            try:
                await trackers.save(tracker)
            except LockLapsed:
                return False
            return True

    assert lock_still_held()  # no lock held: nothing to check
    assert asyncio.run(turn(lapse=True)) is False
    assert asyncio.run(trackers.retrieve("cut-off")) is None
    assert asyncio.run(turn(lapse=False)) is True
    assert asyncio.run(trackers.retrieve("cut-off")) is not None
