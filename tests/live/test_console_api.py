"""The console's live-conversation API contract, on a database and a tracker made here."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest

from bot.console.auth import ensure_demo_staff
from bot.core import db
from bot.core.clock import utcnow
from bot.core.settings import Settings
from bot.live import service as live
from tests.auxil.browser import serve_console, write_tracker

SENDER = "whatsapp:+923006100012"


@pytest.fixture()
def site(db_url, tmp_path):
    with db.session_scope(db_url) as session:
        ensure_demo_staff(session)
    tracker = write_tracker(
        tmp_path / "tracker.db",
        SENDER,
        [("user", "kisi insaan se baat karao"), ("bot", "Taqreeban 5 minute mein jawab.")],
        utcnow() - timedelta(minutes=1),
    )
    with serve_console(
        Settings(DATABASE_URL=db_url, TRACKER_DB_URL=tracker, DEMO_MODE=True)
    ) as url:
        yield url, db_url


def signed_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=20)
    client.post("/login", data={"username": username, "password": "demo"})
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def test_the_waiting_list_detail_and_takeover_contract(site):
    app, db_url = site
    admin = signed_in(app, "admin")  # signed in: on duty
    with db.session_scope(db_url) as session:
        wait = live.join_waiting_list(
            session, SENDER, "twilio", "roman_ur", phone="+923006100012", district="Muzaffargarh"
        )
    assert wait == 5
    [row] = admin.get("/api/conversations?waiting=1").json()["conversations"]
    assert row["id"] == SENDER and row["channel"] == "whatsapp"
    assert row["masked_phone"] == "+92300*****12" and row["language"] == "roman_ur"
    assert row["state"] == "waiting" and row["waiting_since"]
    path = f"/api/conversations/{quote(SENDER, safe='')}"
    detail = admin.get(path).json()
    assert [(m["from"], m["text"]) for m in detail["messages"]] == [
        ("citizen", "kisi insaan se baat karao"),
        ("assistant", "Taqreeban 5 minute mein jawab."),
    ]
    assert all({"from", "text", "at", "delivery"} <= set(m) for m in detail["messages"])

    quetta = signed_in(app, "agent-quetta")
    assert quetta.get(path).status_code == 404
    assert quetta.post(f"{path}/takeover").status_code == 404
    assert signed_in(app, "agent-muzaffargarh").get(path).status_code == 200

    no_token = httpx.Client(base_url=app, cookies=admin.cookies)
    assert no_token.post(f"{path}/takeover").status_code == 403
    assert admin.post(f"{path}/messages", json={"text": "salam"}).status_code == 409
    assert admin.post(f"{path}/takeover").json()["state"] == "taken_over"
    assert admin.get("/api/conversations?waiting=1").json()["conversations"] == []
    sent = admin.post(f"{path}/messages", json={"text": "Salam, main Ayesha hoon."})
    assert sent.status_code == 200
    staff = [m for m in admin.get(path).json()["messages"] if m["from"] == "staff"]
    # No Twilio account in these settings: it waits in the outbox for the worker.
    assert staff == [
        {
            "from": "staff",
            "text": "Salam, main Ayesha hoon.",
            "at": staff[0]["at"],
            "delivery": "pending",
            "by": "admin",
        }
    ]
    assert admin.post(f"{path}/messages", json={"text": " "}).status_code == 400
    assert admin.post(f"{path}/handback").json()["state"] == "assistant"


def test_the_page_is_behind_sign_in_and_loads_its_script(site):
    app, _ = site
    anonymous = httpx.Client(base_url=app)
    assert anonymous.get("/conversations", follow_redirects=False).status_code == 303
    assert anonymous.get("/api/conversations").status_code == 401
    page = signed_in(app, "sup-muzaffargarh").get("/conversations")
    assert page.status_code == 200 and '<script src="/static/conversations.js">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
