"""Rasa test stories: every flow in English, Urdu script and Roman Urdu, predicted by the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.settings import ROOT

pytestmark = pytest.mark.model


def test_every_conversation_story_is_predicted_as_written(
    trained_model: Path, tmp_path: Path
) -> None:
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run(
        [
            str(rasa),
            "test",
            "core",
            "--stories",
            str(ROOT / "tests" / "stories"),
            "--model",
            str(trained_model),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    failed = tmp_path / "failed_test_stories.yml"
    report = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, f"stories failed:\n{report}\n{result.stderr[-3000:]}"
    assert "None of the test stories failed" in report
