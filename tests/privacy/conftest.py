"""A second running assistant at DEBUG level (Rasa logs whole messages and slots there),
with the console and the worker, for the log-leak test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.auxil.assistant import LiveAssistant, free_port


@dataclass
class DebugAssistant(LiveAssistant):
    log_dir: Path = Path()
    console_port: int = 0


@pytest.fixture(scope="module")
def debug_assistant(trained_model: Path, tmp_path_factory) -> Iterator[DebugAssistant]:
    """Action server, Rasa, console and worker at LOG_LEVEL=DEBUG on free ports."""
    from bot.cli.run import Services
    from bot.cli.setup import setup
    from bot.core import db
    from bot.core.environment import demo_environment
    from bot.core.settings import reset_settings

    work = tmp_path_factory.mktemp("debuglive")
    database_url = f"sqlite:///{work / 'madadgar.db'}"
    tracker_url = f"sqlite:///{work / 'tracker.db'}"
    env: Dict[str, str] = demo_environment()
    rasa_port, action_port, console_port = free_port(), free_port(), free_port()
    env.update(
        DATABASE_URL=database_url,
        TRACKER_DB_URL=tracker_url,
        LOG_LEVEL="DEBUG",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{rasa_port}",
        SCHEDULER_INTERVAL_SECONDS="2",
    )
    setup(database_url, synthetic_households=20)
    services = Services(
        trained_model,
        env,
        rasa_port=rasa_port,
        action_port=action_port,
        console_port=console_port,
        config_dir=work,
        components=("actions", "rasa", "console", "worker"),
    )
    services.start()
    try:
        services.wait_ready(timeout=600)
        yield DebugAssistant(
            f"http://127.0.0.1:{rasa_port}",
            database_url,
            tracker_url,
            env,
            log_dir=work / "log",
            console_port=console_port,
        )
    finally:
        services.stop()
        db.dispose_engines()
        reset_settings()
