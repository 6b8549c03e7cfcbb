"""`make run`'s services killed with SIGKILL mid-conversation: the citizen is answered, the
service comes back, the complaint goes on, one ticket. Shares the session's live assistant."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.ops.status import collect
from bot.ops.watch import BACK, EXITED, read_entries
from tests.auxil.assistant import LiveAssistant, free_port
from tests.auxil.faults import SmsCitizen, complaint_across_kill
from tests.production.citizens import synthetic_citizens_at

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def citizens(live_assistant: LiveAssistant) -> Iterator[List[Tuple[str, str]]]:
    yield synthetic_citizens_at(live_assistant.database_url, 12)[8:12]


def _citizen(live: LiveAssistant) -> SmsCitizen:
    return SmsCitizen(live.url, live.env["PUBLIC_BASE_URL"], live.env["TWILIO_AUTH_TOKEN"])


def _back(live: LiveAssistant, name: str, timeout: float = 600) -> None:
    """Wait until `name` and the whole helpline answer their health checks again."""
    services = live.services
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = {r.name: r for r in collect(services.config_dir)}
        if rows and all(r.state == "RUNNING" and r.health != "failing" for r in rows.values()):
            assert rows[name].restarts >= 1
            return
        time.sleep(1)
    raise AssertionError(f"{name} did not come back: {collect(services.config_dir)}")


@pytest.mark.parametrize(
    ("index", "name"),
    [(0, "actions"), (2, "frontdoor"), (3, "rasa")],
)
def test_a_service_killed_mid_complaint(live_assistant, citizens, index, name) -> None:
    live = live_assistant
    cnic, issued = citizens[index]
    killed: List[int] = []
    complaint_across_kill(
        _citizen(live),
        cnic,
        issued,
        kill=lambda: killed.append(live.services.kill(name)),
        back=lambda: _back(live, name),
        database_url=live.database_url,
    )
    log = read_entries(live.services.log_dir / "restarts.log")
    mine = [e.event for e in log if e.name == name]
    assert EXITED in mine and BACK in mine, log
    assert f"pid {killed[0]}" in next(e.detail for e in log if e.name == name)


def test_console_and_worker_come_back_and_status_shows_the_restart(tmp_path: Path) -> None:
    """No Rasa needed: the two web/background services of make run on their own."""
    from bot.cli.run import Services
    from bot.cli.setup import setup
    from bot.core.environment import demo_environment

    url = f"sqlite:///{tmp_path / 'madadgar.db'}"
    setup(url, synthetic_households=5)
    env = demo_environment()
    env.update(DATABASE_URL=url, TRACKER_DB_URL=f"sqlite:///{tmp_path / 'tracker.db'}")
    services = Services(
        Path("unused.tar.gz"),
        env,
        console_port=free_port(),
        config_dir=tmp_path,
        components=("console", "worker"),
    )
    services.start()
    try:
        services.wait_ready(timeout=300)
        for name in ("console", "worker"):
            pid = services.kill(name)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                row = {r.name: r for r in collect(tmp_path)}[name]
                if row.state == "RUNNING" and row.restarts and row.health != "failing":
                    break
                time.sleep(0.5)
            assert services.supervisor.pid(name) not in (None, pid)
            # A kill soon after start-up is reported as dying while starting, else as exited.
            assert row.last_restart and (
                "exited" in row.last_restart or "died while starting" in row.last_restart
            )
        services.wait_ready(timeout=60)  # the console answers again
    finally:
        services.stop()
    assert collect(tmp_path) == []  # stopped with make run
