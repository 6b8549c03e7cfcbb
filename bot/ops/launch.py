"""Rasa's command lines and the endpoints and credentials files they read, for `madadgar run`
and the production stack alike."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Mapping, Optional, Tuple

from bot.channels.credentials import write_credentials
from bot.core.settings import Settings
from bot.rasa_plugins.endpoints import write_endpoints


def rasa_bin() -> str:
    """The `rasa` of this virtualenv."""
    return str(Path(sys.executable).with_name("rasa"))


def settings_of(env: Mapping[str, str]) -> Settings:
    """The settings processes started with `env` read."""
    return Settings(**{k: v for k, v in env.items() if k in Settings.__fields__})


def write_rasa_files(directory: Path, env: Mapping[str, str]) -> Tuple[Path, Path, List[str]]:
    """endpoints.yml and credentials.yml for processes started with `env`, and the channels
    the credentials enable."""
    settings = settings_of(env)
    endpoints = write_endpoints(directory / "endpoints.yml", settings)
    credentials = directory / "credentials.yml"
    enabled = write_credentials(credentials, settings)
    return endpoints, credentials, enabled


def action_server_command(port: int, host: Optional[str] = None) -> List[str]:
    """Our action server (rasa_sdk's app behind ACTION_SERVER_SECRET), its logs masked;
    it binds `host`, else ACTION_SERVER_HOST (127.0.0.1)."""
    args = [sys.executable, "-m", "bot.core.logging_setup", "bot.rasa_plugins.action_server"]
    args += ["--actions", "actions", "--port", str(port)]
    return args + (["--host", host] if host else [])


def rasa_server_command(
    model: Path,
    endpoints: Path,
    credentials: Path,
    port: int,
    host: Optional[str] = None,
    auth_token: Optional[str] = None,
) -> List[str]:
    """`rasa run` serving `model`; with `auth_token`, its HTTP API enabled behind that token."""
    args = [rasa_bin(), "run", "-m", str(model), "--endpoints", str(endpoints)]
    args += ["--credentials", str(credentials)]
    if host:
        args += ["-i", host]
    args += ["--port", str(port)]
    if auth_token:
        args += ["--enable-api", "--auth-token", auth_token]
    return args
