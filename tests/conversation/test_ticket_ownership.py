"""Who owns a ticket when two phones complain about one CNIC, over signed SMS.

An unverified complainant is never told another conversation's ticket number: she gets a
number of her own, linked to the case, whose status she can ask from her phone. Once
verified as the CNIC she joins the case and may ask its status from then on.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, select

from bot.registry.personas import PERSONAS
from bot.tickets.models import Ticket, TicketEvent
from tests.auxil.phone import TICKET, Phone, dashed

pytestmark = pytest.mark.model

CITIZEN = next(p for p in PERSONAS if p.key == "husband")
COMPLAINT = "agent ne meri qist mein se 600 rupay kaat liye"
PLACE = "Alipur ki Madina dukaan par kal"


def stranger() -> str:
    return f"+9233{uuid.uuid4().int % 10**8:08d}"


def complain(phone: Phone) -> str:
    phone.text(COMPLAINT)
    phone.text(dashed(CITIZEN.cnic))
    reply = phone.text(PLACE)
    found = TICKET.search(reply)
    assert found, reply
    return found.group()


def notes(database_url: str, number: str) -> list:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            ticket_id = conn.execute(select(Ticket.id).where(Ticket.number == number)).scalar()
            return list(
                conn.execute(
                    select(TicketEvent.note).where(
                        TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "note"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def test_an_unverified_complainant_gets_her_own_linked_number_and_its_status(live_assistant):
    first = Phone(live_assistant, "sms", stranger())
    owner_ticket = complain(first)

    second = Phone(live_assistant, "sms", stranger())
    own = complain(second)
    assert own != owner_ticket  # never the other conversation's number
    assert any(owner_ticket in (n or "") for n in notes(live_assistant.database_url, own))
    assert any(own in (n or "") for n in notes(live_assistant.database_url, owner_ticket))

    # Her own number is hers to ask about; the other one is not told to her.
    status = second.text(f"meri shikayat {own} ka kya bana")
    assert own in status, status
    other = second.text(f"meri shikayat {owner_ticket} ka kya bana")
    assert "Muzaffargarh" not in other and "integrity" not in other.lower(), other


def test_once_verified_she_joins_the_case_and_may_ask_its_status(live_assistant):
    first = Phone(live_assistant, "sms", stranger())
    owner_ticket = complain(first)

    second = Phone(live_assistant, "sms", stranger())
    second.text("meri qist ka pata karna hai")
    second.text(dashed(CITIZEN.cnic))
    second.text(CITIZEN.cnic_issue_date.strftime("%d-%m-%Y"))
    joined = second.text(COMPLAINT)
    if not TICKET.search(joined):  # asked where it happened
        joined = second.text(PLACE)
    assert owner_ticket in joined, joined  # verified: she is told the case she joined
    status = second.text(f"meri shikayat {owner_ticket} ka kya bana")
    assert owner_ticket in status, status
