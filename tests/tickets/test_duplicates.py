"""A repeated complaint joins the open ticket; a different problem gets its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.tickets.models import Ticket
from bot.tickets.service import history, open_ticket, transition
from tests.tickets.helpers import MONDAY_10AM, OTHER_CNIC, deduction, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


@pytest.fixture()
def first(session, config):
    return open_ticket(session, deduction(), MONDAY_10AM, config).ticket


def _count(session) -> int:
    return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


def test_the_same_complaint_again_joins_the_open_ticket(session, config, first):
    again = open_ticket(
        session,
        deduction(
            description="Kafaalat qist se agent ne mere 1000 rupay kaat liye",
            channel="telegram",
            sender_id="777",
        ),
        MONDAY_10AM + timedelta(days=2),
        config,
    )
    assert again.joined is True
    assert again.ticket.number == first.number
    assert _count(session) == 1
    joined = history(session, first)[-1]
    assert (joined.kind, joined.note, joined.channel) == (
        "joined",
        "Kafaalat qist se agent ne mere 1000 rupay kaat liye",
        "telegram",
    )


def test_a_clearly_different_problem_opens_a_new_ticket(session, config, first):
    other = open_ticket(
        session,
        deduction(
            description="franchise wale ne fingerprint ke bahane 500 liye aur parchi nahi di",
            agent_name=None,
        ),
        MONDAY_10AM + timedelta(days=1),
        config,
    )
    assert other.joined is False
    assert other.ticket.number != first.number
    assert _count(session) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"cnic": OTHER_CNIC},  # someone else
        {"category": "scam"},  # same words, another kind of complaint
    ],
)
def test_only_the_same_cnic_and_category_can_join(session, config, first, change):
    result = open_ticket(session, deduction(**change), MONDAY_10AM, config)
    assert result.joined is False and _count(session) == 2


def test_outside_the_window_it_is_a_new_ticket(session, config, first):
    later = MONDAY_10AM + timedelta(days=config.routing.duplicate_window_days + 1)
    assert open_ticket(session, deduction(), later, config).joined is False


def test_a_closed_ticket_is_not_joined(session, config, first):
    transition(session, first, "closed", "staff:sadia", "sorted at the office", MONDAY_10AM, config)
    assert open_ticket(session, deduction(), MONDAY_10AM, config).joined is False


def test_a_wordless_repeat_joins_the_open_ticket(session, config, first):
    # A voice caller who only chose "deduction" again on the keypad.
    result = open_ticket(
        session, deduction(description="", channel="twilio_voice"), MONDAY_10AM, config
    )
    assert result.joined is True and result.ticket.number == first.number


def test_a_repeat_reported_by_a_vulnerable_citizen_raises_the_flag(session, config):
    first = open_ticket(
        session,
        deduction(category="misconduct", description="office mein bad tameezi ki"),
        MONDAY_10AM,
        config,
    ).ticket
    assert first.vulnerable is False
    again = open_ticket(
        session,
        deduction(
            category="misconduct", vulnerable=True, description="office wale ne bad tameezi ki"
        ),
        MONDAY_10AM,
        config,
    )
    assert again.joined is True and first.vulnerable is True
