"""Every role of the image runs from its manifest command with the manifests' conditions: a
read-only root file system with one scratch directory writable (the pods' /tmp emptyDir),
demo mode off with real secrets, PostgreSQL over the network. Each process runs in a mount
namespace of its own where / is remounted read-only and a fresh tmpfs is mounted on its
scratch directory (as root, like the tests' servers). HOME, TMPDIR and the runtime directory
point there, as they point to /tmp in the pods; /tmp itself is left alone here, since the
checkout under test (or pytest's own files) may live in it."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import yaml
from sqlalchemy import create_engine, inspect, text

from tests.auxil.servers import free_port
from tests.deploy.conftest import ROOT, objects, workloads

pytestmark = pytest.mark.postgres
# $SCRATCH is the only writable place, as /tmp is in the pods.
READ_ONLY = (
    'mount -o remount,bind,ro / && mount -t tmpfs -o size=1g tmpfs "$SCRATCH" && '
    '{ [ -z "$MADADGAR_RUNTIME_DIR" ] || mkdir -p "$MADADGAR_RUNTIME_DIR"; } && exec "$@"'
)


def scratch_env(env: Dict[str, str], scratch: Path) -> Dict[str, str]:
    """`env` with HOME, TMPDIR and the runtime directory in `scratch` (made here, so that
    it exists as a mount point once / is read-only)."""
    scratch.mkdir(parents=True, exist_ok=True)
    moved = {"SCRATCH": str(scratch), "HOME": str(scratch), "TMPDIR": str(scratch)}
    if "MADADGAR_RUNTIME_DIR" in env:
        moved["MADADGAR_RUNTIME_DIR"] = str(scratch / "run")
    return dict(env, **moved)


KEYS = (
    "HASH_KEY",
    "VAULT_KEY",
    "CONSOLE_SECRET_KEY",
    "ACTION_SERVER_SECRET",
    "REST_CHANNEL_TOKEN",
    "RASA_TOKEN",
)


def manifest_commands() -> Dict[str, List[str]]:
    """container name -> command, from the rendered national overlay, run by this venv."""
    found = {}
    for w in workloads(objects("national")):
        for c in w["spec"]["template"]["spec"]["containers"]:
            assert c["command"][0] == "/app/.venv/bin/python"
            found[c["name"]] = [sys.executable] + c["command"][1:]
    return found


def with_option(command: List[str], option: str, value: str) -> List[str]:
    """`command` with `option`'s value replaced (loopback addresses and free ports here)."""
    out = list(command)
    out[out.index(option) + 1] = value
    return out


@pytest.fixture()
def databases(pg_url: str) -> Iterator[Dict[str, str]]:
    """Two empty PostgreSQL databases, the helpline's and the tracker's."""
    admin = create_engine(pg_url, future=True, isolation_level="AUTOCOMMIT")
    names = {key: f"ro_{key}_{uuid.uuid4().hex[:8]}" for key in ("app", "tracker")}
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = pg_url.rsplit("/", 1)[0]
    try:
        yield {
            "DATABASE_URL": f"{base}/{names['app']}",
            "TRACKER_DB_URL": f"{base}/{names['tracker']}",
        }
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def pod_env(databases: Dict[str, str]) -> Dict[str, str]:
    """The ConfigMap of the overlay, real secrets, the databases; nothing from this process."""
    (config,) = [o for o in objects("national") if o["kind"] == "ConfigMap"]
    env = dict(config["data"])
    env.update({key: secrets.token_urlsafe(32) for key in KEYS})
    env.update(databases)
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    assert env["DEMO_MODE"] == "false" and env["HOME"] == "/tmp"
    return env


class Role:
    """One process in its read-only mount namespace, its output in a log file."""

    def __init__(self, name: str, command: List[str], env: Dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY, "sh"]
                + command,
                env=scratch_env(env, logs / f"{name}-scratch"),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=str(ROOT),  # the image's WORKDIR: /app
            )

    def wait_http(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"{self.name} exited:\n{self.output()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise AssertionError(f"{self.name} did not answer {url}:\n{self.output()}")

    def finish(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture()
def roles(tmp_path: Path) -> Iterator[List[Role]]:
    started: List[Role] = []
    yield started
    for role in reversed(started):
        role.stop()


def test_the_root_is_read_only_in_the_roles_namespace(tmp_path: Path) -> None:
    outside = ROOT / f".read-only-probe-{uuid.uuid4().hex[:8]}"
    env = {"MADADGAR_RUNTIME_DIR": "/run/madadgar", "PATH": "/usr/bin:/bin"}
    try:
        done = subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY, "sh", "sh", "-c"]
            + [
                'touch "$HOME/ok" "$MADADGAR_RUNTIME_DIR/ok" && echo writable && touch '
                + str(outside)
            ],
            env=scratch_env(env, tmp_path / "scratch"),
            capture_output=True,
            text=True,
        )
        assert "writable" in done.stdout, done.stderr
        assert done.returncode != 0 and "Read-only file system" in done.stderr
        assert not outside.exists()
        assert not (tmp_path / "scratch" / "ok").exists()  # a tmpfs of its own, gone now
    finally:
        outside.unlink(missing_ok=True)


def migrate_then_actions(env: Dict[str, str], roles: List[Role], logs: Path) -> int:
    """The migration Job to completion, then an action server answering; its port."""
    commands = manifest_commands()
    migrate = Role("migrate", commands["migrate"], env, logs)
    assert migrate.finish(300) == 0, migrate.output()
    port = free_port()
    actions = with_option(commands["actions"], "--host", "127.0.0.1")
    roles.append(Role("actions", with_option(actions, "--port", str(port)), env, logs))
    roles[-1].wait_http(f"http://127.0.0.1:{port}/health", 120)
    return port


def test_migrate_actions_console_and_worker_run_read_only(
    pod_env: Dict[str, str], databases: Dict[str, str], roles: List[Role], tmp_path: Path
) -> None:
    commands = manifest_commands()
    actions_port = migrate_then_actions(pod_env, roles, tmp_path)
    tables = inspect(create_engine(databases["DATABASE_URL"])).get_table_names()
    assert "ticket" in tables
    assert "events" in inspect(create_engine(databases["TRACKER_DB_URL"])).get_table_names()
    console_port = free_port()
    console_env = dict(pod_env, CONSOLE_HOST="127.0.0.1", CONSOLE_PORT=str(console_port))
    roles.append(Role("console", commands["console"], console_env, tmp_path))
    roles[-1].wait_http(f"http://127.0.0.1:{console_port}/login", 120)

    # the action server wants the secret (401 without it)
    request = urllib.request.Request(
        f"http://127.0.0.1:{actions_port}/webhook", data=b"{}", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401

    worker = Role("worker", commands["worker"] + ["--once"], pod_env, tmp_path)
    assert worker.finish(300) == 0, worker.output()


def apologies() -> List[str]:
    """Every text of utter_action_failed, the reply given for a failed action call."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [variant["text"] for variant in domain["responses"]["utter_action_failed"]]


@pytest.mark.model
def test_rasa_serves_a_conversation_read_only(
    trained_model: Path, pod_env: Dict[str, str], roles: List[Role], tmp_path: Path
) -> None:
    from bot.cli.chat import send

    commands = manifest_commands()
    actions_port = migrate_then_actions(pod_env, roles, tmp_path)
    rasa_port = free_port()
    rasa = with_option(commands["rasa"], "--port", str(rasa_port))
    rasa += ["--host", "127.0.0.1", "--model", str(trained_model)]
    rasa_env = dict(pod_env, ACTION_SERVER_URL=f"http://127.0.0.1:{actions_port}/webhook")
    roles.append(Role("rasa", rasa, rasa_env, tmp_path))
    roles[-1].wait_http(f"http://127.0.0.1:{rasa_port}/", 600)

    url, token = f"http://127.0.0.1:{rasa_port}", pod_env["REST_CHANNEL_TOKEN"]

    def say(text: str) -> str:
        return " ".join(r.get("text") or "" for r in send(url, "ro-1", text, token=token))

    assert say("hello"), roles[-1].output()
    assert "CNIC" in say("mera paisa kab milega"), roles[-1].output()
    # the CNIC is validated by the action server: a real answer, not the stand-in apology
    asked_date = say("35202-1234567-1")
    assert asked_date and not any(a in asked_date for a in apologies()), roles[-1].output()
    # the action servers gone: Rasa answers for them itself (stand_in), nobody is left unanswered
    roles[0].stop()
    stood_in = say("15-08-2016")
    assert any(a in stood_in for a in apologies()), stood_in + roles[-1].output()
