"""PostgreSQL and Redis servers from the Debian packages, data kept under the stack's var dir."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import List, Optional

from bot.core.settings import ROOT
from bot.ops.procs import ProcessTable
from bot.prod.layout import Layout

ENSURE = ROOT / "scripts" / "ensure_services.sh"
DATABASES = ("madadgar", "madadgar_tracker")
# Sized for 2 cores: every Rasa replica, action server, console and worker keeps a pool.
PG_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "max_connections": "300",
    "shared_buffers": "256MB",
    "work_mem": "8MB",
    "maintenance_work_mem": "256MB",
    "synchronous_commit": "on",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "2GB",
    "checkpoint_timeout": "15min",
}


def pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        subprocess.run(["bash", str(ENSURE)], check=True)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent


def _as_postgres(cmd: List[str]) -> List[str]:
    # PostgreSQL refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    """A PostgreSQL cluster in `<var>/postgres`, started and stopped with pg_ctl."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.data = layout.var_dir / "postgres"
        self.logfile = layout.log_dir / "postgres.log"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(pg_bindir() / "pg_ctl"), "-D", str(self.data), *args]
        return subprocess.run(_as_postgres(cmd), check=check, capture_output=True, text=True)

    def init(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(parents=True, exist_ok=True)
        self.layout.log_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            self.data.chmod(0o700)
            shutil.chown(self.layout.log_dir, "postgres")
        initdb = [str(pg_bindir() / "initdb"), "-D", str(self.data), "-U", "postgres"]
        initdb += ["-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
        done = subprocess.run(_as_postgres(initdb), capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
        if not self.layout.host.startswith("127."):
            # Listening on a host address (the multi-host drill's private network of
            # namespaces): trust that subnet as initdb trusts loopback. Real hosts use a
            # managed PostgreSQL with passwords (docs/deploy.md).
            with open(self.data / "pg_hba.conf", "a", encoding="utf-8") as hba:
                hba.write("host all all samenet trust\n")

    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def start(self) -> None:
        self.init()
        if self.running():
            return
        # pg_ctl hands -o to /bin/sh, so '' is an empty value (no Unix socket).
        # On a host of its own PostgreSQL listens on that host's address, not loopback.
        options = {**PG_OPTIONS, "listen_addresses": self.layout.host}
        opts = " ".join(f"-c {k}={v or repr('')}" for k, v in options.items())
        opts = f"-p {self.layout.postgres_port} {opts}"
        self._pg_ctl("-o", opts, "-l", str(self.logfile), "-w", "-t", "120", "start")
        self.create_databases()

    def create_databases(self) -> None:
        import psycopg2

        conn = psycopg2.connect(
            host=self.layout.host, port=self.layout.postgres_port, user="postgres"
        )
        conn.autocommit = True
        with conn.cursor() as cur:
            for name in DATABASES:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    def stop(self, mode: str = "fast") -> None:
        if self.data.exists() and self.running():
            self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again (fault tests)."""
        self.stop(mode)
        self.start()


class Redis:
    """redis-server with append-only persistence in `<var>/redis`, tracked by pid file."""

    def __init__(self, layout: Layout, table: ProcessTable) -> None:
        self.layout = layout
        self.table = table
        self.dir = layout.var_dir / "redis"

    def start(self) -> None:
        if self.table.pid("redis") is not None:
            return
        if shutil.which("redis-server") is None:
            subprocess.run(["bash", str(ENSURE)], check=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        args = ["redis-server", "--port", str(self.layout.redis_port), "--bind", self.layout.host]
        args += ["--dir", str(self.dir), "--appendonly", "yes", "--save", ""]
        # Protected mode refuses all but loopback; on a host address (the drill's private
        # network) the bind address is the protection, as for PostgreSQL above.
        protected = "yes" if self.layout.host.startswith("127.") else "no"
        args += ["--protected-mode", protected, "--daemonize", "no"]
        pid = self.table.start("redis", args, dict(os.environ))
        self.wait(pid)

    def wait(self, pid: Optional[int] = None, timeout: float = 30) -> None:
        import redis

        client = redis.Redis(host=self.layout.host, port=self.layout.redis_port)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not answer") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        self.table.stop("redis")

    def restart(self) -> None:
        self.stop()
        self.start()
