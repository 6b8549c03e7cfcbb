"""A complaint's journey from a conversation: routed, escalated on deadline, resolved, reopened by 'nahi hua'."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.outbox import OutboxMessage
from bot.language.i18n import load_responses, render
from bot.registry.personas import PERSONAS
from bot.tickets import service
from bot.tickets.escalation import run_escalation_pass
from bot.tickets.models import TicketEvent

pytestmark = pytest.mark.model

# A persona no other conversation test complains for, so the complaint opens its own ticket.
CITIZEN = next(p for p in PERSONAS if p.key == "disability")


def is_roman(text: str) -> bool:
    return not re.search(r"[\u0600-\u06ff]", text) and bool(
        re.search(r"\b(aap|ki|ka|hai|shikayat)\b", text, re.I)
    )


def test_deduction_complaint_escalates_notifies_in_roman_urdu_and_reopens_one_level_up(
    live_assistant,
):
    citizen = f"journey-{uuid.uuid4().hex[:8]}"
    live_assistant.say(
        citizen,
        "salam, agent ne meri qist mein se 500 rupay kaat liye aur bola ke ye uski fees hai",
    )
    live_assistant.say(citizen, CITIZEN.cnic)
    # Not verified: the district comes from the place (Alipur is in Muzaffargarh).
    reply = "\n".join(live_assistant.say(citizen, "Alipur bazar wali dukaan par, parson"))
    number = re.search(r"PCMS-\d{8}", reply).group()

    make_session = db.session_factory(live_assistant.database_url)
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        assert (ticket.queue, ticket.language) == ("integrity:Muzaffargarh", "roman_ur")
        deadline, first_level = ticket.deadline_at, ticket.level

    summary = run_escalation_pass(make_session, now=deadline + timedelta(hours=1))
    assert number in summary.escalated
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        assert ticket.level == first_level + 1 and ticket.queue != "integrity:Muzaffargarh"
        service.resolve(session, ticket, "staff:sup-muzaffargarh", "retailer refunded Rs 500")
        session.commit()
        notices = (
            session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.ticket_id == ticket.id)
                .order_by(OutboxMessage.id)
            )
            .scalars()
            .all()
        )
    texts = [
        render(
            m.response,
            m.language,
            m.channel,
            responses=load_responses(),
            **json.loads(m.params or "{}"),
        )
        for m in notices
    ]
    kinds = [m.response for m in notices]
    assert "utter_notify_ticket_escalated" in kinds and "utter_notify_resolved_confirm" in kinds
    assert all(m.language == "roman_ur" and m.recipient == f"rest:{citizen}" for m in notices)
    assert all(is_roman(t) for t in texts), texts

    answer = "\n".join(live_assistant.say(citizen, "nahi hua, paise abhi tak wapis nahi mile"))
    assert number in answer and is_roman(answer)
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        assert (ticket.state, ticket.level, ticket.reopen_count) == ("reopened", first_level + 2, 1)
        history = session.execute(
            select(TicketEvent.kind, TicketEvent.to_state)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.id)
        ).all()
    kinds_seen = [k for k, _ in history]
    assert kinds_seen[0] == "created" and "escalated" in kinds_seen
    assert ("state", "awaiting_citizen") in history and ("state", "reopened") in history

    # Resolved again: a bare "2" is a rating, and a low one is a second appeal.
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        service.resolve(session, ticket, "staff:rd", "paid at the campsite")
        session.commit()
    answer = "\n".join(live_assistant.say(citizen, "2"))
    assert number in answer and is_roman(answer) and "appeal" in answer
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        assert (ticket.state, ticket.rating, ticket.appeal_count) == ("reopened", 2, 2)
        service.resolve(session, ticket, "staff:ho", "paid in full at the head office")
        session.commit()
    # Then a good rating in Urdu digits closes it, with thanks for the rating.
    answer = "\n".join(live_assistant.say(citizen, "۵"))
    assert number in answer and "5" in answer
    with make_session() as session:
        ticket = service.get_ticket(session, number)
        assert (ticket.state, ticket.rating, ticket.closure) == ("closed", 5, "rated")
