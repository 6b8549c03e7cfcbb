"""Actions run in worker threads, so their database calls never block the action server.

rasa-sdk runs every action on the server's event loop; ours call the database
synchronously (SQLAlchemy), so one commit waiting on the disk or on PostgreSQL held up
every other conversation's action. `apply()` makes the executor run each whole action
call (tracker parsing, the action, its database work) in a thread of the default pool,
on that thread's own event loop. Database connections come from bot.core.db's pooled engines.
Applied when the action package is imported (actions/common.py), on PostgreSQL only:
there an advisory lock serialises two complaints of one citizen
(bot.tickets.service._one_complaint_at_a_time); the embedded SQLite set-up relies on its
single action server running one action at a time, so there actions stay on the loop.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Dict, Optional

from rasa_sdk.executor import ActionExecutor


def off_loop(run: Callable) -> Callable:
    @functools.wraps(run)
    async def run_in_thread(self: ActionExecutor, action_call: Dict[str, Any]) -> Optional[Dict]:
        return await asyncio.to_thread(lambda: asyncio.run(run(self, action_call)))

    run_in_thread.madadgar_offloaded = True  # type: ignore[attr-defined]
    return run_in_thread


def apply(database_url: Optional[str] = None) -> bool:
    """Run actions off the loop when the database can take them side by side."""
    from sqlalchemy.engine import make_url

    url = database_url or _settings().DATABASE_URL
    if make_url(url).get_backend_name() == "sqlite":
        return False
    if not getattr(ActionExecutor.run, "madadgar_offloaded", False):
        ActionExecutor.run = off_loop(ActionExecutor.run)  # type: ignore[method-assign]
    return True


def _settings():  # type: ignore[no-untyped-def]
    from bot.core.settings import get_settings

    return get_settings()
