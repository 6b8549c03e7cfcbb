"""A live helpline whose Telegram replies reach a local stand-in for the Bot API.

`live_assistant` (tests/auxil/assistant.py) is shared by the whole session and was started
with the demo TELEGRAM_API_BASE_URL (port 8099), where nothing of ours listens. The
Telegram tests need the Bot API calls the server makes, so `telegram_live` starts its own
action server and Rasa, once per session for every Telegram test, pointed at a
`RecordingBotApi` on a free port.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from bot.channels.simulate_telegram import FakeBotApi
from tests.auxil.assistant import LiveAssistant, start_services


class RecordingBotApi(FakeBotApi):
    """The simulator's Bot API stand-in, also keeping each call's method and parameters."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self._calls_lock = threading.Lock()

    def record(self, method: str, params: Dict[str, Any]) -> Any:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            params = dict(params, reply_markup=json.loads(markup))
        with self._calls_lock:
            self.calls.append((method, params))
        return super().record(method, params)

    def take(self) -> List[Tuple[str, Dict[str, Any]]]:
        """The calls since the last take (and the simulator's printable lines are dropped)."""
        with self._calls_lock:
            calls, self.calls = self.calls, []
        self.drain()
        return calls


@dataclass
class TelegramLive(LiveAssistant):
    bot_api: Optional[RecordingBotApi] = None


@pytest.fixture(scope="session")
def telegram_live(trained_model: Path, tmp_path_factory) -> Iterator[TelegramLive]:
    """A helpline (actions + Rasa) whose Bot API is a RecordingBotApi on a free port."""
    from bot.core import db
    from bot.core.settings import reset_settings

    api = RecordingBotApi(0).start()
    services = None
    try:
        services, live = start_services(
            trained_model,
            tmp_path_factory.mktemp("live-telegram"),
            {"TELEGRAM_API_BASE_URL": api.base_url},
        )
        yield TelegramLive(
            live.url, live.database_url, live.tracker_url, live.env, services, bot_api=api
        )
    finally:
        if services is not None:
            services.stop()
        api.stop()
        db.dispose_engines()
        reset_settings()
