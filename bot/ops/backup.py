"""`madadgar backup` / `madadgar restore`: the databases and the vault key, in one file.

A backup is a tar file (mode 600) holding:

* `madadgar.*` and `tracker.*`: the application database (registry, tickets and their
  events, staff, the CNIC vault, channel state) and Rasa's conversations. SQLite is copied
  with SQLite's online backup API (a consistent snapshot while the helpline runs);
  PostgreSQL with `pg_dump --format=custom` (one snapshot per database);
* `keys.env`: the key material without which the copy is unreadable: `HASH_KEY` keys the
  CNIC vault and the sealed channel state (a restore under another key orphans every
  vaulted CNIC), and any other `*_KEY` setting of the vault;
* `manifest.json`: when, from which kind of database, and the row count of every table,
  which `restore` checks after loading.

    madadgar backup [--out DIR]                       # var/backups/madadgar-<UTC time>.tar
    madadgar restore FILE [--database-url URL] [--tracker-url URL] [--force]

Restore loads into the configured (or given) databases, refuses to overwrite one that
already holds tickets unless `--force`, and says whether this deployment's HASH_KEY is the
one of the backup (if not, it writes the backup's keys next to the file for the operator).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.core.settings import VAR_DIR, Settings, get_settings

FORMAT = 1
# The vault's keys: HASH_KEY derives the vault and channel-state seals; a separate vault
# key, where a deployment has one, is kept the same way.
KEY_SETTINGS = ("HASH_KEY", "VAULT_KEY", "CNIC_VAULT_KEY")
DATABASES = ("madadgar", "tracker")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked (the message says why)."""


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(f"not a file database: {url}")
    return Path(database)


def libpq_url(url: str) -> str:
    """postgresql://user:pw@host:port/db from SQLAlchemy's postgresql+psycopg2://..."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts(url: str) -> Dict[str, int]:
    """Rows in every table of the database at `url`."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {
                t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)
                for t in sorted(tables)
            }
    finally:
        engine.dispose()


# ---------------------------------------------------------------- one database


def dump(url: str, target: Path) -> Path:
    """A consistent copy of the database at `url` in `target` (+ .sqlite or .pgdump)."""
    if _is_sqlite(url):
        out = target.with_suffix(".sqlite")
        source = sqlite3.connect(str(_sqlite_path(url)), timeout=30)
        copy = sqlite3.connect(str(out))
        try:
            source.backup(copy)  # the online backup API: writers may go on meanwhile
        finally:
            copy.close()
            source.close()
        return out
    out = target.with_suffix(".pgdump")
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out), libpq_url(url)])
    return out


def load(dumped: Path, url: str) -> None:
    """Load a `dump` into the (existing or new) database at `url`, replacing its tables."""
    if dumped.suffix == ".sqlite":
        if not _is_sqlite(url):
            raise BackupError(f"{dumped.name} is a SQLite copy; {url} is not SQLite")
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        source = sqlite3.connect(str(dumped))
        target = sqlite3.connect(str(path))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if _is_sqlite(url):
        raise BackupError(f"{dumped.name} is a PostgreSQL dump; {url} is SQLite")
    args = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error"]
    _run([*args, "--dbname", libpq_url(url), str(dumped)])


def _run(args: List[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} not found (Debian: apt-get install postgresql-client)")
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-500:]}")


# ---------------------------------------------------------------- whole backups


def key_material(settings: Settings) -> Dict[str, str]:
    return {k: str(getattr(settings, k)) for k in KEY_SETTINGS if getattr(settings, k, None)}


def backup(
    out_dir: Path,
    database_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
    settings: Optional[Settings] = None,
) -> Path:
    """Write one backup file in `out_dir`; returns its path."""
    settings = settings or get_settings()
    urls = {
        "madadgar": database_url or settings.DATABASE_URL,
        "tracker": tracker_url or settings.TRACKER_DB_URL,
    }
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"madadgar-{stamp}.tar"
    manifest: Dict[str, object] = {"format": FORMAT, "created_at": stamp, "databases": {}}
    with tempfile.TemporaryDirectory(prefix="madadgar-backup-") as tmp:
        files: List[Path] = []
        for name, url in urls.items():
            if _is_sqlite(url) and not _sqlite_path(url).exists():
                continue  # e.g. no conversation yet
            counts = row_counts(url)  # before the copy: the copy holds at least these rows
            dumped = dump(url, Path(tmp) / name)
            files.append(dumped)
            manifest["databases"][name] = {"file": dumped.name, "rows": counts}  # type: ignore[index]
        keys = "".join(f"{k}={v}\n" for k, v in key_material(settings).items())
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            for path in files:
                tar.add(path, arcname=path.name)
            _add_bytes(tar, "keys.env", keys.encode())
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    return archive


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def read_keys(archive: Path) -> Dict[str, str]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("keys.env")
        text_ = member.read().decode() if member else ""
    return dict(line.split("=", 1) for line in text_.splitlines() if "=" in line)


def restore(
    archive: Path,
    database_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
    force: bool = False,
    settings: Optional[Settings] = None,
) -> Dict[str, Dict[str, int]]:
    """Load `archive` into the databases; returns the row counts found after loading.

    Raises BackupError when a target already holds tickets (unless `force`) or when a
    table has fewer rows than the backup recorded."""
    settings = settings or get_settings()
    urls = {
        "madadgar": database_url or settings.DATABASE_URL,
        "tracker": tracker_url or settings.TRACKER_DB_URL,
    }
    found: Dict[str, Dict[str, int]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="madadgar-restore-") as tmp,
        tarfile.open(archive) as tar,
    ):
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        for name, about in manifest["databases"].items():
            url = urls[name]
            if not force and _holds_tickets(url):
                raise BackupError(
                    f"{make_url(url).render_as_string()} already holds tickets: "
                    "restore into a fresh database, or pass --force to replace it"
                )
            load(Path(tmp) / about["file"], url)
            found[name] = row_counts(url)
            short = {
                t: (n, found[name].get(t, 0))
                for t, n in about["rows"].items()
                if found[name].get(t, 0) < n
            }
            if short:
                raise BackupError(f"{name}: tables short after restore (expected, found): {short}")
    return found


def _holds_tickets(url: str) -> bool:
    if _is_sqlite(url) and not _sqlite_path(url).exists():
        return False
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            if "ticket" not in inspect(conn).get_table_names():
                return False
            return bool(conn.execute(text("SELECT count(*) FROM ticket")).scalar())
    except Exception:  # noqa: BLE001 - a database that does not exist yet holds nothing
        return False
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="write a backup file")
    b.add_argument("--out", type=Path, default=VAR_DIR / "backups", help="directory")
    r = sub.add_parser("restore", help="load a backup file")
    r.add_argument("file", type=Path)
    r.add_argument("--force", action="store_true", help="replace a database that has tickets")
    for p in (b, r):
        p.add_argument("--database-url", help="default: DATABASE_URL")
        p.add_argument("--tracker-url", help="default: TRACKER_DB_URL")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            path = backup(args.out, args.database_url, args.tracker_url)
            print(f"backup written: {path}")
            print("It holds HASH_KEY: keep it as safely as the database itself.")
            return 0
        found = restore(args.file, args.database_url, args.tracker_url, args.force)
    except BackupError as e:
        print(f"madadgar {args.command}: {e}")
        return 1
    for name, counts in found.items():
        print(f"restored {name}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    keys = read_keys(args.file)
    current = key_material(get_settings())
    if keys and keys != current:
        out = args.file.with_suffix(".keys.env")
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("".join(f"{k}={v}\n" for k, v in keys.items()))
        print(
            f"This deployment's keys differ from the backup's: set them from {out} "
            "before starting, or vaulted CNICs cannot be read."
        )
    return 0
