"""No CNIC or phone number reaches a log unmasked: Rasa at DEBUG, actions, console, worker.

Rasa logs whole messages, parse results and slot values at DEBUG; the action server logs
the trackers it receives; the worker logs deliveries to citizens' phones. The test talks
to the assistant as citizens would (REST, SMS, the voice keypad), gives CNICs in every
common form, lets the worker run, then reads every service's log file.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from bot.cli.chat import send
from bot.core.masking import has_unmasked, mask_text
from bot.registry.personas import PERSONAS
from tests.privacy.phones import SignedPhone, log_dir_of, read_logs

pytestmark = pytest.mark.model

URDU = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PAID = next(p for p in PERSONAS if p.key == "paid")
READY = next(p for p in PERSONAS if p.key == "ready")
BIOMETRIC = next(p for p in PERSONAS if p.key == "biometric")


def dashed(cnic: str) -> str:
    return f"{cnic[:5]}-{cnic[5:12]}-{cnic[12]}"


def forbidden() -> list[str]:
    """Every persona's CNIC and phone in the forms a log line could hold them."""
    out: list[str] = []
    for p in PERSONAS:
        for cnic in (p.cnic, dashed(p.cnic), dashed(p.cnic).replace("-", " ")):
            out += [cnic, cnic.translate(URDU)]
        if p.phone:
            subscriber = p.phone[3:]
            out += [subscriber, "0" + subscriber, subscriber.translate(URDU)]
    return out


def leaks(logs: dict[str, str]) -> list[str]:
    found = []
    for name, text in logs.items():
        for value in forbidden():
            if value in text:
                found.append(f"{name}: {value}")
        for line in text.splitlines():
            if has_unmasked(line):
                found.append(f"{name}: {mask_text(line)[:200]}")
    return found


def converse_everywhere(live) -> None:
    """Citizens on every channel, each giving a CNIC (and the phone rings in via Twilio)."""
    rest = f"privacy-{uuid.uuid4().hex[:8]}"
    issue = PAID.cnic_issue_date.strftime("%d-%m-%Y")
    for text in ("mere pese nai aye", dashed(PAID.cnic), issue, "agent ne 500 rupay kaat liye"):
        assert send(live.url, rest, text)
    assert send(live.url, rest, "Alipur ki dukaan par kal")
    urdu = f"privacy-{uuid.uuid4().hex[:8]}"
    for text in ("میری قسط نہیں آئی", f"میرا شناختی کارڈ {dashed(READY.cnic).translate(URDU)}"):
        assert send(live.url, urdu, text, {"phone": READY.phone})
    wrong = f"privacy-{uuid.uuid4().hex[:8]}"
    assert send(live.url, wrong, f"my cnic is {READY.cnic[:12]} and my phone {READY.phone}")

    sms = SignedPhone(live, "sms", PAID.phone)
    for text in ("meri qist ka pata karna hai", PAID.cnic, "kisi insaan se baat karao"):
        assert sms.send_text(text) and sms.last.status_code == 200

    call = SignedPhone(live, "voice", BIOMETRIC.phone)
    call.voice(None)
    for said in ("dtmf:1", "meri qist nahi aayi", f"dtmf:{BIOMETRIC.cnic}#", "dtmf:1"):
        heard = call.voice(said)
        assert call.last.status_code == 200, heard


def test_no_service_log_holds_a_cnic_or_phone_even_at_debug_level(debug_assistant):
    converse_everywhere(debug_assistant)
    time.sleep(6)  # the worker's passes (every 2 s) deliver the ticket notifications
    logs = read_logs(debug_assistant.log_dir)
    assert {"actions.log", "rasa.log", "console.log", "worker.log"} <= set(logs)
    # DEBUG really was on, and the conversations really were logged (masked).
    assert (
        "processor.message.parse" in logs["rasa.log"]
        or "Received user message" in (logs["rasa.log"])
    )
    assert re.search(r"CNIC#[a-z0-9]{18}", logs["rasa.log"]), "no reference in Rasa's log"
    assert leaks(logs) == []


def test_no_log_of_the_shared_assistant_holds_a_cnic_or_phone(live_assistant):
    """The assistant the other model tests talk to, after whatever they said (and this)."""
    converse_everywhere(live_assistant)
    logs = read_logs(log_dir_of(live_assistant.database_url))
    assert {"actions.log", "rasa.log"} <= set(logs)
    assert leaks(logs) == []
