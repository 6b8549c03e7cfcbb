"""Database engine, sessions, the declarative base and the UTC column type every table uses."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

from bot.core.settings import get_settings

Base = declarative_base()

_engines: dict[str, Engine] = {}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, PostgreSQL does; converting on the way in and out gives
    both the same behaviour, so comparisons with `now` work on either.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def get_engine(url: Optional[str] = None) -> Engine:
    """One engine per database URL, created on first use."""
    url = url or get_settings().DATABASE_URL
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # SQLAlchemy 1.4 opens a new SQLite connection (and runs the pragmas) for every
            # session unless told to pool; the action server opens several per message.
            engine = create_engine(
                url,
                future=True,
                poolclass=QueuePool,
                pool_size=5,
                max_overflow=10,
                connect_args={"timeout": 30, "check_same_thread": False},
            )
            event.listen(engine, "connect", sqlite_pragmas)
        else:
            engine = create_engine(url, future=True, pool_pre_ping=True, pool_size=10)
        _engines[url] = engine
    return engine


def session_factory(url: Optional[str] = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker) -> Iterator[Session]:
    """A session of `factory` that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session on `url` (default: the settings') that commits on success."""
    with transaction(session_factory(url)) as session:
        yield session


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
