"""One settings object: only bot/core/settings.py reads the environment."""

from __future__ import annotations

import re

from bot.core.settings import ROOT, Settings

# Reading a variable's value. Handing the whole environment on to a child process
# (`dict(os.environ)`) is not reading a setting.
ENV_READ = re.compile(r"os\.environ\.get\(|os\.getenv\(|getenv\(|os\.environ\[|environ\.pop\(")


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "actions")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "bot" / "core" / "settings.py"
        and ENV_READ.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_every_setting_comes_from_the_variable_of_its_name(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("STAFF_TELEGRAM_MODE", "webhook")
    monkeypatch.setenv("SMS_MAX_SEGMENTS", "2")
    settings = Settings()
    assert (settings.RETENTION_DAYS, settings.STAFF_TELEGRAM_MODE, settings.SMS_MAX_SEGMENTS) == (
        30,
        "webhook",
        2,
    )
