"""A citizen's phone for live tests: the simulator, signing with the live server's secrets.

SMS and WhatsApp (`text`, all pages), the voice line (`call`, TwiML back) and Telegram, plus
what tests check in replies: the script, amounts, ticket rows in the database.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional

import httpx
from sqlalchemy import create_engine, select

from bot.channels.models import ProcessedWebhook
from bot.channels.simulate import Simulator
from bot.channels.sms_text import WHATSAPP_MAX_CHARS, segment_count
from bot.registry.personas import PERSONAS
from bot.tickets.models import Ticket

SHAZIA = next(p for p in PERSONAS if p.key == "paid")  # Muzaffargarh, paid Rs 13,500
SANAM = next(p for p in PERSONAS if p.key == "transgender")  # Multan, paid Rs 13,500
TICKET = re.compile(r"PCMS-\d{8}")
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
AMOUNT = ("13,500", "13500")
# channel_sms_more_hint in each language, and the word it asks for
MORE_HINTS = {
    "Reply MORE for the rest.": "MORE",
    "باقی کے لیے مزید لکھیں۔": "مزید",
    "Baqi ke liye MORE likhein.": "MORE",
}
STRANGER_PHONE = "+923219876501"  # on nobody's record
FORGER_PHONE = "+923219876502"


# ------------------------------------------------------------------ helpers


def is_urdu_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) / len(letters) > 0.6


def shows_amount(text: str) -> bool:
    return any(a in text for a in AMOUNT)


def dashed(cnic: str) -> str:
    return f"{cnic[:5]}-{cnic[5:12]}-{cnic[12]}"


def ticket_row(database_url: str, number: str) -> Dict[str, Any]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            row = (
                conn.execute(select(Ticket.__table__).where(Ticket.number == number))
                .mappings()
                .first()
            )
    finally:
        engine.dispose()
    assert row is not None, f"{number} was told to the citizen but is not in the database"
    return dict(row)


def webhook_claimed(database_url: str, channel: str, key: str) -> bool:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(ProcessedWebhook.__table__.c.id).where(
                    ProcessedWebhook.channel == channel, ProcessedWebhook.key == key
                )
            ).first()
    finally:
        engine.dispose()
    return row is not None


class Phone(Simulator):
    """The simulator's phone, signing with the live server's own secrets; keeps raw answers."""

    def __init__(self, live: Any, mode: str, phone: str) -> None:
        super().__init__(mode, live.url, phone)
        self.public = live.env["PUBLIC_BASE_URL"].rstrip("/")
        self.token = live.env["TWILIO_AUTH_TOKEN"]
        self.secret = live.env["TELEGRAM_SECRET_TOKEN"]
        self.max_segments = int(live.env.get("SMS_MAX_SEGMENTS") or 3)
        self.last: Optional[httpx.Response] = None

    def _post_twilio(self, public_url: str, params: Dict[str, str]) -> httpx.Response:
        self.last = super()._post_twilio(public_url, params)
        return self.last

    # -------------------------------------------------- SMS / WhatsApp

    def text(self, body: str) -> str:
        """One message; all reply pages (an SMS reply cut at the budget is fetched with MORE)."""
        pages = self.message(body)
        while self.mode == "sms" and pages and pages[-1].rstrip().endswith(tuple(MORE_HINTS)):
            pages += self.message(MORE_HINTS[pages[-1].rstrip().split("\n")[-1]])
        return "\n".join(pages)

    def message(self, body: str) -> List[str]:
        texts = self.send_text(body)
        assert self.last is not None and self.last.status_code == 200, texts
        assert self.last.headers["content-type"].startswith("text/xml")
        for text in texts:
            if self.mode == "sms":
                assert segment_count(text) <= self.max_segments, (
                    f"{segment_count(text)} SMS segments: {text!r}"
                )
            else:
                assert len(text) <= WHATSAPP_MAX_CHARS
        return texts

    # -------------------------------------------------- voice

    def call(self, said: Optional[str]) -> ET.Element:
        """One step of the call (None rings); the TwiML answer."""
        self.voice(said)
        assert self.last is not None and self.last.status_code == 200, self.last.text
        return ET.fromstring(self.last.text)

    # -------------------------------------------------- Telegram

    @property
    def chat_id(self) -> int:
        return int(self.phone.strip("+")[-9:])  # what Simulator.telegram uses


def spoken(twiml: ET.Element) -> str:
    return "\n".join(el.text or "" for el in twiml.iter("Say"))


def assert_urdu_voice(twiml: ET.Element) -> None:
    says = list(twiml.iter("Say"))
    assert says, "nothing is said"
    for el in says:
        assert el.get("language") == "ur-IN", ET.tostring(el, encoding="unicode")
        assert el.get("voice", "").startswith("Google.ur-IN"), el.get("voice")
        assert is_urdu_script(el.text or ""), el.text
    gather = twiml.find("Gather")
    if gather is not None:
        assert gather.get("language") == "ur-PK"
        assert "speech" in (gather.get("input") or "") and gather.get("finishOnKey") == "#"


def sent_texts(calls: List[Any]) -> List[str]:
    return [str(p.get("text") or "") for m, p in calls if m == "sendMessage"]
