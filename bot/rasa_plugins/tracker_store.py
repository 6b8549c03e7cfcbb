"""Rasa SQL tracker store that rides out a PostgreSQL restart instead of forgetting conversations.

Rasa 3.6 wraps every tracker store in FailSafeTrackerStore: when a read fails (PostgreSQL
restarting, or a pooled connection that died with the old server) it returns *no tracker*,
so Rasa answers the citizen as if the conversation had just begun (identity check
forgotten, a complaint half-way lost), and a failed write goes to process memory. This store
checks pooled connections before use (pool_pre_ping) and retries reads and writes for up to
`retry_seconds` (default 30) while the database comes back. Writes are safe to repeat:
SQLTrackerStore.save only inserts the events the database does not have yet.

    tracker_store:
      type: bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore
      dialect: postgresql
      url: 127.0.0.1
      ...

This is an adapter (it subclasses a Rasa class), like bot/rasa_plugins/nlg.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from bot.core.db import sqlite_pragmas

logger = logging.getLogger(__name__)

T = TypeVar("T")
TYPE = "bot.rasa_plugins.tracker_store.ResilientSQLTrackerStore"


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
        parent = super()
        return await self._retry("read", lambda: parent.retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        parent = super()
        return await self._retry("read", lambda: parent.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        parent = super()
        await self._retry("write", lambda: parent.save(tracker))
