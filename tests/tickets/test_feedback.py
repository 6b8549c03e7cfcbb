"""After the office resolves a ticket: the citizen rates it, appeals it, or lets it close."""

from __future__ import annotations

import pytest

from bot.tickets.escalation import run_escalation_pass
from bot.tickets.service import confirm_resolution, get_ticket, history, open_ticket, resolve
from tests.tickets.helpers import MONDAY_10AM, deduction, pkt, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


def _resolved(session, config):
    ticket = open_ticket(session, deduction(), MONDAY_10AM, config).ticket
    resolve(session, ticket, "staff:sadia", "agent refunded Rs 1,500", pkt(2025, 3, 4, 11), config)
    return ticket


@pytest.mark.parametrize("rating", [1, 2])
def test_a_low_rating_is_an_appeal_one_level_up(session, config, rating):
    ticket = _resolved(session, config)
    level = ticket.level
    confirm_resolution(
        session, ticket.number, None, now=pkt(2025, 3, 5, 9), config=config, rating=rating
    )
    ticket = get_ticket(session, ticket.number)
    assert (ticket.state, ticket.level, ticket.rating, ticket.appeal_count) == (
        "reopened",
        level + 1,
        rating,
        1,
    )
    assert ticket.closure is None and ticket.deadline_at > pkt(2025, 3, 5, 9)
    events = history(session, ticket)
    assert [e.kind for e in events][-2:] == ["rating", "state"]
    assert events[-1].note == f"appeal: rated {rating}/5"


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_a_fair_or_good_rating_closes_the_ticket(session, config, rating):
    ticket = _resolved(session, config)
    confirm_resolution(
        session, ticket.number, None, now=pkt(2025, 3, 5, 9), config=config, rating=rating
    )
    ticket = get_ticket(session, ticket.number)
    assert (ticket.state, ticket.rating, ticket.closure, ticket.appeal_count) == (
        "closed",
        rating,
        "rated",
        0,
    )


def test_nahi_hua_without_a_number_is_an_appeal_too(session, config):
    ticket = _resolved(session, config)
    confirm_resolution(session, ticket.number, False, now=pkt(2025, 3, 5, 9), config=config)
    ticket = get_ticket(session, ticket.number)
    assert (ticket.state, ticket.appeal_count, ticket.rating) == ("reopened", 1, None)


def test_haan_closes_as_confirmed(session, config):
    ticket = _resolved(session, config)
    confirm_resolution(session, ticket.number, True, now=pkt(2025, 3, 5, 9), config=config)
    assert get_ticket(session, ticket.number).closure == "confirmed"


def test_a_rating_outside_one_to_five_is_refused(session, config):
    ticket = _resolved(session, config)
    with pytest.raises(ValueError):
        confirm_resolution(session, ticket.number, None, config=config, rating=6)
    assert get_ticket(session, ticket.number).state == "awaiting_citizen"


def test_an_appealed_ticket_resolved_again_can_be_rated_again(session, config):
    ticket = _resolved(session, config)
    confirm_resolution(
        session, ticket.number, None, now=pkt(2025, 3, 5, 9), config=config, rating=1
    )
    resolve(
        session,
        get_ticket(session, ticket.number),
        "staff:rd",
        "paid at the camp",
        pkt(2025, 3, 6, 9),
        config,
    )
    confirm_resolution(
        session, ticket.number, None, now=pkt(2025, 3, 6, 12), config=config, rating=4
    )
    ticket = get_ticket(session, ticket.number)
    assert (ticket.state, ticket.rating, ticket.appeal_count, ticket.closure) == (
        "closed",
        4,
        1,
        "rated",
    )


def test_no_answer_in_five_days_closes_resolved_unrated(db_url, config):
    from bot.core import db

    factory = db.session_factory(db_url)
    with factory() as s:
        number = _resolved(s, config).number
        s.commit()
    run_escalation_pass(factory, pkt(2025, 3, 9, 10, 59), config)
    with factory() as s:
        assert get_ticket(s, number).state == "awaiting_citizen"
    run_escalation_pass(factory, pkt(2025, 3, 9, 11, 1), config)
    with factory() as s:
        ticket = get_ticket(s, number)
        assert (ticket.state, ticket.closure, ticket.rating) == ("closed", "unrated", None)
