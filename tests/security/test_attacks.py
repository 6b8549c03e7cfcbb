"""Each known attack, played from outside over HTTP against the running helpline.

The helpline runs as `make run` leaves it (tests.auxil.assistant.live_assistant: the
action server and Rasa with their demo settings); every test talks to it the way
another user on the same machine or network would.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Dict, List, Set

import httpx
import pytest

from bot.core.settings import get_settings
from bot.registry.personas import PERSONAS
from tests.privacy.phones import SignedPhone

pytestmark = pytest.mark.model

SHAZIA = next(p for p in PERSONAS if p.key == "paid")  # phone on record +923006100012
ABSENT = next(p for p in PERSONAS if p.key == "not_in_registry")
TICKET = re.compile(r"PCMS-\d{8}")
# What a disclosure looks like in any language: an amount, a PMT score, "paid".
PERSONAL = re.compile(r"Rs\.?\s?[\d,]+|13,500|PMT|ada ho chuki|ادا ہو چکی|paid", re.I)


def dashed(cnic: str) -> str:
    return f"{cnic[:5]}-{cnic[5:12]}-{cnic[12]}"


def texts(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def rest(live: Any, sender: str, text: str, **extra: Any) -> httpx.Response:
    """A REST message as any local program would send it, with the channel's token."""
    from bot.channels.rest import token_header

    body = {"sender": sender, "message": text, **extra}
    headers = token_header(get_settings().REST_CHANNEL_TOKEN)
    return httpx.post(f"{live.url}/webhooks/rest/webhook", json=body, headers=headers, timeout=120)


# ---------------------------------------------------------------- servers bind loopback


def listening(port: int) -> Set[str]:
    """The addresses a local TCP port listens on, from /proc/net/tcp{,6}."""
    found: Set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


def test_the_action_server_and_rasa_listen_on_loopback_only(live_assistant):
    for url in (live_assistant.actions_url, live_assistant.url):
        port = int(url.rsplit(":", 1)[1])
        addresses = listening(port)
        assert addresses and addresses <= LOOPBACK, (url, addresses)


# ---------------------------------------------------------------- crafted action calls


def crafted_call(cnic: str, sender: str) -> Dict[str, Any]:
    """Any caller could name the action and write the slots."""
    latest = {
        "text": "meri qist",
        "intent": {"name": "payment_status", "confidence": 1.0},
        "entities": [],
        "metadata": {"phone": SHAZIA.phone},
    }
    return {
        "next_action": "action_verified_answer",
        "sender_id": sender,
        "version": "3.6.2",
        "domain": {"slots": {}, "responses": {}, "forms": {}},
        "tracker": {
            "sender_id": sender,
            "slots": {
                "verified": True,
                "verified_cnic": cnic,
                "verified_token": "9999999999.forged",
                "pending_flow": "payment",
                "language": "en",
            },
            "latest_message": latest,
            "events": [
                {
                    "event": "user",
                    "text": "meri qist",
                    "parse_data": latest,
                    "input_channel": "twilio",
                    "metadata": {"phone": SHAZIA.phone},
                },
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "latest_input_channel": "twilio",
        },
    }


def test_an_action_call_without_the_secret_is_refused(live_assistant):
    url = live_assistant.actions_url
    call = crafted_call(SHAZIA.cnic, f"sms:{SHAZIA.phone}")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ""}):
        reply = httpx.post(f"{url}/webhook", json=call, headers=headers, timeout=60)
        assert reply.status_code == 401, reply.text
        assert not PERSONAL.search(reply.text)
    assert httpx.get(f"{url}/actions", timeout=30).status_code == 401


def test_a_crafted_call_with_the_secret_still_discloses_nothing(live_assistant):
    """Slots are data: `verified: true` and a forged proof prove nothing."""
    secret = live_assistant.env["ACTION_SERVER_SECRET"]
    headers = {"Authorization": f"Bearer {secret}"}
    for sender in (f"sms:{SHAZIA.phone}", "rest:attacker"):
        call = crafted_call(SHAZIA.cnic, sender)
        reply = httpx.post(
            f"{live_assistant.actions_url}/webhook", json=call, headers=headers, timeout=60
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["responses"] == [], reply.text


# ---------------------------------------------------------------- REST channel


def test_the_rest_channel_needs_its_token(live_assistant):
    body = {"sender": "no-token", "message": "salam"}
    url = f"{live_assistant.url}/webhooks/rest/webhook"
    assert httpx.post(url, json=body, timeout=60).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert httpx.post(url, json=body, headers=wrong, timeout=60).status_code == 401


def test_a_rest_sender_cannot_reach_an_sms_citizens_conversation(live_assistant):
    phone = SignedPhone(live_assistant, "sms", SHAZIA.phone)  # her number: verified by it
    phone.send_text("mere pese nai aye")
    own = "\n".join(phone.send_text(dashed(SHAZIA.cnic)))
    assert PERSONAL.search(own), own  # the phone's owner still learns her own status

    claims: List[Dict[str, Any]] = [
        {},
        {"metadata": {"phone": SHAZIA.phone}, "input_channel": "twilio"},
    ]
    for sender in (SHAZIA.phone, f"sms:{SHAZIA.phone}", f"whatsapp:{SHAZIA.phone}"):
        for claim in claims:
            asked = texts(rest(live_assistant, sender, "meri qist ka kya bana", **claim).json())
            assert not PERSONAL.search(asked), (sender, asked)
            given = texts(rest(live_assistant, sender, dashed(SHAZIA.cnic), **claim).json())
            assert not PERSONAL.search(given), (sender, given)
            assert "date of issue" in given or "تاریخ" in given, given


# ---------------------------------------------------------------- membership oracle


def registered_stranger(database_url: str) -> str:
    """A registered CNIC no other test uses (a synthetic household)."""
    personas = {p.cnic for p in PERSONAS}
    conn = sqlite3.connect(database_url.split("///", 1)[1])
    try:
        rows = conn.execute(
            "SELECT cnic FROM person WHERE cnic IS NOT NULL ORDER BY id DESC LIMIT 50"
        ).fetchall()
    finally:
        conn.close()
    return next(c for (c,) in rows if c not in personas)


def conversation(live: Any, cnic: str, wrong_answers: int) -> List[str]:
    sender = f"oracle-{uuid.uuid4().hex[:8]}"
    said = [texts(rest(live, sender, "meri qist ka kya bana").json())]
    said.append(texts(rest(live, sender, dashed(cnic)).json()))
    for _ in range(wrong_answers):
        said.append(texts(rest(live, sender, "01-01-2001").json()))
    return said


def test_registered_and_unregistered_cnics_get_the_same_replies(live_assistant):
    tries = get_settings().VERIFY_MAX_FAILURES  # the last one locks the CNIC
    registered = conversation(
        live_assistant, registered_stranger(live_assistant.database_url), tries
    )
    # A CNIC no other test uses: attempts on the persona's would carry over from them.
    unused = "3230377000" + ABSENT.cnic[-3:]
    conn = sqlite3.connect(live_assistant.database_url.split("///", 1)[1])
    try:
        found = conn.execute("SELECT 1 FROM person WHERE cnic = ?", (unused,)).fetchone()
    finally:
        conn.close()
    assert found is None, "the CNIC must not be in the registry"
    absent = conversation(live_assistant, unused, tries)

    def same(replies: List[str]) -> List[str]:
        # Each reply shows the masked CNIC it checked, so a typo can be seen; the
        # rest must not differ.
        return [re.sub(r"\d{5}-x{5}\d{2}-\d", "<cnic>", r) for r in replies]

    assert same(registered) == same(absent)
    assert "date of issue" in absent[1], absent  # the second factor first, for both
    assert "NSER" in absent[2]  # the wrong-answer reply says how to register
    assert "band hai" in absent[-1] or "locked" in absent[-1], absent  # the same lock-out


# ---------------------------------------------------------------- tickets


def filed_ticket(live: Any) -> str:
    phone = SignedPhone(live, "sms", SHAZIA.phone)
    phone.send_text("mere pese nai aye")
    phone.send_text(dashed(SHAZIA.cnic))
    phone.send_text("agent ne 500 rupay kaat liye")
    done = "\n".join(phone.send_text("Alipur ki Madina dukaan par kal"))
    found = TICKET.search(done)
    assert found, done
    return found.group()


def test_a_ticket_is_told_to_its_owner_not_to_an_unrelated_sender(live_assistant):
    number = filed_ticket(live_assistant)
    stranger = texts(rest(live_assistant, "walker", f"meri shikayat {number} ka kya bana").json())
    assert "Muzaffargarh" not in stranger and "tasdeeq" in stranger, stranger
    owner = "\n".join(
        SignedPhone(live_assistant, "sms", SHAZIA.phone).send_text(
            f"meri shikayat {number} ka kya bana"
        )
    )
    # The owner gets the status (its desk depends on how far the ticket has gone up).
    assert number in owner and "tasdeeq" not in owner and "ke paas hai" in owner, owner
