"""Starts and stops the whole production stack on one host, in dependency order."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from bot.core.settings import ROOT, set_explicitly
from bot.ops.launch import action_server_command, rasa_server_command, write_rasa_files
from bot.ops.procs import ProcessTable, wait_http
from bot.ops.supervise import Program, Supervisor
from bot.prod import nginx
from bot.prod.datastores import Postgres, Redis
from bot.prod.layout import LOCK_STORE_TYPE, Layout

SECRET_NAMES = (
    "RASA_TOKEN",
    "CONSOLE_SECRET_KEY",
    "HASH_KEY",
    "VAULT_KEY",
    "ACTION_SERVER_SECRET",
    "REST_CHANNEL_TOKEN",
)
DEFAULT_MODEL = ROOT / "models" / "madadgar.tar.gz"


class Stack:
    """PostgreSQL, Redis, N Rasa replicas, M action servers and their fallback, nginx,
    console and worker; all but the datastores run under one supervisord (bot.ops)."""

    def __init__(self, layout: Layout, model: Optional[Path] = None) -> None:
        self.layout = layout
        self.model = model
        self.table = ProcessTable(layout.run_dir, layout.log_dir)
        self.postgres = Postgres(layout)
        self.redis = Redis(layout, self.table)
        self.timings: Dict[str, float] = {}
        self._supervisor: Optional[Supervisor] = None

    # ------------------------------------------------------------ configuration
    def secrets(self) -> Dict[str, str]:
        """Per-stack secrets, made once and kept in <var>/secrets.env (mode 600)."""
        path = self.layout.var_dir / "secrets.env"
        values: Dict[str, str] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                key, _, value = line.partition("=")
                values[key] = value
        for name in SECRET_NAMES:
            values[name] = set_explicitly(name) or values.get(name) or secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        return values

    def env(self) -> Dict[str, str]:
        """The environment every Madadgar process of this stack runs with."""
        from bot.core.environment import demo_environment

        lay = self.layout
        env = demo_environment()
        env.update(self.secrets())
        env.update(
            {
                "DATABASE_URL": lay.db_url,
                "TRACKER_DB_URL": lay.tracker_url,
                "REDIS_URL": lay.lock_redis_url,
                "LOCK_STORE_TYPE": LOCK_STORE_TYPE,
                "RASA_URL": lay.url(lay.internal_port),
                "ACTION_SERVER_URL": lay.url(lay.action_lb_port, "/webhook"),
                "PUBLIC_BASE_URL": lay.url(lay.public_port),
                "CONSOLE_HOST": lay.host,
                "CONSOLE_PORT": str(lay.console_port),
                "ACTION_SERVER_HOST": lay.host,
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(lay.extra_env)
        return env

    def write_rasa_files(self, env: Dict[str, str]) -> tuple[Path, Path]:
        endpoints, credentials, _ = write_rasa_files(self.layout.var_dir, env)
        return endpoints, credentials

    def start_datastores(self) -> None:
        t = time.monotonic()
        if self.layout.database_url is None:
            self.postgres.start()
        if self.layout.redis_url is None:
            self.redis.start()
        self.timings["datastores"] = time.monotonic() - t

    def prepare_databases(self, env: Dict[str, str], endpoints: Path, seed: bool = True) -> None:
        """Alembic migrations, demo data, and Rasa's tracker table (before any replica)."""
        from bot.core import db
        from bot.core.migrate import upgrade
        from bot.core.settings import overridden

        t = time.monotonic()
        # endpoints.yml names ${ACTION_SERVER_SECRET}: reading it needs the value too.
        names = ("DATABASE_URL", "TRACKER_DB_URL", "ACTION_SERVER_SECRET")
        urls = {k: env[k] for k in names if k in env}
        try:
            with overridden(**urls):
                upgrade(env["DATABASE_URL"])
                if seed:
                    seed_demo_data(env["DATABASE_URL"])
                create_tracker_schema(endpoints)
        finally:
            db.dispose_engines()
        self.timings["migrate_and_seed"] = time.monotonic() - t

    def stage_model(self, model: Path) -> Path:
        """A private copy, so retraining models/ never changes what running replicas load."""
        target = self.layout.var_dir / "model" / model.name
        if model.resolve() == target.resolve():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_mtime < model.stat().st_mtime:
            shutil.copy2(model, target)
        return target

    def action_server_command(self, index: int) -> List[str]:
        port = self.layout.action_ports[index]
        return action_server_command(port, host=self.layout.host)

    def action_fallback_command(self) -> List[str]:
        lay = self.layout
        args = [sys.executable, "-m", "bot.rasa_plugins.action_fallback"]
        return args + ["--host", lay.host, "--port", str(lay.action_fallback_port)]

    def rasa_command(
        self, index: int, env: Dict[str, str], endpoints: Path, credentials: Path
    ) -> List[str]:
        lay = self.layout
        assert self.model is not None
        return rasa_server_command(
            self.model,
            endpoints,
            credentials,
            lay.rasa_ports[index],
            host=lay.host,
            auth_token=env["RASA_TOKEN"],
        )

    def console_command(self) -> List[str]:
        return [sys.executable, "-m", "bot.console"]

    def programs(
        self,
        env: Dict[str, str],
        endpoints: Path,
        credentials: Path,
        console: bool = True,
        worker: bool = True,
    ) -> List[Program]:
        """Every process supervisord keeps running for this stack."""
        lay = self.layout
        progs = [
            Program(
                f"actions-{i}",
                self.action_server_command(i),
                f"action server {i}",
                startsecs=10,
                health_url=lay.url(port, "/health"),
            )
            for i, port in enumerate(lay.action_ports)
        ]
        progs += [
            Program(
                f"rasa-{i}",
                self.rasa_command(i, env, endpoints, credentials),
                f"Rasa replica {i}",
                startsecs=30,
                health_url=lay.url(port, "/"),
            )
            for i, port in enumerate(lay.rasa_ports)
        ]
        progs += [
            Program(
                "action-fallback",
                self.action_fallback_command(),
                "action fallback",
                startsecs=2,
                health_url=lay.url(lay.action_fallback_port, "/health"),
            ),
            Program(
                "nginx",
                nginx.supervised_command(nginx.write_config(lay), lay),
                "nginx",
                startsecs=5,  # longer than nginx's own retries to bind a port
                health_url=lay.url(lay.public_port, "/health"),
            ),
        ]
        if console:
            url = lay.url(lay.console_port, "/login")
            progs.append(Program("console", self.console_command(), "staff console", 5, url))
        if worker:
            progs.append(Program("worker", [sys.executable, "-m", "bot.cli.worker"], "worker"))
        for program in progs:  # each its own loopback /metrics port (bot.core.metrics)
            if program.name.partition("-")[0] in ("rasa", "actions", "console", "worker"):
                program.environment["METRICS_PORT"] = str(lay.metrics_port(program.name))
        return progs

    @property
    def supervisor(self) -> Supervisor:
        """The stack's supervisord (configuration from the last `up`)."""
        if self._supervisor is None:
            self._supervisor = Supervisor(self.layout.run_dir, self.layout.log_dir, [])
        return self._supervisor

    def pid(self, name: str) -> Optional[int]:
        """The running process `name` (a supervised program, redis or supervisord)."""
        if name in ("redis", "supervisord"):
            return self.table.pid(name)
        if self.table.pid("supervisord") is None:
            return None
        try:
            return self.supervisor.pid(name)
        except Exception:  # noqa: BLE001 - no such program
            return None

    def kill(self, name: str) -> int:
        """SIGKILL one process, as an out-of-memory kill would; supervisord restarts it."""
        return self.supervisor.kill(name)

    def restart(self, name: str) -> None:
        self.supervisor.restart(name)

    def wait(self, name: str, timeout: float = 900) -> float:
        """Seconds until the supervised program `name` answers its health URL."""
        program = self.supervisor.catalogue().get(name) or {}
        url = program.get("health_url")
        if not url:
            return 0.0
        start = time.monotonic()
        while True:
            try:
                pid = self.supervisor.pid(name)
            except Exception:  # noqa: BLE001 - supervisord busy restarting it
                pid = None
            left = timeout - (time.monotonic() - start)
            try:
                wait_http(url, min(left, 5.0), pid, name)
                return time.monotonic() - start
            except RuntimeError:
                if name in self.supervisor.fatal():
                    raise RuntimeError(
                        f"{name} keeps crashing; see {self.layout.log_dir}"
                    ) from None
                if time.monotonic() - start > timeout:
                    raise

    def wait_rasa(self, index: int, timeout: float = 900) -> float:
        return self.wait(f"rasa-{index}", timeout)

    def wait_actions(self, index: int, timeout: float = 300) -> float:
        return self.wait(f"actions-{index}", timeout)

    # ------------------------------------------------------------ whole stack
    def up(self, seed: bool = True, console: bool = True, worker: bool = True) -> Dict[str, str]:
        """Start everything not already running; returns the URLs to print."""
        if self.model is None or not Path(self.model).exists():
            raise RuntimeError(f"no trained model at {self.model}: run `madadgar train` first")
        lay = self.layout
        started = time.monotonic()
        self.model = self.stage_model(Path(self.model))
        self.start_datastores()
        env = self.env()
        endpoints, credentials = self.write_rasa_files(env)
        self.prepare_databases(env, endpoints, seed=seed)
        if self.table.pid("supervisord") is None:
            programs = self.programs(env, endpoints, credentials, console, worker)
            conf = nginx.write_config(lay)
            subprocess.run([*nginx.command(conf, lay), "-t", "-q"], check=True)
            self._supervisor = Supervisor(lay.run_dir, lay.log_dir, programs, lay.db_url)
            self._supervisor.launch(env)
        else:
            self.supervisor.rpc().supervisor.startAllProcesses(False)
        order = ["action-fallback"] + [f"actions-{i}" for i in range(lay.action_replicas)]
        order += [f"rasa-{i}" for i in range(lay.rasa_replicas)] + ["nginx"]
        order += ["console"] if console else []
        for name in order:
            self.timings[name] = self.wait(name)
        self.timings["total"] = time.monotonic() - started
        return self.urls()

    def urls(self) -> Dict[str, str]:
        lay = self.layout
        return {
            "public (channel webhooks only)": lay.url(lay.public_port),
            "internal (REST channel, Rasa API with token; loopback only)": lay.url(
                lay.internal_port
            ),
            "action servers (Rasa replicas only)": lay.url(lay.action_lb_port, "/webhook"),
            "staff console": lay.url(lay.console_port),
            "PostgreSQL": lay.db_url,
            "Redis": lay.lock_redis_url,
        }

    def down(self) -> List[str]:
        """Stop application processes first (supervisord stops each), then Redis and
        PostgreSQL."""
        stopped = []
        if self.table.pid("supervisord") is not None:
            names = [i["name"] for i in self.supervisor.info()]
            if self.supervisor.shutdown():
                stopped += names + ["supervisord"]
        for name in self.table.names():
            if name != "redis" and self.table.stop(name):
                stopped.append(name)
        if self.table.stop("redis"):
            stopped.append("redis")
        if self.layout.database_url is None and self.postgres.running():
            self.postgres.stop()
            stopped.append("postgres")
        return stopped

    def status(self) -> Dict[str, Optional[int]]:
        status: Dict[str, Optional[int]] = {}
        if self.table.pid("supervisord") is not None:
            for info in self.supervisor.info():
                status[info["name"]] = int(info["pid"]) or None
        for name in self.table.names():
            status[name] = self.table.pid(name)
        if self.layout.database_url is None:
            status["postgres"] = 1 if self.postgres.running() else None
        return status


def seed_demo_data(url: str) -> None:
    """Migrations, the demo registry and the demo staff accounts (bot.cli.setup)."""
    from bot.cli.setup import setup

    setup(url)


def create_tracker_schema(endpoints: Path) -> None:
    """Create Rasa's `events` table once, so replicas starting together do not race to."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(endpoints), "tracker_store")
    store = TrackerStore.create(config)
    engine = getattr(store, "engine", None)
    if engine is not None:
        engine.dispose()
