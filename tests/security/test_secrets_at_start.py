"""Every process refuses to start outside demo mode with a placeholder secret, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from bot.core.settings import ROOT
from tests.auxil.secrets import production_secrets

RASA = str(Path(sys.executable).with_name("rasa"))


def environment(tmp_path: Path, **changes: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in production_secrets()}
    env.update(production_secrets())
    env.update(
        DEMO_MODE="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'madadgar.db'}",
        TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(ROOT),
    )
    env.update(changes)
    return env


PROCESSES = {
    "action server": [sys.executable, "-m", "bot.rasa_plugins.action_server", "--port", "0"],
    "worker": [sys.executable, "-m", "bot.cli.worker", "--once"],
    "console": [sys.executable, "-m", "bot.console", "--port", "0"],
}


def started(command: List[str], env: Dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("process", sorted(PROCESSES))
@pytest.mark.parametrize(
    "name, value",
    [
        ("HASH_KEY", "dev-only-hash-key"),  # the default
        ("ACTION_SERVER_SECRET", "CHANGE-ME-long-random"),  # the example file's
    ],
)
def test_a_placeholder_secret_stops_the_process_and_is_named(
    tmp_path: Path, process: str, name: str, value: str
) -> None:
    done = started(PROCESSES[process], environment(tmp_path, **{name: value}))
    assert done.returncode != 0
    assert f"{name} is a default or placeholder value" in done.stdout + done.stderr


def test_rasa_refuses_to_start_with_a_reused_secret(tmp_path: Path) -> None:
    from bot.channels.credentials import write_credentials
    from bot.core.settings import Settings

    credentials = tmp_path / "credentials.yml"
    write_credentials(credentials, Settings())
    env = environment(tmp_path)
    env["VAULT_KEY"] = env["HASH_KEY"]
    model = tmp_path / "model.tar.gz"  # Rasa builds the channels before it reads the model
    model.touch()
    command = [RASA, "run", "-m", str(model), "--credentials", str(credentials)]
    done = started([*command, "--port", "0", "-i", "127.0.0.1"], env)
    assert done.returncode != 0
    assert "VAULT_KEY reuses the value of HASH_KEY" in done.stdout + done.stderr
