"""A trained model (once per session) and the assistant running on it for conversation tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from bot.cli.chat import send


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """models/madadgar.tar.gz, trained only when data, domain or config changed."""
    from bot.cli.train import ensure_model

    return ensure_model()


@dataclass
class LiveAssistant:
    url: str
    database_url: str
    tracker_url: str
    env: Dict[str, str]
    services: Any = None  # bot.cli.run.Services, for the tests that kill one
    actions_url: str = ""  # the action server (only Rasa may call it: ACTION_SERVER_SECRET)

    def say(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[str]:
        """Send one message over the REST channel; the bot's texts in order."""
        return [r.get("text", "") for r in send(self.url, sender, text, metadata) if r.get("text")]


def start_services(model: Path, work: Path, extra_env: Dict[str, str]) -> Tuple[Any, LiveAssistant]:
    """Action server and Rasa on free ports with their own SQLite databases and demo data."""
    from bot.cli.run import Services
    from bot.cli.setup import setup
    from bot.core.environment import demo_environment

    database_url = f"sqlite:///{work / 'madadgar.db'}"
    tracker_url = f"sqlite:///{work / 'tracker.db'}"
    env = demo_environment()
    env.update(DATABASE_URL=database_url, TRACKER_DB_URL=tracker_url)
    env.update(extra_env)
    if "METRICS_BASE_PORT" not in env:  # each live helpline its own /metrics ports
        from tests.production.ports import free_base_port

        env["METRICS_BASE_PORT"] = str(free_base_port(span=4))
    setup(database_url, synthetic_households=100)
    rasa_port, action_port = free_port(), free_port()
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{rasa_port}"
    services = Services(
        model,
        env,
        rasa_port=rasa_port,
        action_port=action_port,
        config_dir=work,
        components=("actions", "rasa"),
    )
    services.start()
    try:
        services.wait_ready(timeout=600)
    except BaseException:
        services.stop()
        raise
    url = f"http://127.0.0.1:{rasa_port}"
    live = LiveAssistant(url, database_url, tracker_url, services.env, services)
    live.actions_url = f"http://127.0.0.1:{action_port}"
    return services, live


@pytest.fixture(scope="session")
def live_assistant(trained_model: Path, tmp_path_factory, media_hosts) -> Iterator[LiveAssistant]:
    """Action server and Rasa on free ports, with their own SQLite databases and demo data.

    Media from the loopback media hosts (tests/auxil/twilio_fakes.py) is allowed.
    """
    from bot.core import db
    from bot.core.settings import Settings, reset_settings

    services, live = start_services(
        trained_model,
        tmp_path_factory.mktemp("live"),
        {
            "MEDIA_HOSTS": f"{Settings().MEDIA_HOSTS},{media_hosts.allow_list}",
            "TWILIO_API_BASE_URL": media_hosts.api.base_url,
        },
    )
    try:
        yield live
    finally:
        services.stop()
        db.dispose_engines()
        reset_settings()
