"""Hosts that start together migrate one PostgreSQL database without tripping over each other."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def test_four_hosts_migrating_one_new_database_at_once_all_succeed(pg_url: str) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        code = f"from bot.core.migrate import upgrade; upgrade({url!r})"
        hosts = [
            subprocess.Popen(
                [sys.executable, "-c", code],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for _ in range(4)
        ]
        outputs = [(h.wait(timeout=300), h.stdout.read().decode(errors="replace")) for h in hosts]
        assert [rc for rc, _ in outputs] == [0, 0, 0, 0], [out[-1500:] for _, out in outputs]
        engine = create_engine(url, future=True)
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        engine.dispose()
        assert len(versions) == 1
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
