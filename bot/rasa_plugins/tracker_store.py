"""Rasa SQL tracker store that rides out a PostgreSQL restart instead of forgetting conversations.

Rasa 3.6 wraps every tracker store in FailSafeTrackerStore: when a read fails (PostgreSQL
restarting, or a pooled connection that died with the old server) it returns *no tracker*,
so Rasa answers the citizen as if the conversation had just begun (identity check
forgotten, a complaint half-way lost), and a failed write goes to process memory. This store
checks pooled connections before use (pool_pre_ping) and retries reads and writes for up to
`retry_seconds` (default 30) while the database comes back. Writes are safe to repeat:
SQLTrackerStore.save only inserts the events the database does not have yet. A write is
refused when the turn's conversation lock lapsed meanwhile (bot.rasa_plugins.lockstore).

    tracker_store:
      type: bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore
      dialect: postgresql
      url: 127.0.0.1
      ...

It also keeps a turn's work flat in the conversation's length (bot.rasa_plugins.tracker_window):
`retrieve` loads the slots as a snapshot taken at the end of an earlier turn
(`tracker_snapshots`, written by `save`) and only the events since then, once the session
holds more than `WINDOW_USER_MESSAGES` user messages; shorter sessions, and the full
tracker (`retrieve_full_tracker`: the HTTP API, exports), are loaded whole as before.

This is an adapter (it subclasses a Rasa class), like bot/rasa_plugins/nlg.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from bot.core.db import sqlite_pragmas
from bot.rasa_plugins.lockstore import lock_still_held
from bot.rasa_plugins.tracker_window import WINDOW_USER_MESSAGES, snapshot_of, window_events

logger = logging.getLogger(__name__)

T = TypeVar("T")
TYPE = "bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore"
# On a tracker this store returned: how many of its events are stored (or stand for stored
# ones), so `save` writes only what came after; and the snapshot it started from.
STORED = "_madadgar_stored_events"
STARTED_AT = "_madadgar_window_start"

_snapshots = sa.Table(
    "tracker_snapshots",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    # the id of the last event stored when the snapshot was taken
    sa.Column("event_id", sa.Integer, nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("slots", sa.Text, nullable=False),
    sa.Index("ix_tracker_snapshots_sender_event", "sender_id", "event_id"),
)
# The window's look-ups (latest session start, the n-th latest user message) read this
# index only, not every event of the conversation.
_EVENTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_sender_type_id ON events (sender_id, type_name, id)"
)


class LockLapsed(RuntimeError):
    """The turn finished after the conversation's lock had passed to another replica."""


def _fence(tracker: DialogueStateTracker) -> None:
    if not lock_still_held():
        raise LockLapsed(f"conversation lock lapsed: turn not stored ({tracker.sender_id[:6]}…)")


def _transient(error: Exception) -> bool:
    if isinstance(error, OperationalError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with pre-pinged connections and bounded retries on connection loss."""

    def __init__(self, *args: Any, retry_seconds: float = 30, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            # Rasa opens a new SQLite connection for every read and write (no pool) in
            # rollback-journal mode; pooled WAL connections, like bot.db's, cost far less.
            self.engine = sa.create_engine(
                url, poolclass=QueuePool, connect_args={"timeout": 30, "check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", sqlite_pragmas)
        else:
            options = create_engine_kwargs(url.render_as_string(hide_password=False))
            self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.retry_seconds = float(retry_seconds)
        self.window_user_messages = WINDOW_USER_MESSAGES
        self._create_window_tables()

    def _create_window_tables(self) -> None:
        try:
            _snapshots.create(self.engine, checkfirst=True)
            with self.engine.begin() as conn:
                conn.execute(sa.text(_EVENTS_INDEX))
        except Exception:  # noqa: BLE001 - another replica creating them at the same moment
            logger.warning("Could not create the tracker window's table or index", exc_info=True)

    async def _retry(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.1
        while True:
            try:
                return await call()
            except Exception as e:  # noqa: BLE001 - only connection losses are retried
                if not _transient(e) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("Tracker store %s failed (%s); retrying", what, type(e).__name__)
                self.engine.dispose()  # drop every connection to the old server
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session: a snapshot and the events since, or all of it when short."""
        parent = super()

        async def read() -> Optional[DialogueStateTracker]:
            tracker = self._retrieve_window(sender_id)
            if tracker is None:
                tracker = await parent.retrieve(sender_id)
                if tracker is not None:
                    setattr(tracker, STORED, None)  # whole session: Rasa's own count applies
            return tracker

        return await self._retry("read", read)

    def _retrieve_window(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The windowed tracker, or None when the session is loaded whole."""
        if not self.domain:
            return None
        with self.session_scope() as session:
            session_start = session.execute(
                sa.text(
                    "SELECT MAX(id) FROM events WHERE sender_id = :s "
                    "AND type_name = 'session_started'"
                ),
                {"s": sender_id},
            ).scalar()
            snapshots = sa.select(_snapshots.c.event_id).where(
                _snapshots.c.sender_id == sender_id, _snapshots.c.event_id > (session_start or 0)
            )
            latest = session.execute(snapshots.order_by(_snapshots.c.event_id.desc()).limit(1))
            latest = latest.scalar()
            if latest is None:
                return None
            # The window holds this many user messages before the latest snapshot, which is
            # before the active form began if one is active: a rewind to the form's first
            # message still finds the turns before it.
            nth_user = session.execute(
                sa.text(
                    "SELECT id FROM events WHERE sender_id = :s AND type_name = 'user' "
                    "AND id <= :latest ORDER BY id DESC LIMIT 1 OFFSET :n"
                ),
                {"s": sender_id, "latest": latest, "n": self.window_user_messages - 1},
            ).scalar()
            if nth_user is None:
                return None
            found = session.execute(
                sa.select(_snapshots.c.event_id, _snapshots.c.timestamp, _snapshots.c.slots)
                .where(
                    _snapshots.c.sender_id == sender_id,
                    _snapshots.c.event_id < nth_user,
                    _snapshots.c.event_id > (session_start or 0),
                )
                .order_by(_snapshots.c.event_id.desc())
                .limit(1)
            ).first()
            if found is None:
                return None
            rows = session.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND id > :e ORDER BY id"),
                {"s": sender_id, "e": found.event_id},
            ).all()
        events = window_events(found.slots, found.timestamp, [json.loads(r.data) for r in rows])
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED, len(tracker.events))
        setattr(tracker, STARTED_AT, found.event_id)
        return tracker

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        parent = super()
        return await self._retry("read", lambda: parent.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """The events not stored yet, and a snapshot where a later window may start; none
        when this replica lost the conversation's lock meanwhile (cut off from the network
        for longer than a lease: another replica answered)."""
        _fence(tracker)
        await self.stream_events(tracker)

        async def write() -> None:
            _fence(tracker)  # again: a retried write may come seconds later
            self._save_events(tracker)

        await self._retry("write", write)

    def _save_events(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = getattr(tracker, STORED, None)
            if stored is None:  # a tracker this store did not window: Rasa's own count
                new = list(self._additional_events(session, tracker))
            else:
                new = list(itertools.islice(tracker.events, stored, None))
            rows = []
            for event in new:
                data = event.as_dict()
                rows.append(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.add_all(rows)
            snapshot = snapshot_of(tracker) if rows else None
            if snapshot is not None:
                session.flush()  # the rows' ids
                session.execute(
                    _snapshots.insert().values(
                        sender_id=tracker.sender_id,
                        event_id=rows[-1].id,
                        timestamp=rows[-1].timestamp,
                        slots=snapshot,
                    )
                )
            started_at = getattr(tracker, STARTED_AT, None)
            if started_at is not None:  # older snapshots can no longer start a window
                session.execute(
                    _snapshots.delete().where(
                        _snapshots.c.sender_id == tracker.sender_id,
                        _snapshots.c.event_id < started_at,
                    )
                )
            session.commit()
        if stored is not None:
            setattr(tracker, STORED, len(tracker.events))
