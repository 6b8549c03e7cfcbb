"""No usage data leaves the machine: every process the helpline starts has Rasa telemetry off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.cli import run
from bot.cli.run import Services, demo_environment


def test_every_started_process_has_telemetry_off_even_if_the_caller_turned_it_on(
    monkeypatch, tmp_path
):
    started = []

    class FakePopen:
        def __init__(self, args, cwd=None, env=None, stdout=None, stderr=None):
            started.append((args, env))

        def poll(self):
            return None

    monkeypatch.setattr(run.subprocess, "Popen", FakePopen)
    env = demo_environment()
    env["RASA_TELEMETRY_ENABLED"] = "true"
    services = Services(Path("model.tar.gz"), env, config_dir=tmp_path)
    services.start()
    assert {args[1] if args[0].endswith("rasa") else args[-1] for args, _ in started} == {
        "run",
        "bot.console",
        "bot.cli.worker",
    }
    assert len(started) == 4
    assert all(e["RASA_TELEMETRY_ENABLED"] == "false" for _, e in started)
    # The console and the worker run through the log-masking launcher.
    for args, _ in started:
        if args[0] == sys.executable:
            assert args[1:3] == ["-m", "bot.core.logging_setup"]


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
