"""bot.prod.container: what the image's Rasa and migration roles do before serving."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, inspect

from bot.core.settings import reset_settings
from bot.prod.container import main, migrate, rasa_command

ENV = {
    "DATABASE_URL": "postgresql+psycopg2://madadgar:pw@db.internal:5432/madadgar",
    "TRACKER_DB_URL": "postgresql+psycopg2://madadgar:pw@db.internal:5432/madadgar_tracker",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ACTION_SERVER_URL": "http://127.0.0.1:5056/webhook",
    "RASA_TOKEN": "r" * 40,
}


def test_rasa_writes_its_files_from_the_environment_and_serves_the_api(tmp_path: Path) -> None:
    model = tmp_path / "madadgar.tar.gz"
    model.write_bytes(b"model")
    runtime = tmp_path / "run"
    command = rasa_command(ENV, runtime, model)
    endpoints = yaml.safe_load((runtime / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["url"] == "db.internal"
    assert endpoints["tracker_store"]["db"] == "madadgar_tracker"
    assert endpoints["lock_store"]["url"] == "redis.internal"
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5056/webhook"
    # the secret's name goes into the file, never its value
    assert "${ACTION_SERVER_SECRET}" in (runtime / "endpoints.yml").read_text()
    assert (runtime / "credentials.yml").exists()
    assert command[1:4] == ["run", "-m", str(model)]
    assert command[command.index("-i") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "5005"
    assert "--enable-api" in command
    assert command[command.index("--auth-token") + 1] == ENV["RASA_TOKEN"]


def test_rasa_refuses_to_start_without_a_model_or_a_token(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no model"):
        rasa_command(ENV, tmp_path, tmp_path / "missing.tar.gz")
    model = tmp_path / "m.tar.gz"
    model.write_bytes(b"m")
    env = {k: v for k, v in ENV.items() if k != "RASA_TOKEN"}
    with pytest.raises(SystemExit, match="RASA_TOKEN"):
        rasa_command(env, tmp_path, model)


def test_migrate_brings_both_databases_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'madadgar.db'}",
        "TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        # Rasa expands it while reading the endpoints (the Job gets it from madadgar-keys)
        "ACTION_SERVER_SECRET": "s" * 40,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    try:
        assert main(["migrate"]) == 0
        migrate(dict(env))  # again: nothing to do, no error
    finally:
        reset_settings()
    app_tables = set(inspect(create_engine(env["DATABASE_URL"])).get_table_names())
    assert {"alembic_version", "ticket", "ticket_event"} <= app_tables
    assert "events" in inspect(create_engine(env["TRACKER_DB_URL"])).get_table_names()
