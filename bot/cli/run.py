"""Starts the whole helpline locally: action server, Rasa, console and worker, then a chat."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bot.core.environment import FIXED_ENV, demo_environment
from bot.core.settings import VAR_DIR, get_settings
from bot.ops.supervise import RESTART_LOG, Program, Supervisor

TITLES = {
    "actions": "action server",
    "rasa": "Rasa",
    "frontdoor": "front door",
    "console": "staff console",
    "worker": "worker",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Services:
    """The background processes of a local helpline under one supervisord (bot.ops.supervise):
    each restarted when it exits, all stopped together."""

    def __init__(
        self,
        model: Path,
        env: Optional[Dict[str, str]] = None,
        rasa_port: int = 5005,
        action_port: int = 5055,
        console_port: Optional[int] = None,
        config_dir: Path = VAR_DIR,
        components: tuple = ("actions", "rasa", "console", "worker"),
        rasa_internal_port: Optional[int] = None,
    ) -> None:
        self.config_dir = config_dir
        self.components = components
        self.model = model
        self.env = env or demo_environment()
        self.rasa_port = rasa_port
        self.action_port = action_port
        # Rasa itself listens here; the front door (bot.ops.frontdoor) owns `rasa_port`.
        self.rasa_internal_port = rasa_internal_port or free_port()
        self.console_port = console_port or get_settings().CONSOLE_PORT
        self.supervisor = Supervisor(config_dir / "run", config_dir / "log", [])
        self._follow = threading.Event()

    @property
    def log_dir(self) -> Path:
        return self.config_dir / "log"

    def environment(self) -> Dict[str, str]:
        """The environment supervisord and so every service runs with."""
        env = dict(self.env)
        env.update(FIXED_ENV)
        # Rasa calls the action server directly and apologises itself when a call fails
        # (bot.rasa_plugins.action_call), as nginx's fallback does on the production stack.
        env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{self.action_port}/webhook"
        env["CONSOLE_PORT"] = str(self.console_port)
        env.setdefault("PYTHONUNBUFFERED", "1")
        # Rasa reads the action server's secret from its environment (the endpoints file
        # only names the variable), so it must be there even when left at its default.
        env.setdefault("ACTION_SERVER_SECRET", get_settings().ACTION_SERVER_SECRET)
        return env

    def programs(self, endpoints: Path, credentials: Path) -> List[Program]:
        from bot.ops.launch import action_server_command, rasa_server_command

        actions_url = f"http://127.0.0.1:{self.action_port}"
        catalogue = {
            "actions": [
                Program(
                    "actions",
                    action_server_command(self.action_port),
                    TITLES["actions"],
                    startsecs=10,
                    health_url=f"{actions_url}/health",
                ),
            ],
            "rasa": [
                Program(
                    "rasa",
                    rasa_server_command(
                        self.model, endpoints, credentials, self.rasa_internal_port, "127.0.0.1"
                    ),
                    "Rasa (loading the model)",
                    # A crash while the model loads is a failed start (retried with back-off).
                    startsecs=30,
                    health_url=f"http://127.0.0.1:{self.rasa_internal_port}/",
                ),
                Program(
                    "frontdoor",
                    [sys.executable, "-m", "bot.ops.frontdoor", "--port", str(self.rasa_port)]
                    + ["--upstream", f"http://127.0.0.1:{self.rasa_internal_port}"]
                    # Loopback unless EXPOSE_WEBHOOKS: then Twilio and Telegram reach the
                    # channel webhooks; the front door keeps everything else loopback-only.
                    + ["--host", "0.0.0.0" if get_settings().EXPOSE_WEBHOOKS else "127.0.0.1"],
                    TITLES["frontdoor"],
                    startsecs=2,
                    health_url=f"http://127.0.0.1:{self.rasa_port}/",
                ),
            ],
            # Run through bot.core.logging_setup so their logs are masked like Rasa's and the
            # action server's (those install it when they import our channels/actions).
            "console": [
                Program(
                    "console",
                    [sys.executable, "-m", "bot.core.logging_setup", "bot.console"],
                    TITLES["console"],
                    health_url=f"http://127.0.0.1:{self.console_port}/login",
                )
            ],
            "worker": [
                Program(
                    "worker",
                    [sys.executable, "-m", "bot.core.logging_setup", "bot.cli.worker"],
                    TITLES["worker"],
                )
            ],
        }
        programs = [p for name in self.components for p in catalogue[name]]
        for program in programs:
            program.environment.update(self.metrics_env(program.name, self.env))
        return programs

    def start(self) -> None:
        from bot.ops.launch import write_rasa_files

        env = self.environment()
        endpoints, credentials, enabled = write_rasa_files(self.config_dir, env)
        print(f"==> channels: {', '.join(enabled)}", flush=True)
        programs = self.programs(endpoints, credentials)
        if self.supervisor.shutdown():  # left running by a make run that was killed
            print("==> stopped the services an earlier run left behind", flush=True)
        database = env.get("DATABASE_URL") or get_settings().DATABASE_URL
        self.supervisor = Supervisor(self.config_dir / "run", self.log_dir, programs, database)
        # The services live as long as make run (or the test session) that started them.
        self.supervisor.launch(env, with_parent=True)

    def metrics_env(self, name: str, env: Dict[str, str]) -> Dict[str, str]:
        """Each process's own loopback /metrics port (bot.core.metrics), when enabled."""
        from bot.core.settings import Settings

        order = ("actions", "rasa", "console", "worker")
        default = Settings.__fields__["METRICS_BASE_PORT"].default
        base = int(env.get("METRICS_BASE_PORT") or default)
        if not base or name not in order:
            return {}
        return {"METRICS_PORT": str(base + order.index(name))}

    def wait_ready(self, timeout: float = 600) -> None:
        deadline = time.time() + timeout
        for program in self.supervisor.programs.values():
            if program.health_url is None:
                continue
            print(f"==> waiting for {program.title} ", end="", flush=True)
            while True:
                if self.supervisor.fatal():
                    raise SystemExit(f"\n{self._gave_up()}")
                try:
                    with urllib.request.urlopen(program.health_url, timeout=2):
                        break
                except Exception:
                    if time.time() > deadline:
                        log = self.supervisor.log_of(program.name)
                        raise SystemExit(f"\n{program.title} did not start; see {log}") from None
                    print(".", end="", flush=True)
                    time.sleep(2)
            print(" ready", flush=True)

    def _gave_up(self) -> str:
        names = self.supervisor.fatal()
        return "; ".join(
            f"{TITLES.get(n, n)} keeps crashing, stopped; see {self.supervisor.log_of(n)}"
            for n in names
        )

    def follow_restarts(self, echo: Callable[[str], None] = print) -> None:
        """Show each exit, restart and give-up bot.ops.watch logs, from now on."""
        from bot.ops.watch import parse_entry

        path = self.log_dir / RESTART_LOG
        offset = path.stat().st_size if path.exists() else 0
        self._follow.clear()

        def follow() -> None:
            nonlocal offset
            while not self._follow.wait(1):
                if not path.exists():
                    continue
                with path.open(encoding="utf-8") as f:
                    f.seek(offset)
                    lines = f.readlines()
                    offset = f.tell()
                for line in lines:
                    entry = parse_entry(line)
                    if entry is not None:
                        echo(f"\n[supervisor] {TITLES.get(entry.name, entry.name)}: {entry.detail}")

        threading.Thread(target=follow, daemon=True).start()

    def kill(self, name: str) -> int:
        """SIGKILL one service, as an out-of-memory kill would (fault tests)."""
        return self.supervisor.kill(name)

    def stop(self) -> None:
        self._follow.set()
        self.supervisor.shutdown()


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    from bot.cli.chat import chat, publish_token, withdraw_token
    from bot.cli.setup import setup
    from bot.cli.train import ensure_model

    os.environ.update(FIXED_ENV)  # also for `rasa train`, which ensure_model starts
    # A closed terminal or a plain `kill` stops the services too (the finally below).
    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, _stop_on_signal)
    setup()
    model = ensure_model()
    services = Services(model)
    token = services.env["REST_CHANNEL_TOKEN"]
    try:
        services.start()
        if get_settings().DEMO_MODE:  # `madadgar chat` in another terminal reads it there
            publish_token(token)
        services.wait_ready()
        services.follow_restarts()
        port = services.console_port
        print(f"\nStaff console: http://127.0.0.1:{port}  (sign in as sup-muzaffargarh / demo)")
        print(
            f"Services restart by themselves; `madadgar status` shows them, logs in {services.log_dir}"
        )
        print("Try a demo persona from README.md. Type /quit to stop everything.\n")
        chat(f"http://127.0.0.1:{services.rasa_port}", token=token)
    except KeyboardInterrupt:
        pass
    finally:
        print("\n==> stopping services", flush=True)
        withdraw_token(token)
        services.stop()
    return 0
