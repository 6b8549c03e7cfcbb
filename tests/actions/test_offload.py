"""Actions run off the action server's event loop: a slow one does not hold up others."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Dict, List

from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

from actions import offload


class SlowDatabaseAction(Action):
    """Stands in for an action whose database call blocks (a commit waiting on disk)."""

    threads: List[str] = []

    def name(self) -> str:
        return "action_slow_database"

    async def run(self, dispatcher: Any, tracker: Any, domain: Any) -> List[Dict[str, Any]]:
        SlowDatabaseAction.threads.append(threading.current_thread().name)
        time.sleep(0.3)  # blocking, as a synchronous SQLAlchemy call is
        dispatcher.utter_message(response="utter_greet")
        return []


def _call(sender: str) -> Dict[str, Any]:
    return {
        "next_action": "action_slow_database",
        "sender_id": sender,
        "tracker": {"sender_id": sender, "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
    }


def test_the_embedded_sqlite_set_up_keeps_actions_on_the_loop():
    assert offload.apply("sqlite:///var/madadgar.db") is False


def test_two_slow_actions_run_side_by_side_and_the_loop_stays_free(monkeypatch):
    monkeypatch.setattr(ActionExecutor, "run", offload.off_loop(ActionExecutor.run))
    executor = ActionExecutor()
    executor.register_action(SlowDatabaseAction)
    ticks: List[float] = []

    async def heartbeat() -> None:
        for _ in range(10):
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.02)

    async def scenario() -> List[Any]:
        return await asyncio.gather(executor.run(_call("a")), executor.run(_call("b")), heartbeat())

    start = time.perf_counter()
    first, second, _ = asyncio.run(scenario())
    elapsed = time.perf_counter() - start
    assert first["responses"][0]["response"] == "utter_greet"
    assert second["responses"][0]["response"] == "utter_greet"
    assert elapsed < 0.55  # together, not one after the other (0.6 s)
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.2  # loop kept ticking
    assert threading.main_thread().name not in SlowDatabaseAction.threads
