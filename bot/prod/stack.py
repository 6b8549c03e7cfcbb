"""Starts and stops the whole production stack on one host, in dependency order."""

from __future__ import annotations

import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from bot.core.settings import ROOT, set_explicitly
from bot.prod import nginx
from bot.prod.datastores import Postgres, Redis
from bot.prod.layout import LOCK_STORE_TYPE, Layout
from bot.prod.procs import ProcessTable, wait_http
from bot.rasa_plugins.launch import action_server_command, rasa_server_command, write_rasa_files

SECRET_NAMES = ("RASA_TOKEN", "CONSOLE_SECRET_KEY", "HASH_KEY")
DEFAULT_MODEL = ROOT / "models" / "madadgar.tar.gz"


class Stack:
    """PostgreSQL, Redis, N Rasa replicas, M action servers and their fallback, nginx,
    console and worker."""

    def __init__(self, layout: Layout, model: Optional[Path] = None) -> None:
        self.layout = layout
        self.model = model
        self.table = ProcessTable(layout.run_dir, layout.log_dir)
        self.postgres = Postgres(layout)
        self.redis = Redis(layout, self.table)
        self.timings: Dict[str, float] = {}

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
        from bot.cli.run import demo_environment

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
                "SANIC_HOST": lay.host,  # rasa_sdk binds here instead of 0.0.0.0
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(lay.extra_env)
        return env

    def write_rasa_files(self, env: Dict[str, str]) -> tuple[Path, Path]:
        endpoints, credentials, _ = write_rasa_files(self.layout.var_dir, env)
        return endpoints, credentials

    # ------------------------------------------------------------ steps
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
        urls = {k: env[k] for k in ("DATABASE_URL", "TRACKER_DB_URL")}
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

    def start_action_server(self, index: int, env: Dict[str, str]) -> int:
        port = self.layout.action_ports[index]
        return self.table.start(f"actions-{index}", action_server_command(port), env)

    def start_action_fallback(self, env: Dict[str, str]) -> int:
        lay = self.layout
        args = [sys.executable, "-m", "bot.rasa_plugins.action_fallback"]
        args += ["--host", lay.host, "--port", str(lay.action_fallback_port)]
        return self.table.start("action-fallback", args, env)

    def start_rasa(
        self, index: int, env: Dict[str, str], endpoints: Path, credentials: Path
    ) -> int:
        lay = self.layout
        assert self.model is not None
        args = rasa_server_command(
            self.model,
            endpoints,
            credentials,
            lay.rasa_ports[index],
            host=lay.host,
            auth_token=env["RASA_TOKEN"],
        )
        return self.table.start(f"rasa-{index}", args, env)

    def start_console(self, env: Dict[str, str]) -> int:
        return self.table.start("console", [sys.executable, "-m", "bot.console"], env)

    def start_worker(self, env: Dict[str, str]) -> int:
        return self.table.start("worker", [sys.executable, "-m", "bot.cli.worker"], env)

    def wait_rasa(self, index: int, timeout: float = 900) -> float:
        port = self.layout.rasa_ports[index]
        pid = self.table.recorded_pid(f"rasa-{index}")
        return wait_http(self.layout.url(port, "/"), timeout, pid, f"rasa-{index}")

    def wait_actions(self, index: int, timeout: float = 300) -> float:
        port = self.layout.action_ports[index]
        pid = self.table.recorded_pid(f"actions-{index}")
        return wait_http(self.layout.url(port, "/health"), timeout, pid, f"actions-{index}")

    # ------------------------------------------------------------ whole stack
    def up(self, seed: bool = True, console: bool = True, worker: bool = True) -> Dict[str, str]:
        """Start everything not already running; returns the URLs to print."""
        if self.model is None or not Path(self.model).exists():
            raise RuntimeError(
                f"no trained model at {self.model}: the lead trains models/madadgar.tar.gz"
            )
        lay = self.layout
        started = time.monotonic()
        self.model = self.stage_model(Path(self.model))
        self.start_datastores()
        env = self.env()
        endpoints, credentials = self.write_rasa_files(env)
        self.prepare_databases(env, endpoints, seed=seed)
        for i in range(lay.action_replicas):
            if self.table.pid(f"actions-{i}") is None:
                self.start_action_server(i, env)
        for i in range(lay.rasa_replicas):
            if self.table.pid(f"rasa-{i}") is None:
                self.start_rasa(i, env, endpoints, credentials)
        if self.table.pid("action-fallback") is None:
            self.start_action_fallback(env)
        if self.table.pid("nginx") is None:
            nginx.start(lay, self.table, env)
        if console and self.table.pid("console") is None:
            self.start_console(env)
        if worker and self.table.pid("worker") is None:
            self.start_worker(env)
        fallback = lay.url(lay.action_fallback_port, "/health")
        pid = self.table.recorded_pid("action-fallback")
        self.timings["action-fallback"] = wait_http(fallback, 30, pid, "action-fallback")
        for i in range(lay.action_replicas):
            self.timings[f"actions-{i}"] = self.wait_actions(i)
        for i in range(lay.rasa_replicas):
            self.timings[f"rasa-{i}"] = self.wait_rasa(i)
        wait_http(
            lay.url(lay.public_port, "/health"), 30, self.table.recorded_pid("nginx"), "nginx"
        )
        if console:
            pid = self.table.recorded_pid("console")
            wait_http(lay.url(lay.console_port, "/login"), 120, pid, "console")
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
        """Stop application processes first, then nginx, Redis and PostgreSQL."""
        stopped = []
        order = ["worker", "console", "nginx"]
        names = self.table.names()
        order += [n for n in names if n.startswith("rasa-")]
        order += [n for n in names if n.startswith("actions-")]
        order += [n for n in names if n not in order and n != "redis"] + ["redis"]
        for name in order:
            if self.table.stop(name):
                stopped.append(name)
        if self.layout.database_url is None and self.postgres.running():
            self.postgres.stop()
            stopped.append("postgres")
        return stopped

    def status(self) -> Dict[str, Optional[int]]:
        status: Dict[str, Optional[int]] = {n: self.table.pid(n) for n in self.table.names()}
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
