"""The scheduler's pass with simulated time: up the chain, then the Ombudsman."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.outbox import OutboxMessage
from bot.tickets.escalation import run_escalation_pass
from bot.tickets.lifecycle import EscalationLimit
from bot.tickets.models import OmbudsmanReferral
from bot.tickets.service import escalate, get_ticket, history, open_ticket, resolve
from tests.tickets.helpers import MONDAY_10AM, deduction, pkt, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


@pytest.fixture()
def factory(db_url):
    return db.session_factory(db_url)


def _open(factory, config, **overrides):
    with factory() as s:
        number = open_ticket(s, deduction(**overrides), MONDAY_10AM, config).ticket.number
        s.commit()
    return number


def _load(factory, number):
    with factory() as s:
        ticket = get_ticket(s, number)
        return (
            ticket,
            history(s, ticket),
            list(
                s.execute(
                    select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)
                ).scalars()
            ),
        )


def test_nothing_happens_before_the_deadline(factory, config):
    number = _open(factory, config, category="misconduct", description="bad tameezi")
    ticket, _, _ = _load(factory, number)
    summary = run_escalation_pass(factory, ticket.deadline_at - timedelta(minutes=1), config)
    assert summary.escalated == [] and _load(factory, number)[0].level == 0


def test_an_overdue_ticket_climbs_the_chain_once_per_deadline(factory, config):
    number = _open(factory, config, category="misconduct", description="bad tameezi")
    ticket, _, _ = _load(factory, number)
    assert ticket.queue == "tehsil:Muzaffargarh/Alipur"

    seen = []
    for _ in range(4):
        ticket, _, _ = _load(factory, number)
        moment = ticket.deadline_at + timedelta(minutes=5)
        first = run_escalation_pass(factory, moment, config)
        again = run_escalation_pass(factory, moment, config)  # a second tick, same minute
        assert again.escalated == []
        ticket, _, _ = _load(factory, number)
        seen.append((first.escalated, ticket.level, ticket.queue))

    assert seen == [
        ([number], 1, "district:Muzaffargarh"),
        ([number], 2, "region:South Punjab"),
        ([number], 3, "head_office"),
        ([], 3, "head_office"),  # nowhere higher to go
    ]
    ticket, events, outbox = _load(factory, number)
    escalations = [e for e in events if e.kind == "escalated"]
    assert [(e.from_level, e.to_level, e.actor) for e in escalations] == [
        (0, 1, "scheduler"),
        (1, 2, "scheduler"),
        (2, 3, "scheduler"),
    ]
    assert [m.response for m in outbox] == ["utter_notify_ticket_escalated"] * 3
    assert ticket.deadline_at > escalations[-1].at  # a fresh deadline at the head office


def test_a_ticket_without_a_tehsil_climbs_to_its_districts_region(factory, config):
    number = _open(factory, config, district="Quetta", tehsil=None)
    ticket, _, _ = _load(factory, number)
    run_escalation_pass(factory, ticket.deadline_at + timedelta(minutes=1), config)
    assert _load(factory, number)[0].queue == "region:North Balochistan"


def test_thirty_days_unresolved_goes_to_the_ombudsman_once(factory, config):
    number = _open(factory, config)
    day_30 = MONDAY_10AM + timedelta(days=30)

    before = run_escalation_pass(factory, day_30 - timedelta(minutes=1), config)
    assert before.referred == []
    summary = run_escalation_pass(factory, day_30, config)
    assert summary.referred == [number]
    assert run_escalation_pass(factory, day_30 + timedelta(days=3), config).referred == []

    ticket, events, outbox = _load(factory, number)
    with factory() as s:
        referral = s.execute(select(OmbudsmanReferral)).scalar_one()
    assert ticket.ombudsman_referred_at == day_30
    assert referral.ticket_id == ticket.id and referral.reference == "WM-" + number[5:]
    assert [e.kind for e in events].count("referral") == 1
    message = [m for m in outbox if m.response == "utter_notify_ombudsman_referral"]
    assert len(message) == 1
    assert json.loads(message[0].params)["reference"] == referral.reference
    assert message[0].recipient == "whatsapp:+923001234567"


def test_a_ticket_waiting_for_the_citizen_is_not_escalated_but_closes_unanswered(factory, config):
    number = _open(factory, config)
    with factory() as s:
        resolve(s, get_ticket(s, number), "staff:sadia", "refunded", pkt(2025, 3, 3, 12), config)
        s.commit()
    late = pkt(2025, 3, 8, 11, 59)  # the citizen has five days to rate it
    assert run_escalation_pass(factory, late, config).escalated == []
    assert _load(factory, number)[0].state == "awaiting_citizen"

    summary = run_escalation_pass(factory, pkt(2025, 3, 8, 12, 1), config)
    ticket, events, outbox = _load(factory, number)
    assert summary.closed == [number] and ticket.state == "closed"
    assert ticket.closure == "unrated" and ticket.rating is None
    assert events[-1].actor == "scheduler" and "resolved-unrated" in events[-1].note
    assert outbox[-1].response == "utter_notify_ticket_closed"


def test_staff_cannot_escalate_past_the_head_office(session, config):
    ticket = open_ticket(session, deduction(district=None), MONDAY_10AM, config).ticket
    assert ticket.level == 3
    with pytest.raises(EscalationLimit):
        escalate(session, ticket, "staff:lead", "please look", MONDAY_10AM, config)


def test_a_pass_as_of_an_earlier_time_never_moves_a_ticket_backwards(factory, config):
    """A drill "as of" a moment before a ticket's latest change leaves that ticket alone."""
    from bot.tickets.service import add_note

    number = _open(factory, config, category="misconduct", description="bad tameezi")
    ticket, _, _ = _load(factory, number)
    overdue_at = ticket.deadline_at + timedelta(hours=2)
    with factory() as s:  # staff look at it after the deadline passed
        add_note(s, get_ticket(s, number), "staff:desk", "called the citizen", now=overdue_at)
        s.commit()
    earlier = ticket.deadline_at + timedelta(hours=1)  # overdue then, but before the note
    summary = run_escalation_pass(factory, earlier, config)
    ticket, events, _ = _load(factory, number)
    assert summary.escalated == [] and ticket.level == 0
    assert [e.at for e in events] == sorted(e.at for e in events)
    later = run_escalation_pass(factory, overdue_at + timedelta(minutes=1), config)
    assert later.escalated == [number]
