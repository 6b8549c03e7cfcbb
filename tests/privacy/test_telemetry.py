"""No usage data leaves the machine: every process the helpline starts has Rasa telemetry off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.cli.run import Services
from bot.core.environment import demo_environment


def test_every_started_process_has_telemetry_off_even_if_the_caller_turned_it_on(tmp_path):
    env = demo_environment()
    env["RASA_TELEMETRY_ENABLED"] = "true"
    services = Services(Path("model.tar.gz"), env, config_dir=tmp_path)
    # supervisord runs with this environment and every service inherits it.
    assert services.environment()["RASA_TELEMETRY_ENABLED"] == "false"
    programs = services.programs(tmp_path / "endpoints.yml", tmp_path / "credentials.yml")
    assert [p.name for p in programs] == [
        "actions",
        "rasa",
        "frontdoor",
        "console",
        "worker",
    ]
    # The action server, the console and the worker run through the log-masking launcher.
    for program in programs:
        if program.name in ("actions", "console", "worker"):
            assert program.command[0] == sys.executable
            assert program.command[1:3] == ["-m", "bot.core.logging_setup"]


def test_the_demo_environment_turns_telemetry_off(monkeypatch):
    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "true")
    assert demo_environment()["RASA_TELEMETRY_ENABLED"] == "false"


def test_rasa_itself_reads_it_as_off(tmp_path):
    code = "import rasa.telemetry as t; print(t.is_telemetry_enabled())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**demo_environment(), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr[-2000:]
