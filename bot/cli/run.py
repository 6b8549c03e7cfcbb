"""Starts the whole helpline locally: action server, Rasa, console and worker, then a chat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bot.core.settings import ROOT, VAR_DIR, get_settings

DEMO_CHANNEL_ENV = {
    # Lets `madadgar simulate` play Twilio and Telegram with correctly signed requests.
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "demo-twilio-auth-token",
    "TWILIO_SMS_FROM": "+15005550006",
    "TWILIO_WHATSAPP_FROM": "whatsapp:+15005550006",
    "PUBLIC_BASE_URL": "http://127.0.0.1:5005",
    "TELEGRAM_BOT_TOKEN": "123456:demo-telegram-token",
    "TELEGRAM_SECRET_TOKEN": "demo-telegram-secret",
    # `madadgar simulate telegram` stands in for Telegram's Bot API on this port.
    "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8099/bot",
}


# Every process the helpline starts: no usage data leaves the machine; and OpenMP (used by
# the e5 sentence encoder) runs one passive thread, since its default spinning threads
# loaded before our settings burn the cores other processes need (docs/PERFORMANCE.md).
FIXED_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "OMP_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def demo_environment() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(FIXED_ENV)
    env.setdefault("SQLALCHEMY_WARN_20", "0")
    if get_settings().DEMO_MODE:
        for key, value in DEMO_CHANNEL_ENV.items():
            env.setdefault(key, value)
    return env


class Services:
    """The background processes of a local helpline, stopped together."""

    def __init__(
        self,
        model: Path,
        env: Optional[Dict[str, str]] = None,
        rasa_port: int = 5005,
        action_port: int = 5055,
        console_port: Optional[int] = None,
        config_dir: Path = VAR_DIR,
        components: tuple = ("actions", "rasa", "console", "worker"),
    ) -> None:
        self.config_dir = config_dir
        self.components = components
        self.model = model
        self.env = env or demo_environment()
        self.rasa_port = rasa_port
        self.action_port = action_port
        self.console_port = console_port or get_settings().CONSOLE_PORT
        self.procs: List[subprocess.Popen] = []

    def _start(self, name: str, args: List[str], env: Dict[str, str]) -> None:
        log_dir = self.config_dir / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115 - the child process owns it
        self.procs.append(
            subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )

    def start(self) -> None:
        from bot.rasa_plugins.launch import (
            action_server_command,
            rasa_server_command,
            write_rasa_files,
        )

        env = dict(self.env)
        env.update(FIXED_ENV)
        env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{self.action_port}/webhook"
        endpoints, credentials, enabled = write_rasa_files(self.config_dir, env)
        print(f"==> channels: {', '.join(enabled)}", flush=True)
        commands = {
            "actions": action_server_command(self.action_port),
            "rasa": rasa_server_command(self.model, endpoints, credentials, self.rasa_port),
            # Run through bot.core.logging_setup so their logs are masked like Rasa's and the
            # action server's (those install it when they import our channels/actions).
            "console": [sys.executable, "-m", "bot.core.logging_setup", "bot.console"],
            "worker": [sys.executable, "-m", "bot.core.logging_setup", "bot.cli.worker"],
        }
        env["CONSOLE_PORT"] = str(self.console_port)
        for name in self.components:
            self._start(name, commands[name], env)

    def wait_ready(self, timeout: float = 600) -> None:
        urls = {
            "actions": ("action server", f"http://127.0.0.1:{self.action_port}/health"),
            "rasa": ("Rasa (loading the model)", f"http://127.0.0.1:{self.rasa_port}/"),
            "console": ("staff console", f"http://127.0.0.1:{self.console_port}/login"),
        }
        checks = dict(urls[c] for c in self.components if c in urls)
        deadline = time.time() + timeout
        for name, url in checks.items():
            print(f"==> waiting for {name} ", end="", flush=True)
            while True:
                if any(p.poll() is not None for p in self.procs):
                    print(f"\nA service stopped; see {self.config_dir}/log/", file=sys.stderr)
                    raise SystemExit(1)
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except Exception:
                    if time.time() > deadline:
                        raise SystemExit(
                            f"\n{name} did not start; see {self.config_dir}/log/"
                        ) from None
                    print(".", end="", flush=True)
                    time.sleep(2)
            print(" ready", flush=True)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()


def main(argv: Optional[List[str]] = None) -> int:
    from bot.cli.chat import chat
    from bot.cli.setup import setup
    from bot.cli.train import ensure_model

    os.environ.update(FIXED_ENV)  # also for `rasa train`, which ensure_model starts
    setup()
    model = ensure_model()
    services = Services(model)
    try:
        services.start()
        services.wait_ready()
        port = services.console_port
        print(f"\nStaff console: http://127.0.0.1:{port}  (sign in as sup-muzaffargarh / demo)")
        print("Try a demo persona from README.md. Type /quit to stop everything.\n")
        chat(f"http://127.0.0.1:{services.rasa_port}")
    except KeyboardInterrupt:
        pass
    finally:
        print("\n==> stopping services", flush=True)
        services.stop()
    return 0
