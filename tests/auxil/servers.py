"""PostgreSQL and Redis servers for tests, started from Debian packages (owned by the tickets work).

`pg_url` and `redis_url` are session-scoped: one throwaway server each per test run,
on a free loopback port, stopped and deleted at the end. `pg_db_url` gives each test
its own freshly migrated PostgreSQL database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENSURE = ROOT / "scripts" / "ensure_services.sh"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Optional[Path]:  # noqa: UP045 (house style)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _ensure_services() -> None:
    if _pg_bin() is None or shutil.which("redis-server") is None:
        subprocess.run(["bash", str(ENSURE)], check=True)


def _as_postgres(cmd: List[str]) -> List[str]:
    # PostgreSQL refuses to run as root; tests in CI may already run as another user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a throwaway PostgreSQL server (database "postgres", user "postgres")."""
    _ensure_services()
    bindir = _pg_bin()
    assert bindir is not None, "PostgreSQL binaries not found after ensure_services.sh"
    base = Path(tempfile.mkdtemp(prefix="madadgar-pg-"))
    data, sock = base / "data", base / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        for sub in (data, sock):
            shutil.chown(sub, "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    options = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(base / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(
                [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def pg_db_url(pg_url: str) -> Iterator[str]:
    """A new PostgreSQL database migrated to head, dropped after the test."""
    from sqlalchemy import create_engine, text

    from bot.core import db
    from bot.core.migrate import upgrade

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    try:
        yield url
    finally:
        engine = db._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def running_redis(*extra: str, password: Optional[str] = None) -> Iterator[int]:
    """A throwaway redis-server on a free loopback port (no persistence); its port.
    With `password`, it refuses clients that do not give it (requirepass)."""
    _ensure_services()
    import redis

    port = free_port()
    workdir = tempfile.mkdtemp(prefix="madadgar-redis-")
    auth = ["--requirepass", password] if password else []
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", workdir, *auth, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, password=password)
    try:
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not answer")
        yield port
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a throwaway redis-server on a free loopback port (no persistence)."""
    with running_redis() as port:
        yield f"redis://127.0.0.1:{port}/0"
