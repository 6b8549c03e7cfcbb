"""Database fixtures: a migrated SQLite database per test."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.core import db
from bot.core.migrate import upgrade


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the settings from its own environment."""
    from bot.core.settings import reset_settings

    reset_settings()
    yield
    reset_settings()


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> Iterator[str]:
    """A fresh SQLite database, migrated to head, set as DATABASE_URL."""
    from bot.core.settings import reset_settings

    url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings()
    upgrade(url)
    yield url
    db.dispose_engines()
    reset_settings()


@pytest.fixture()
def session(db_url) -> Iterator[Session]:
    """A session on the fresh database; committed work is visible to other sessions."""
    s = db.session_factory(db_url)()
    try:
        yield s
    finally:
        s.close()
