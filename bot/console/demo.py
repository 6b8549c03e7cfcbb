"""Demo data for the console: a handful of tickets in Muzaffargarh and Quetta."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.console.auth import ensure_demo_staff
from bot.core.clock import utcnow
from bot.patterns.link import classify_and_link
from bot.tickets.models import Ticket
from bot.tickets.service import NewTicket, open_ticket


@dataclass(frozen=True)
class DemoTicket:
    key: str
    age_hours: float  # opened this long before "now" (old ones are overdue)
    new: NewTicket


DEMO_TICKETS = (
    DemoTicket(
        "mzg_deduction",
        2,
        NewTicket(
            category="deduction",
            description=(
                "Retailer ne 14500 mein se 2000 rupay kaat liye. "
                "Mera CNIC 32303-9900001-2 hai, number 0300 6100012."
            ),
            cnic="3230399000012",
            phone="+923006100012",
            programme="kafaalat",
            district="Muzaffargarh",
            tehsil="Alipur",
            amount=2000,
            location_text="Campsite, Alipur bazaar",
            incident_date_text="kal",
            agent_name="Rashid franchise",
            channel="twilio",
            sender_id="whatsapp:+923006100012",
            language="roman_ur",
        ),
    ),
    DemoTicket(
        "mzg_biometric",
        30,
        NewTicket(
            category="biometric_failure",
            description="Angoothay ka nishan match nahi hota, teen dafa gayi hoon.",
            cnic="3230399000036",
            phone="+923006100036",
            programme="kafaalat",
            district="Muzaffargarh",
            tehsil="Muzaffargarh",
            channel="twilio_voice",
            sender_id="voice:CA00000000000000000000000000000036",
            language="ur",
            vulnerable=True,
        ),
    ),
    DemoTicket(
        "mzg_overdue",
        24 * 18,
        NewTicket(
            category="other",
            description="Tehsil office mein koi jawab nahi deta.",
            cnic="3230399000024",
            phone="+923006100024",
            programme="kafaalat",
            district="Muzaffargarh",
            tehsil="Jatoi",
            channel="rest",
            sender_id="rest:demo-rukhsana",
            language="roman_ur",
        ),
    ),
    DemoTicket(
        "qta_payment",
        5,
        NewTicket(
            category="payment_not_received",
            description="Nashonuma ki qist nahi mili, bachay ka check-up ho gaya tha.",
            cnic="5440099000112",
            phone="+923006100112",
            programme="nashonuma",
            district="Quetta",
            tehsil="Quetta City",
            channel="telegram",
            sender_id="telegram:912345",
            language="en",
        ),
    ),
    DemoTicket(
        "mzg_protection",
        1,
        NewTicket(
            category="protection",
            description=(
                "Campsite par ek admi ne kaha qist jaldi chahiye to akeli mil kar jao. "
                "Mujhe dar lag raha hai."
            ),
            phone="+923006100048",
            district="Muzaffargarh",
            tehsil="Alipur",
            channel="twilio",
            sender_id="whatsapp:+923006100048",
            language="roman_ur",
        ),
    ),
    DemoTicket(
        "qta_scam",
        1,
        NewTicket(
            category="scam",
            description="SMS aya ke 25000 ka inaam hai, PIN bhejo.",
            phone="+923451234567",
            district="Quetta",
            tehsil="Kuchlak",
            channel="twilio",
            sender_id="sms:+923451234567",
            language="roman_ur",
        ),
    ),
)


def seed_demo_tickets(session: Session, now: Optional[datetime] = None) -> Dict[str, str]:
    """Open the demo tickets when the database has none; returns key -> ticket number."""
    if session.execute(select(func.count(Ticket.id))).scalar_one():
        return {}
    now = now or utcnow()
    numbers: Dict[str, str] = {}
    for demo in DEMO_TICKETS:
        new = NewTicket(**vars(demo.new))
        result = open_ticket(session, new, now=now - timedelta(hours=demo.age_hours))
        classify_and_link(session, result.ticket, result.ticket.created_at)
        numbers[demo.key] = result.ticket.number
    return numbers


def seed_demo(session: Session, registry: bool = True) -> Dict[str, str]:
    """Demo staff, the registry's persona households and the demo tickets (idempotent)."""
    ensure_demo_staff(session)
    if registry:
        from bot.registry.seed import ensure_personas

        ensure_personas(session)
    return seed_demo_tickets(session)
