"""Database fixtures: a migrated SQLite database per test.

The migrations run once per test run (once per xdist worker) into a template file; each
test gets a copy of it, a millisecond instead of the seconds Alembic takes.
"""

from __future__ import annotations

import shutil
from pathlib import Path
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


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head, made once per run; copy it, never open it."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = db._engines.pop(url)
    engine.dispose()  # the last connection closed: SQLite folds its WAL into the file
    return path


def migrated_copy(template: Path, path: Path) -> str:
    """A copy of the migrated template at `path`; its SQLite URL."""
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return f"sqlite:///{path}"


@pytest.fixture()
def db_url(tmp_path, monkeypatch, migrated_template) -> Iterator[str]:
    """A fresh SQLite database, migrated to head, set as DATABASE_URL."""
    from bot.core.settings import reset_settings

    url = migrated_copy(migrated_template, tmp_path / "test.db")
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings()
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
