"""Once per tick across all workers: a scheduled pass that only one worker runs.

Every worker ticks; the first to take the pass's PostgreSQL advisory lock runs it, and
records when in `scheduler_pass`. The others either find the lock taken (the pass is
running now) or the record fresh (it ran this tick) and skip it. On SQLite, where only
one worker may run, the record alone decides.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Callable, Optional, TypeVar

from sqlalchemy import Column, String, func, select
from sqlalchemy.orm import Session

from bot.core.db import Base, UTCDateTime

T = TypeVar("T")


class SchedulerPass(Base):
    """When a scheduled pass (the escalation pass) last ran, whichever worker ran it."""

    __tablename__ = "scheduler_pass"

    name = Column(String(40), primary_key=True)
    ran_at = Column(UTCDateTime(), nullable=False)
    ran_by = Column(String(64), nullable=False)


# Whoever ran the pass less than this share of a tick ago ran it this tick.
_SAME_TICK = 0.9


def lock_key(name: str) -> int:
    """A stable 32-bit advisory-lock key for the pass `name`."""
    return zlib.crc32(f"madadgar:{name}".encode())


def once_per_tick(
    session_factory: Callable[[], Session],
    name: str,
    now: datetime,
    tick: timedelta,
    worker: str,
    run: Callable[[], T],
) -> Optional[T]:
    """run() unless another worker is running the pass or ran it this tick; its result,
    or None when skipped."""
    with session_factory() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            # Held until this transaction ends, i.e. while run() works in other sessions.
            taken = session.execute(select(func.pg_try_advisory_xact_lock(lock_key(name))))
            if not taken.scalar():
                return None
        record = session.get(SchedulerPass, name)
        if record is not None and now - record.ran_at < tick * _SAME_TICK and record.ran_at <= now:
            return None
        result = run()
        if record is None:
            session.add(SchedulerPass(name=name, ran_at=now, ran_by=worker[:64]))
        else:
            record.ran_at, record.ran_by = now, worker[:64]
        return result
