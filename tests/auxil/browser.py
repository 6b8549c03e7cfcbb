"""A live staff console on a free loopback port, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import httpx
import pytest
import uvicorn

from bot.console import transcripts
from bot.console.app import create_app
from bot.console.demo import seed_demo
from bot.core import db
from bot.core.migrate import upgrade
from bot.core.settings import ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"


@dataclass
class ConsoleSite:
    """A running console: its URL, its databases and the demo tickets by key."""

    base_url: str
    db_url: str
    tracker_url: str
    tickets: Dict[str, str]

    def client(self, username: str = "", password: str = "demo") -> httpx.Client:
        """An HTTP client, signed in as `username` when given."""
        client = httpx.Client(base_url=self.base_url, follow_redirects=False, timeout=20)
        if username:
            r = client.post("/login", data={"username": username, "password": password})
            assert r.status_code == 303, f"sign-in as {username} failed: {r.status_code}"
        return client


def csrf_of(client: httpx.Client, path: str = "/tickets") -> str:
    """The CSRF token in the hidden field of a page the client can open."""
    html = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_tracker(path: Path, sender_id: str, lines: List[Tuple[str, str]], start: datetime) -> str:
    """A Rasa SQLTrackerStore-shaped `events` table holding one conversation."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) "
        "NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
        "action_name VARCHAR(255), data TEXT)"
    )
    for i, (speaker, text) in enumerate(lines):
        at = (start + timedelta(seconds=20 * i)).timestamp()
        if speaker == "user":
            data = {
                "event": "user",
                "timestamp": at,
                "text": text,
                "parse_data": {"intent": {"name": "report_deduction", "confidence": 0.97}},
            }
        else:
            data = {"event": "bot", "timestamp": at, "text": text}
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            (sender_id, speaker, at, json.dumps(data, ensure_ascii=False)),
        )
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
            "VALUES (?, 'action', ?, 'action_listen', '{}')",
            (sender_id, at + 1),
        )
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


DEMO_CONVERSATION = [
    ("user", "Assalam o alaikum, retailer ne paise kaat liye"),
    ("bot", "Afsos hua. Apna CNIC number likhein."),
    ("user", "32303-9900001-2"),
    ("bot", "Shukriya. Kitne paise kaate gaye?"),
    ("user", "2000 rupay, mera number 0300 6100012 hai"),
    ("bot", "Aap ki shikayat darj ho gayi hai."),
]


@pytest.fixture(scope="module")
def console_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleSite]:
    """The console on a free port, on a fresh SQLite database with demo staff and tickets."""
    folder = tmp_path_factory.mktemp("console")
    url = f"sqlite:///{folder / 'console.db'}"
    upgrade(url)
    with db.session_scope(url) as session:
        numbers = seed_demo(session)
    tracker_url = write_tracker(
        folder / "tracker.db",
        "whatsapp:+923006100012",
        DEMO_CONVERSATION,
        datetime.now(timezone.utc) - timedelta(hours=2, minutes=5),
    )
    settings = Settings(DATABASE_URL=url, TRACKER_DB_URL=tracker_url, DEMO_MODE=True)
    with serve_console(settings) as base_url:
        yield ConsoleSite(base_url, url, tracker_url, numbers)
    transcripts.dispose()
    db.dispose_engines()


@contextmanager
def serve_console(settings: Settings) -> Iterator[str]:
    """The console for `settings` on a free loopback port (uvicorn in a thread); its URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "the console server thread died while starting"
        assert time.monotonic() < deadline, "the console did not start in 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _ensure_chromium() -> None:
    if not Path(CHROMIUM).exists():
        subprocess.run([str(ROOT / "scripts" / "ensure_chromium.sh")], check=False)
    assert Path(CHROMIUM).exists(), "Chromium missing: run scripts/ensure_chromium.sh as root"


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright (no Playwright browser download).

    Module-scoped: Playwright's sync API keeps an asyncio loop running in the main thread
    while it is open, which would break later tests that call asyncio.run().
    """
    from playwright.sync_api import sync_playwright

    _ensure_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) at desktop size."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture()
def phone_page(chromium) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context the size of a phone."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()
