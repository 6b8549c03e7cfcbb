"""Actions run in worker threads, so their database calls never block the action server.

rasa-sdk runs every action on the server's event loop; ours call the database
synchronously (SQLAlchemy), so one commit waiting on the disk or on PostgreSQL held up
every other conversation's action. `apply()` makes the executor run each whole action
call (tracker parsing, the action, its database work) in a thread of the default pool,
on that thread's own event loop. Database connections come from bot.core.db's pooled engines.
Applied when the action package is imported (actions/common.py).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Dict, Optional

from rasa_sdk.executor import ActionExecutor


def _off_loop(run: Callable) -> Callable:
    @functools.wraps(run)
    async def run_in_thread(self: ActionExecutor, action_call: Dict[str, Any]) -> Optional[Dict]:
        return await asyncio.to_thread(lambda: asyncio.run(run(self, action_call)))

    run_in_thread.madadgar_offloaded = True  # type: ignore[attr-defined]
    return run_in_thread


def apply() -> None:
    if not getattr(ActionExecutor.run, "madadgar_offloaded", False):
        ActionExecutor.run = _off_loop(ActionExecutor.run)  # type: ignore[method-assign]
