"""Retention: deletes conversations whose last message is older than RETENTION_DAYS.

    python -m bot.privacy.retention [--days N] [--url TRACKER_DB_URL] [--dry-run]

Works on Rasa's SQL tracker store (`events` table at settings.TRACKER_DB_URL, SQLite or
PostgreSQL). A conversation goes as a whole once its latest event is older than the cut-off;
a conversation still in use keeps all its events, however old the first one is, because a
tracker with its beginning cut off would replay wrongly. Run it daily (cron/systemd timer).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine

from bot.core.settings import get_settings

BATCH = 500  # conversations per DELETE: keeps each transaction (and its locks) short


@dataclass(frozen=True)
class Purge:
    """What one retention run removed."""

    conversations: int
    events: int
    cutoff: float


def retention_days() -> int:
    """RETENTION_DAYS from the settings (default 180)."""
    days = get_settings().RETENTION_DAYS
    if days < 1:
        raise ValueError("RETENTION_DAYS must be at least 1")
    return days


_STALE = text(
    "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff LIMIT :limit"
)
_COUNT = text(
    "SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM events WHERE sender_id IN "
    "(SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
)
# The NOT EXISTS re-checks inside the DELETE: a citizen who writes again between the
# SELECT and the DELETE keeps the conversation.
_DELETE = text(
    "DELETE FROM events WHERE sender_id IN :senders AND NOT EXISTS "
    "(SELECT 1 FROM events AS newer WHERE newer.sender_id = events.sender_id "
    "AND newer.timestamp >= :cutoff)"
).bindparams(bindparam("senders", expanding=True))
# The tracker store's slot snapshots (bot.rasa_plugins.tracker_store) of the conversations
# whose events are gone: they hold the same slots.
_DELETE_SNAPSHOTS = text(
    "DELETE FROM tracker_snapshots WHERE sender_id IN :senders AND NOT EXISTS "
    "(SELECT 1 FROM events WHERE events.sender_id = tracker_snapshots.sender_id)"
).bindparams(bindparam("senders", expanding=True))


def purge(engine: Engine, days: int, now: Optional[float] = None, dry_run: bool = False) -> Purge:
    """Delete every conversation idle for more than `days` days."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    if not inspect(engine).has_table("events"):
        return Purge(0, 0, cutoff)
    if dry_run:
        with engine.connect() as conn:
            found, count = conn.execute(_COUNT, {"cutoff": cutoff}).one()
        return Purge(found, count, cutoff)
    conversations = events = 0
    seen: set[str] = set()
    snapshots = inspect(engine).has_table("tracker_snapshots")
    while True:
        with engine.begin() as conn:
            senders: List[str] = [
                s
                for s in conn.execute(_STALE, {"cutoff": cutoff, "limit": BATCH}).scalars()
                if s not in seen
            ]
            if not senders:
                break
            seen.update(senders)
            events += conn.execute(_DELETE, {"senders": senders, "cutoff": cutoff}).rowcount
            if snapshots:
                conn.execute(_DELETE_SNAPSHOTS, {"senders": senders})
            conversations += len(senders)
    return Purge(conversations, events, cutoff)


def main(argv: Optional[List[str]] = None) -> int:
    from sqlalchemy import create_engine

    p = argparse.ArgumentParser(
        prog="python -m bot.privacy.retention", description=__doc__.split("\n")[0]
    )
    p.add_argument("--days", type=int, default=None, help="default: RETENTION_DAYS or 180")
    p.add_argument("--url", default=None, help="default: TRACKER_DB_URL")
    p.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    args = p.parse_args(argv)
    days = args.days if args.days is not None else retention_days()
    if days < 1:
        p.error("--days must be at least 1")
    url = args.url or get_settings().TRACKER_DB_URL
    engine = create_engine(url, future=True)  # not bot.core.db's: no pragmas on Rasa's file
    try:
        result = purge(engine, days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if args.dry_run else "deleted"
    print(
        f"retention {days} days: {verb} {result.conversations} conversations "
        f"({result.events} events) idle since before "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(result.cutoff))} UTC"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
