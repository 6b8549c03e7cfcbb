"""A citizen on SMS through a service being killed: shared by the embedded and production tests.

`SmsCitizen` signs each message as Twilio does and, like Twilio when a webhook cannot be
reached, delivers the same MessageSid again until it gets an answer. `complaint_across_kill`
plays bench/load.py's complaint conversation, kills a service just before the message that
completes the complaint form, and checks what the citizen notices.
"""

from __future__ import annotations

import re
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

import httpx
from sqlalchemy import create_engine, text

from bot.channels.twilio_security import sign
from bot.core.conversations import twilio_conversation_id
from tests.production.citizens import complaint_script

TICKET = re.compile(r"PCMS-\d{8}")
APOLOGIES = ("Sorry, something went wrong on our side", "Sorry, I cannot answer right now")
ANSWER_WITHIN = 30.0


@dataclass
class SmsCitizen:
    """A phone writing to the helpline's Twilio SMS webhook."""

    url: str  # where requests go (front door / nginx public port)
    public_url: str  # PUBLIC_BASE_URL, which Twilio signs
    token: str
    phone: str = field(default_factory=lambda: f"+92321{uuid.uuid4().int % 10**7:07d}")
    log: List[Tuple[str, List[str], float]] = field(default_factory=list)

    def send(self, body: str, within: float = 120.0) -> Tuple[List[str], float]:
        """The reply texts and the seconds until they came (retrying as Twilio would)."""
        path = "/webhooks/twilio/webhook"
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "To": "+15005550006",
            "Body": body,
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": sign(self.token, self.public_url + path, params)}
        start = time.monotonic()
        last = ""
        while True:
            try:
                r = httpx.post(self.url + path, data=params, headers=headers, timeout=within)
                if r.status_code == 200:
                    texts = [m.text or "" for m in ET.fromstring(r.text).iter("Message")]
                    seconds = time.monotonic() - start
                    self.log.append((body, texts, seconds))
                    return texts, seconds
                last = f"HTTP {r.status_code}"
            except httpx.TransportError as e:
                last = type(e).__name__
            if time.monotonic() - start > within:
                raise AssertionError(f"{body!r}: no answer within {within:.0f} s ({last})")
            time.sleep(0.5)


def is_apology(texts: List[str]) -> bool:
    return any(t.startswith(APOLOGIES) for t in texts)


def tickets_of(database_url: str, sender: str) -> List[str]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT number FROM ticket WHERE sender_id = :s"), {"s": sender}
            ).all()
    finally:
        engine.dispose()
    return [r[0] for r in rows]


def complaint_across_kill(
    citizen: SmsCitizen,
    cnic: str,
    issued: str,
    kill: Callable[[], None],
    back: Callable[[], None],
    database_url: str,
) -> Optional[str]:
    """The complaint conversation with `kill` before its last message; returns the ticket.

    The message after the kill is answered within 30 s, by the apology or for real; after
    `back` (the service answers again) the conversation continues where it was: the
    message sent again completes the complaint. Exactly one ticket exists
    for the citizen, the one she was told."""
    *before, last = complaint_script(cnic, issued)
    for body in before:
        texts, _ = citizen.send(body)
        assert texts and not is_apology(texts), (body, texts)
    kill()
    during, seconds = citizen.send(last, within=ANSWER_WITHIN)
    assert during and seconds <= ANSWER_WITHIN, (during, seconds)
    told = [t for m in during for t in TICKET.findall(m)]
    back()
    if not told:
        # The apology, or the form asking again (a call cut mid-way by the kill): either
        # way the citizen sends the place again.
        for _ in range(3):  # as a citizen would, until the complaint is taken
            again, _ = citizen.send(last)
            told = [t for m in again for t in TICKET.findall(m)]
            if told:
                break
    assert len(told) == 1, citizen.log[-2:]
    sender = twilio_conversation_id(citizen.phone)  # the conversation the ticket names
    assert tickets_of(database_url, sender) == told, citizen.log[-3:]
    return told[0]
