"""Staff take over a live conversation over the real webhooks, in all three languages.

The citizen writes over SMS or WhatsApp to a running Rasa (trained model); staff use the
console's JSON API (the contract outside checks rely on) signed in with a session cookie
and the CSRF token from /api/me. Messages staff write reach a stand-in for Twilio's API.
"""

from __future__ import annotations

import sqlite3
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, select

from bot.core.audit import AuditLog
from bot.registry.personas import PERSONAS
from tests.channels.test_live_channels import Phone, dashed, is_urdu_script

pytestmark = pytest.mark.model

SHAZIA = next(p for p in PERSONAS if p.key == "paid")  # Muzaffargarh
SANAM = next(p for p in PERSONAS if p.key == "transgender")  # Multan

CASES = {
    # language: (medium, phone, asks for a person, writes while staff have it, staff answer)
    "roman_ur": (
        "sms",
        "+923219876611",
        "kisi insaan se baat karao",
        "meri qist kab aye gi?",
        "Ji, main Ayesha hoon, aap ka masla dekh rahi hoon.",
    ),
    "en": (
        "sms",
        "+923219876612",
        "i want to talk to a person",
        "when will my payment come?",
        "Hello, this is Ayesha from the helpline.",
    ),
    "ur": (
        "whatsapp",
        "+923219876613",
        "کسی انسان سے بات کروائیں",
        "میری قسط کب آئے گی؟",
        "جی، میں عائشہ ہوں، آپ کا مسئلہ دیکھ رہی ہوں۔",
    ),
}
WAIT_WORDS = {"roman_ur": "minute", "en": "minutes", "ur": "منٹ"}
BACK_WORDS = {"roman_ur": "Madadgar dobara", "en": "answers you again", "ur": "مددگار دوبارہ"}


def eventually(check, seconds: float = 15) -> bool:  # type: ignore[no-untyped-def]
    """True once `check()` is (the console sends after answering the request)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def staff_messages(staff, path: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m in staff.get(path).json()["messages"] if m["from"] == "staff"]


def tracker_events(tracker_url: str, sender_id: str) -> list:
    with sqlite3.connect(tracker_url[len("sqlite:///") :]) as conn:
        rows = conn.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
        ).fetchall()
    return [r[0] for r in rows]


def audit_actions(database_url: str, username: str) -> list:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(select(AuditLog.action).where(AuditLog.username == username)).scalars()
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("language", sorted(CASES))
def test_staff_take_over_answer_and_hand_back(language, live_assistant, console_for, twilio_api):
    medium, number, ask, meanwhile, answer = CASES[language]
    staff = console_for("admin")  # a stranger's conversation is the helpline desk's
    phone = Phone(live_assistant, medium, number)
    # Conversation ids carry their channel; the outbox writes to the number Twilio knows.
    sender = f"{medium}:{number}"
    recipient = sender if medium == "whatsapp" else number

    told = "\n".join(phone.message(ask))
    assert WAIT_WORDS[language] in told, told
    assert "PCMS-" not in told, "staff are on duty: no callback ticket"
    assert is_urdu_script(told) == (language == "ur")

    waiting = staff.get("/api/conversations?waiting=1").json()["conversations"]
    [mine] = [c for c in waiting if c["id"] == sender]
    assert mine["state"] == "waiting" and mine["language"] == language
    assert mine["channel"] == medium and mine["waiting_since"]
    assert mine["masked_phone"] and number not in mine["masked_phone"]
    path = f"/api/conversations/{quote(sender, safe='')}"

    # Without the CSRF header a POST is refused.
    assert staff.client.post(f"{path}/takeover", json={}).status_code == 403
    taken = staff.post(f"{path}/takeover")
    assert taken.status_code == 200, taken.text
    assert taken.json()["state"] == "taken_over"

    # The assistant is silent: an empty TwiML answer, and the message shows in the console.
    phone.send_text(meanwhile)
    assert phone.last is not None and phone.last.status_code == 200
    root = ET.fromstring(phone.last.text)
    assert root.tag == "Response" and len(root) == 0, phone.last.text
    messages = staff.get(path).json()["messages"]
    assert any(m["from"] == "citizen" and m["text"] == meanwhile for m in messages), messages

    sent = staff.post(f"{path}/messages", {"text": answer})
    assert sent.status_code == 200, sent.text
    assert eventually(lambda: any(answer in b for b in twilio_api.to(recipient))), twilio_api.sent
    assert eventually(lambda: staff_messages(staff, path)[0]["delivery"] == "sent")
    [ours] = staff_messages(staff, path)
    assert ours["text"] == answer
    assert {"from", "text", "at", "delivery"} <= set(ours)

    back = staff.post(f"{path}/handback")
    assert back.status_code == 200 and back.json()["state"] == "assistant"
    assert eventually(lambda: any(BACK_WORDS[language] in b for b in twilio_api.to(recipient)))

    # The assistant answers again, and Rasa's tracker was paused and resumed.
    again = "\n".join(phone.message(dashed(SHAZIA.cnic)))
    assert again.strip(), "the assistant answers after the hand-back"
    events = tracker_events(live_assistant.tracker_url, sender)
    assert "pause" in events and "resume" in events
    assert events.index("pause") < events.index("resume")
    assert {"live_takeover", "live_message", "live_handback"} <= set(
        audit_actions(live_assistant.database_url, "admin")
    )
    history = [h["kind"] for h in staff.get(path).json()["history"]]
    assert history == ["waiting", "takeover", "staff", "handback"]
