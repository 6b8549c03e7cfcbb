"""Shared helpers for the ticket tests: a fixed clock, the configuration and sample complaints."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List, Tuple

from bot.core.settings import CONFIG_DIR
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.service import NewTicket

PKT = timezone(timedelta(hours=5))
# Monday 3 March 2025, 10:00 in Pakistan: an ordinary working morning.
MONDAY_10AM = datetime(2025, 3, 3, 10, 0, tzinfo=PKT).astimezone(timezone.utc)

CNIC = "3520212345671"
OTHER_CNIC = "4210198765431"


def pkt(*args: int) -> datetime:
    """A Pakistan-time moment as UTC: pkt(2025, 3, 3, 10) is 05:00 UTC."""
    return datetime(*args, tzinfo=PKT).astimezone(timezone.utc)


def ticket_config(tmp_path: Path, routing: str = "") -> TicketConfig:
    """The project's routing.yml and sla.yml, or the routing given."""
    routing_file = CONFIG_DIR / "routing.yml"
    if routing:
        routing_file = tmp_path / "routing.yml"
        routing_file.write_text(routing, encoding="utf-8")
    return load_config(str(routing_file), str(CONFIG_DIR / "sla.yml"))


def deduction(**overrides: Any) -> NewTicket:
    """A Roman Urdu deduction complaint from Alipur, Muzaffargarh, made on WhatsApp."""
    fields = dict(
        category="deduction",
        description="agent ne 1000 rupay kaat liye Kafaalat ki qist se",
        cnic=CNIC,
        phone="03001234567",
        programme="kafaalat",
        district="Muzaffargarh",
        tehsil="Alipur",
        amount=1000,
        location_text="Alipur chowk retailer",
        incident_date_text="kal",
        agent_name="Aslam",
        channel="twilio",
        sender_id="whatsapp:+923001234567",
        language="roman_ur",
    )
    fields.update(overrides)
    return NewTicket(**fields)


class RecordingSender:
    """A channel sender that keeps what it sent."""

    def __init__(self) -> None:
        self.sent: List[Tuple[str, str]] = []

    def send(self, recipient: str, text: str) -> None:
        self.sent.append((recipient, text))


class FlakySender(RecordingSender):
    """Fails the first `failures` sends, like a provider having a bad minute."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.calls = 0

    def send(self, recipient: str, text: str) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"provider timeout sending to {recipient}")
        super().send(recipient, text)
