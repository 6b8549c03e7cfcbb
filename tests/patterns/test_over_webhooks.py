"""A retailer's deductions reported by three households over signed Twilio webhooks become
one pattern case on the integrity desk, as `madadgar admin patterns` and the console show it.

Runs the trained model behind the real SMS and WhatsApp webhooks (tests/auxil/phone.py).
"""

from __future__ import annotations

import httpx
import pytest

from bot.console.cli import main as admin
from bot.core.settings import Settings
from bot.registry.personas import PERSONAS
from tests.auxil.browser import serve_console
from tests.auxil.phone import TICKET, Phone, dashed, ticket_row

pytestmark = pytest.mark.model

BY_KEY = {p.key: p for p in PERSONAS}
# (persona, channel, what she calls the shop): three spellings, two scripts
HOUSEHOLDS = (
    ("paid", "sms", "Madina Kiryana Store, Alipur, kal"),
    ("taleemi_wazaif", "sms", "madina karyana alipur, parson"),
    ("attendance", "whatsapp", "مدینہ کریانہ سٹور علی پور، کل"),
)


def complain(live, persona: str, mode: str, place: str) -> str:  # type: ignore[no-untyped-def]
    person = BY_KEY[persona]
    phone = Phone(live, mode, person.phone)  # her number on record verifies her
    phone.text("mere pese nai aye" if mode == "sms" else "میری قسط نہیں آئی")
    phone.text(dashed(person.cnic))
    phone.text("agent ne 500 rupay kaat liye" if mode == "sms" else "ایجنٹ نے 500 روپے کاٹ لیے")
    done = phone.text(place)
    found = TICKET.search(done)
    assert found, done
    return found.group()


def test_three_households_over_the_webhooks_make_one_case(live_assistant, capsys):  # type: ignore[no-untyped-def]
    numbers = [complain(live_assistant, *household) for household in HOUSEHOLDS]
    assert len(set(numbers)) == 3
    for number in numbers:
        row = ticket_row(live_assistant.database_url, number)
        assert (row["category"], row["cause"], row["district"]) == (
            "deduction",
            "deduction",
            "Muzaffargarh",
        )
    points = {ticket_row(live_assistant.database_url, n)["payment_point_id"] for n in numbers}
    assert len(points) == 1 and None not in points

    assert admin(["--database-url", live_assistant.database_url, "patterns"]) == 0
    assert "pattern cases opened 1" in capsys.readouterr().out

    settings = Settings(
        DATABASE_URL=live_assistant.database_url,
        TRACKER_DB_URL=live_assistant.tracker_url,
        DEMO_MODE=True,
    )
    with serve_console(settings) as base_url:
        client = httpx.Client(base_url=base_url, timeout=20)
        client.post("/login", data={"username": "integrity-muzaffargarh", "password": "demo"})
        cases = [
            p
            for p in client.get("/api/patterns").json()["patterns"]
            if p["kind"] == "payment_point"
        ]
        [case] = [c for c in cases if set(numbers) <= set(c["tickets"])]
        assert case["subject"].startswith("Madina Kiryana Store, Alipur")
        # Other tests of the session share this helpline and may name the same shop: the
        # case counts them too. That two households alone open no case is
        # tests/patterns/test_detection.py's.
        assert case["households"] >= 3 and case["amount_claimed"] >= 1500
        page = client.get("/patterns").text
        assert all(n in page for n in numbers)
