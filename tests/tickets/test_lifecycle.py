"""Ticket states: the allowed path, refused moves and a history that never changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.tickets.lifecycle import InvalidTransition, TicketClosedError
from bot.tickets.models import AppendOnlyError
from bot.tickets.service import (
    add_note,
    assign,
    history,
    open_ticket,
    resolve,
    transition,
)
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


@pytest.fixture()
def ticket(session, config):
    t = open_ticket(session, deduction(), now=MONDAY_10AM, config=config).ticket
    session.commit()
    return t


def test_the_usual_path_is_recorded_step_by_step(session, ticket, config):
    later = MONDAY_10AM + timedelta(hours=1)
    assign(session, ticket, "sadia", "staff:lead", now=later, config=config)
    transition(session, ticket, "in_progress", "staff:sadia", "calling the retailer", later, config)
    resolve(session, ticket, "staff:sadia", "retailer returned Rs 1000", later, config)
    transition(session, ticket, "closed", "citizen", "confirmed", later, config)
    session.commit()

    steps = [(e.kind, e.actor, e.from_state, e.to_state) for e in history(session, ticket)]
    assert steps == [
        ("created", "assistant", None, "new"),
        ("assigned", "staff:lead", "new", "assigned"),
        ("state", "staff:sadia", "assigned", "in_progress"),
        ("state", "staff:sadia", "in_progress", "awaiting_citizen"),
        ("state", "citizen", "awaiting_citizen", "closed"),
    ]
    assert ticket.state == "closed"
    assert ticket.assigned_to == "sadia"
    assert ticket.resolved_at == later and ticket.closed_at == later
    assert history(session, ticket)[2].note == "calling the retailer"


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "reopened"),  # nothing to reopen yet
        ([], "new"),
        (["in_progress"], "new"),
        (["awaiting_citizen"], "assigned"),
        (["closed"], "in_progress"),
        (["closed"], "awaiting_citizen"),
        (["in_progress"], "escalated"),  # not a state at all
    ],
)
def test_refused_moves_raise_and_change_nothing(session, ticket, config, path, refused):
    for state in path:
        transition(session, ticket, state, "staff:sadia", now=MONDAY_10AM, config=config)
    before = (ticket.state, len(history(session, ticket)))

    with pytest.raises(InvalidTransition) as err:
        transition(session, ticket, refused, "staff:sadia", now=MONDAY_10AM, config=config)

    assert ticket.number in str(err.value)
    assert f"to {refused!r}" in str(err.value) and "allowed from" in str(err.value)
    assert (ticket.state, len(history(session, ticket))) == before


def test_a_closed_ticket_can_only_be_reopened(session, ticket, config):
    transition(session, ticket, "closed", "staff:sadia", "duplicate of a call", MONDAY_10AM, config)
    with pytest.raises(TicketClosedError):
        assign(session, ticket, "sadia", "staff:lead", now=MONDAY_10AM, config=config)
    transition(
        session, ticket, "reopened", "staff:lead", "citizen called back", MONDAY_10AM, config
    )
    assert ticket.state == "reopened" and ticket.closed_at is None


def test_history_entries_cannot_be_changed_or_deleted(session, ticket):
    add_note(session, ticket, "staff:sadia", "retailer is a known repeat offender")
    session.commit()
    entry = history(session, ticket)[-1]
    assert entry.internal is True

    entry.note = "nothing to see"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()

    session.delete(history(session, ticket)[0])
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    assert history(session, ticket)[-1].note == "retailer is a known repeat offender"


def test_internal_notes_are_hidden_from_the_citizen_view(session, ticket):
    add_note(session, ticket, "staff:sadia", "suspect collusion with the agent")
    add_note(session, ticket, "staff:sadia", "we called you today", internal=False)
    notes = [e.note for e in history(session, ticket, include_internal=False) if e.kind == "note"]
    assert notes == ["we called you today"]
