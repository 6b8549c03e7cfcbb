"""The conversation store holds CNIC references, never CNICs; the ticket keeps the real one."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, select

from bot.cli.chat import send
from bot.registry.personas import PERSONAS
from bot.tickets.models import Ticket
from tests.privacy.phones import SignedPhone, tracker_rows

pytestmark = pytest.mark.model

PAID = next(p for p in PERSONAS if p.key == "paid")
URDU = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TICKET = re.compile(r"PCMS-\d{8}")


def dashed(cnic: str) -> str:
    return f"{cnic[:5]}-{cnic[5:12]}-{cnic[12]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def flat(data: str) -> str:
    """The stored JSON with Urdu digits as ASCII and the separators people type removed."""
    return re.sub(r"[\s\-.]", "", data.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))


def ticket_cnic(database_url: str, number: str) -> str:
    engine = create_engine(database_url, future=True)
    with engine.connect() as conn:
        cnic = conn.execute(select(Ticket.cnic).where(Ticket.number == number)).scalar_one()
    engine.dispose()
    return cnic


def test_a_complaint_leaves_only_references_in_the_tracker(live_assistant):
    sender = f"vault-{uuid.uuid4().hex[:8]}"
    issue = PAID.cnic_issue_date.strftime("%d-%m-%Y")
    url = live_assistant.url
    assert "CNIC" in texts(send(url, sender, "mere pese nai aye"))
    asked = texts(send(url, sender, f"mera cnic {dashed(PAID.cnic)} hai"))
    assert "date of issue" in asked, asked
    paid = texts(send(url, sender, issue))
    assert "ada ho chuki" in paid, paid
    assert "kab aur kahan" in texts(send(url, sender, "agent ne 500 rupay kaat liye"))
    done = texts(send(url, sender, "Alipur ki Madina dukaan par kal"))
    number = TICKET.search(done)
    assert number, done

    rows = [
        r for r in tracker_rows(live_assistant.tracker_url) if r["sender_id"] == f"rest:{sender}"
    ]
    assert rows
    assert not any(PAID.cnic in flat(r["data"]) for r in rows)
    user_texts = [r["event"].get("text") or "" for r in rows if r["event"].get("event") == "user"]
    assert any(re.search(r"CNIC#[a-z0-9]{18}", t) for t in user_texts), user_texts
    slots = {
        r["event"]["name"]: r["event"]["value"]
        for r in rows
        if r["event"].get("event") == "slot" and r["event"].get("value")
    }
    assert slots.get("verified_cnic", "").startswith("CNIC#"), slots
    # Staff still need the real CNIC: the ticket has it.
    assert ticket_cnic(live_assistant.database_url, number.group()) == PAID.cnic


def test_urdu_digits_over_sms_are_vaulted_too_and_mistakes_still_explained(live_assistant):
    phone = SignedPhone(live_assistant, "sms", "+923219876543")  # on nobody's record
    phone.send_text("meri qist ka pata karna hai")
    twelve = phone.send_text(PAID.cnic[:12])
    assert "12" in " ".join(twelve), twelve
    asked = phone.send_text(dashed(PAID.cnic).translate(URDU))
    assert "date of issue" in " ".join(asked) or "تاریخ" in " ".join(asked), asked
    rows = [
        r for r in tracker_rows(live_assistant.tracker_url) if r["sender_id"] == "sms:+923219876543"
    ]
    assert rows and not any(PAID.cnic in flat(r["data"]) for r in rows)
