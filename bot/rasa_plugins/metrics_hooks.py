"""Counts and times what the Rasa server does, for bot.core.metrics (adapter: imports Rasa).

Applied when Rasa loads the project's NLG (`bot.rasa_plugins.nlg` imports this module), which also
starts the loopback /metrics endpoint when the process has a METRICS_PORT.
"""

from __future__ import annotations

import functools
import time
from typing import Any, Callable

from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor

from bot.core import metrics


def _timed_turn(handle: Callable) -> Callable:
    @functools.wraps(handle)
    async def handle_message(self: Agent, message: Any) -> Any:
        start = time.perf_counter()
        try:
            return await handle(self, message)
        finally:
            metrics.TURN_SECONDS.observe(time.perf_counter() - start)

    handle_message.madadgar_metrics = True  # type: ignore[attr-defined]
    return handle_message


def _counted_message(handle: Callable) -> Callable:
    @functools.wraps(handle)
    async def handle_with_tracker(self: MessageProcessor, message: Any, tracker: Any) -> Any:
        result = await handle(self, message, tracker)
        language = (tracker.latest_message.parse_data.get("language") or {}).get("name")
        channel = message.input_channel or "unknown"
        metrics.MESSAGES.labels(channel, language or "unknown").inc()
        return result

    return handle_with_tracker


def _counted_errors(run: Callable) -> Callable:
    @functools.wraps(run)
    async def run_action(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            return await run(self, *args, **kwargs)
        except Exception:
            metrics.ACTION_ERRORS.labels(self.name()).inc()
            raise

    return run_action


def apply() -> None:
    if getattr(Agent.handle_message, "madadgar_metrics", False):
        return
    Agent.handle_message = _timed_turn(Agent.handle_message)  # type: ignore[method-assign]
    MessageProcessor._handle_message_with_tracker = _counted_message(  # type: ignore[method-assign]
        MessageProcessor._handle_message_with_tracker
    )
    RemoteAction.run = _counted_errors(RemoteAction.run)  # type: ignore[method-assign]


apply()
metrics.serve()
