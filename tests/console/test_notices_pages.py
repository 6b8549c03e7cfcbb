"""Staff see the notices: on the ticket and the live conversation of the household, and
counted by transition and delivery state on the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.console.demo import seed_demo
from bot.core import db
from bot.core.clock import utcnow
from bot.core.settings import Settings
from bot.live import service as live
from bot.outreach.notices import Notifier
from bot.registry.imports import import_file
from tests.auxil.browser import serve_console, write_tracker

SHAZIA = "whatsapp:+923006100012"
TODAY = date.today()
MORNING = datetime.combine(TODAY, time(10, 0), tzinfo=ZoneInfo("Asia/Karachi"))


@pytest.fixture()
def site(db_url, tmp_path):
    with db.session_scope(db_url) as session:
        tickets = seed_demo(session)
    path = tmp_path / "expiring.csv"
    path.write_text(
        "cnic,programme,quarter,state,amount,payment_point,bank,reason,status_date,"
        "collect_until,cnic_expiry,member\n"
        f"32303-9900001-2,,,,,,,,,,{TODAY + timedelta(days=40)},\n"
        f"32303-9900005-0,,,,,,,,,,{TODAY + timedelta(days=20)},\n",
        encoding="utf-8",
    )
    result = import_file(
        db.session_factory(db_url), path, MORNING.astimezone(timezone.utc), TODAY, Notifier(TODAY)
    )
    assert result.notices == 2
    tracker = write_tracker(
        tmp_path / "tracker.db", SHAZIA, [("user", "kisi insaan se baat karao")], utcnow()
    )
    with serve_console(
        Settings(DATABASE_URL=db_url, TRACKER_DB_URL=tracker, DEMO_MODE=True)
    ) as url:
        yield url, db_url, tickets


def signed_in(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=20)
    assert client.post("/login", data={"username": username, "password": "demo"}).status_code == 303
    return client


def test_the_ticket_page_shows_the_notices_of_her_household(site):
    url, _, tickets = site
    html = signed_in(url, "agent-muzaffargarh").get(f"/tickets/{tickets['mzg_deduction']}").text
    assert "Notices to the household" in html
    assert "cnic expiring" in html and "waiting" in html and "NADRA" in html


def test_the_dashboard_counts_notices_by_transition_and_delivery_state(site):
    url, _, _ = site
    html = signed_in(url, "admin").get("/dashboard").text
    assert "Notices to households" in html
    row = html.split("<td>cnic expiring</td>", 1)[1].split("</tr>", 1)[0]
    assert row.count("<td>2</td>") == 1  # both waiting in the outbox
    quetta = signed_in(url, "agent-quetta").get("/dashboard").text
    row = quetta.split("<td>cnic expiring</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>2</td>" not in row and "<td>1</td>" not in row  # not her district's


def test_the_live_conversation_shows_the_notices_sent_to_her(site):
    url, db_url, _ = site
    client = signed_in(url, "admin")  # signed in: on duty, so she joins the waiting list
    with db.session_scope(db_url) as session:
        live.join_waiting_list(
            session, SHAZIA, "twilio", "roman_ur", phone="+923006100012", district="Muzaffargarh"
        )
    detail = client.get(f"/api/conversations/{quote(SHAZIA, safe='')}").json()
    [notice] = detail["notices"]
    assert notice["notice"] == "cnic_expiring" and notice["state"] == "waiting"
    assert "NADRA" in notice["text"]
