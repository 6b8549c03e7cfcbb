"""Protection cases: routed to the protection desk only, never up the district chain, and
a citizen who reports the same agent or office again is flagged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.tickets.lifecycle import EscalationLimit
from bot.tickets.service import (
    confirm_resolution,
    escalate,
    get_ticket,
    history,
    open_ticket,
    resolve,
)
from tests.tickets.helpers import MONDAY_10AM, deduction, pkt, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


def protection(**overrides):
    values = dict(
        category="protection",
        description="field officer ne kaha qist chahiye to mere sath chalo",
        agent_name=None,
    )
    values.update(overrides)
    return deduction(**values)


def test_a_protection_case_goes_to_the_protection_desk_with_a_same_day_deadline(session, config):
    ticket = open_ticket(session, protection(), MONDAY_10AM, config).ticket
    assert (ticket.queue, ticket.priority, ticket.routing_rule) == (
        "protection",
        1,
        "protection-desk",
    )
    assert ticket.deadline_at <= MONDAY_10AM + timedelta(hours=8)


def test_escalation_and_appeal_keep_it_at_the_protection_desk(session, config):
    ticket = open_ticket(session, protection(), MONDAY_10AM, config).ticket
    with pytest.raises(EscalationLimit):  # already at the top: no region office above it
        escalate(session, ticket, "staff:ho", "needs attention", MONDAY_10AM, config)
    resolve(
        session,
        ticket,
        "staff:protection",
        "met her with a female officer",
        pkt(2025, 3, 3, 15),
        config,
    )
    confirm_resolution(
        session, ticket.number, None, now=pkt(2025, 3, 4, 9), config=config, rating=1
    )
    ticket = get_ticket(session, ticket.number)
    assert (ticket.state, ticket.queue) == ("reopened", "protection")
    assert all((e.queue or "protection") == "protection" for e in history(session, ticket))


def test_reporting_the_same_agent_again_is_flagged(session, config):
    first = open_ticket(
        session, protection(agent_name="Rashid  Franchise"), MONDAY_10AM, config
    ).ticket
    assert not first.retaliation_flag
    again = open_ticket(
        session,
        deduction(agent_name="rashid franchise", district="Bahawalpur", tehsil=None),
        MONDAY_10AM + timedelta(days=3),
        config,
    ).ticket
    assert again.retaliation_flag
    note = history(session, again)[-1]
    assert note.internal and first.number in note.note


def test_a_protection_report_about_an_office_she_complained_about_before_is_flagged(
    session, config
):
    earlier = open_ticket(session, deduction(), MONDAY_10AM, config).ticket
    report = open_ticket(
        session,
        protection(description="jab se shikayat ki hai staff dhamkiyan deta hai"),
        MONDAY_10AM + timedelta(days=2),
        config,
    ).ticket
    assert report.retaliation_flag and earlier.number in history(session, report)[-1].note


def test_other_citizens_and_other_places_are_not_flagged(session, config):
    open_ticket(session, protection(agent_name="Rashid franchise"), MONDAY_10AM, config)
    other_citizen = open_ticket(
        session, deduction(cnic="4210198765431", agent_name="Rashid franchise"), MONDAY_10AM, config
    ).ticket
    elsewhere = open_ticket(
        session,
        deduction(district="Quetta", tehsil="Quetta City", agent_name=None, description="fees li"),
        MONDAY_10AM + timedelta(days=1),
        config,
    ).ticket
    assert not other_citizen.retaliation_flag and not elsewhere.retaliation_flag
