"""Backup drill: a backup restored into a fresh database holds every ticket, event and row."""

from __future__ import annotations

import json
import stat
import tarfile
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.cli.setup import setup
from bot.core import db
from bot.core.settings import Settings
from bot.ops.backup import BackupError, backup, read_keys, restore
from bot.privacy.vault import CnicVault
from bot.tickets.service import get_ticket, open_ticket
from bot.tickets.workflow import add_note
from tests.tickets.helpers import CNIC, MONDAY_10AM, OTHER_CNIC, deduction

KEY = "drill-hash-key-0123456789abcdefghijklmnop"
PERSONA_CNIC = "3230399000012"


def _fill(url: str, tracker_url: str) -> Tuple[List[str], str]:
    """Registry, staff, three tickets with events, a vaulted CNIC and conversations."""
    setup(url, synthetic_households=15)
    numbers = []
    with db.session_scope(url) as session:
        for i, cnic in enumerate((CNIC, OTHER_CNIC, PERSONA_CNIC)):
            new = deduction(cnic=cnic, sender_id=f"whatsapp:+92300123456{i}")
            ticket = open_ticket(session, new, MONDAY_10AM + timedelta(hours=i)).ticket
            add_note(session, ticket, "sup-muzaffargarh", f"called the retailer ({i})")
            numbers.append(ticket.number)
        reference = CnicVault(session, KEY).put(CNIC)
    engine = create_engine(tracker_url, future=True)  # stands in for Rasa's events table
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE events (id integer primary key, sender_id text, data text)")
        )
        for i in range(5):
            conn.execute(
                text("INSERT INTO events (id, sender_id, data) VALUES (:i, :s, :d)"),
                {"i": i + 1, "s": f"sms:+9230000000{i % 2}", "d": json.dumps({"event": "user"})},
            )
    engine.dispose()
    return numbers, reference


def _everything(url: str) -> Dict[str, List[tuple]]:
    """Every row of every table, in a stable order."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            return {
                t: sorted(
                    (tuple(map(str, r)) for r in conn.execute(text(f'SELECT * FROM "{t}"'))),
                )
                for t in tables
            }
    finally:
        engine.dispose()


def _drill(src: str, src_tracker: str, dst: str, dst_tracker: str, out: Path) -> None:
    numbers, reference = _fill(src, src_tracker)
    settings = Settings(DATABASE_URL=src, TRACKER_DB_URL=src_tracker, HASH_KEY=KEY)
    archive = backup(out, settings=settings)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds the vault key
    assert read_keys(archive) == {"HASH_KEY": KEY}
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["databases"]["madadgar"]["rows"]["ticket"] == 3

    restore(archive, dst, dst_tracker, settings=settings)

    before, after = _everything(src), _everything(dst)
    assert after == before
    assert {"ticket", "ticket_event", "person", "household", "enrolment"} <= set(after)
    assert len(after["ticket_event"]) >= 6 and len(after["person"]) >= 15
    assert _everything(dst_tracker) == _everything(src_tracker)
    with db.session_scope(dst) as session:
        assert all(get_ticket(session, n) is not None for n in numbers)
        assert CnicVault(session, KEY).resolve(reference) == CNIC  # the key opens the copy

    with pytest.raises(BackupError, match="already holds tickets"):
        restore(archive, dst, dst_tracker, settings=settings)


def test_sqlite_backup_restores_every_row_into_a_fresh_database(tmp_path: Path) -> None:
    src = f"sqlite:///{tmp_path / 'live' / 'madadgar.db'}"
    src_tracker = f"sqlite:///{tmp_path / 'live' / 'tracker.db'}"
    dst = f"sqlite:///{tmp_path / 'fresh' / 'madadgar.db'}"
    dst_tracker = f"sqlite:///{tmp_path / 'fresh' / 'tracker.db'}"
    try:
        _drill(src, src_tracker, dst, dst_tracker, tmp_path / "backups")
    finally:
        db.dispose_engines()


@pytest.fixture()
def pg_databases(pg_url: str) -> Iterator[List[str]]:
    """Four empty PostgreSQL databases (live, live tracker, fresh, fresh tracker)."""
    names = [f"drill_{uuid.uuid4().hex[:8]}_{i}" for i in range(4)]
    admin = create_engine(pg_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = pg_url.rsplit("/", 1)[0]
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_backup_restores_every_row_into_a_fresh_database(
    pg_databases: List[str], tmp_path: Path
) -> None:
    _drill(*pg_databases, tmp_path / "backups")
