"""Retention job on Rasa's SQL tracker store: old conversations go, active ones stay whole."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.core.settings import reset_settings
from bot.privacy.retention import main, purge, retention_days

DAY = 86400.0
NOW = time.time()


def _conversation(sender: str, started_days_ago: float, last_days_ago: float) -> Any:
    first, last = NOW - started_days_ago * DAY, NOW - last_days_ago * DAY
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_session_start", timestamp=first),
            UserUttered("Assalam o alaikum", timestamp=first),
            BotUttered("How can I help?", timestamp=first),
            UserUttered("payment status", timestamp=last),
            BotUttered("Please send your CNIC", timestamp=last),
        ],
    )


def _store(url: str) -> SQLTrackerStore:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return SQLTrackerStore(dialect="sqlite", db=u.database)
    return SQLTrackerStore(
        dialect="postgresql",
        host=u.host,
        port=u.port,
        db=u.database,
        username=u.username,
        login_db=u.database,
    )


def _texts(store: SQLTrackerStore, sender: str) -> List[str]:
    tracker = asyncio.run(store.retrieve(sender))
    return [] if tracker is None else [e.text for e in tracker.events if hasattr(e, "text")]


def _exercise(url: str) -> Dict[str, List[str]]:
    store = _store(url)
    for sender, started, last in [
        ("old-1", 400, 400),
        ("old-2", 200, 181),
        ("active-long", 365, 2),  # began a year ago, citizen wrote two days ago
        ("recent", 1, 0),
    ]:
        asyncio.run(store.save(_conversation(sender, started, last)))
    engine = create_engine(url, future=True)
    try:
        result = purge(engine, days=180, now=NOW)
        again = purge(engine, days=180, now=NOW)
    finally:
        engine.dispose()
    assert (result.conversations, result.events) == (2, 10)
    assert (again.conversations, again.events) == (0, 0)
    left = {s: _texts(store, s) for s in ("old-1", "old-2", "active-long", "recent")}
    store.engine.dispose()
    return left


def _assert_kept_whole(left: Dict[str, List[str]]) -> None:
    assert left["old-1"] == [] and left["old-2"] == []
    whole = ["Assalam o alaikum", "How can I help?", "payment status", "Please send your CNIC"]
    assert left["active-long"] == whole
    assert left["recent"] == whole


def test_retention_on_sqlite(tmp_path) -> None:
    _assert_kept_whole(_exercise(f"sqlite:///{tmp_path / 'tracker.db'}"))


@pytest.mark.postgres
def test_retention_on_postgresql(pg_db_url: str) -> None:
    _assert_kept_whole(_exercise(pg_db_url))


def test_dry_run_counts_without_deleting(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = _store(url)
    asyncio.run(store.save(_conversation("old", 300, 300)))
    assert main(["--url", url, "--days", "30", "--dry-run"]) == 0
    assert "would delete 1 conversations (5 events)" in capsys.readouterr().out
    assert _texts(store, "old") != []
    assert main(["--url", url, "--days", "30"]) == 0
    assert "deleted 1 conversations (5 events)" in capsys.readouterr().out
    assert _texts(store, "old") == []


def test_days_come_from_retention_days_setting(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert retention_days() == 180
    monkeypatch.setenv("RETENTION_DAYS", "30")
    reset_settings()
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = _store(url)
    asyncio.run(store.save(_conversation("month-old", 45, 45)))
    main(["--url", url])
    assert "retention 30 days: deleted 1 conversations" in capsys.readouterr().out


def test_missing_tracker_table_is_not_an_error(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}", future=True)
    assert purge(engine, days=1).conversations == 0


def test_zero_days_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        retention_days()
