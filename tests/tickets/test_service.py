"""The service API as the assistant and console use it: find, list, add information."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.identifiers import check_ticket_number
from bot.tickets.lifecycle import TicketClosedError, TicketNotFound
from bot.tickets.service import (
    add_citizen_message,
    get_ticket,
    history,
    open_ticket,
    tickets_for_cnic,
    transition,
)
from tests.tickets.helpers import CNIC, MONDAY_10AM, OTHER_CNIC, deduction, ticket_config


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


def test_a_new_ticket_has_a_valid_number_and_what_the_citizen_said(session, config):
    ticket = open_ticket(
        session, deduction(cnic="35202-1234567-1", phone="0300 1234567"), MONDAY_10AM, config
    ).ticket
    session.commit()
    assert check_ticket_number(ticket.number).ok
    assert (ticket.cnic, ticket.phone, ticket.amount, ticket.agent_name) == (
        CNIC,
        "+923001234567",
        1000,
        "Aslam",
    )
    assert (ticket.state, ticket.version, ticket.reopen_count) == ("new", 1, 0)
    assert (ticket.channel, ticket.sender_id, ticket.language) == (
        "twilio",
        "whatsapp:+923001234567",
        "roman_ur",
    )


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"category": "lost_card"}, "category"),
        ({"cnic": "12345"}, "CNIC"),
        ({"phone": "12"}, "phone"),
        ({"language": "fr"}, "language"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_a_malformed_complaint_is_refused(session, config, change, problem):
    with pytest.raises(ValueError, match=problem):
        open_ticket(session, deduction(**change), MONDAY_10AM, config)


def test_a_ticket_is_found_however_the_citizen_types_its_number(session, config):
    number = open_ticket(session, deduction(), MONDAY_10AM, config).ticket.number
    digits = number[5:]
    urdu_digits = digits.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    for typed in (number, f"pcms {digits}", digits, urdu_digits):
        assert get_ticket(session, typed).number == number
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert get_ticket(session, wrong) is None
    assert get_ticket(session, "") is None


def test_a_citizens_tickets_newest_first(session, config):
    old = open_ticket(session, deduction(), MONDAY_10AM, config).ticket
    new = open_ticket(
        session,
        deduction(category="scam", description="fake 8171 sms"),
        MONDAY_10AM + timedelta(hours=1),
        config,
    ).ticket
    open_ticket(session, deduction(cnic=OTHER_CNIC), MONDAY_10AM, config)
    transition(session, old, "closed", "staff:sadia", "done", MONDAY_10AM, config)
    assert [t.number for t in tickets_for_cnic(session, "35202-1234567-1")] == [
        new.number,
        old.number,
    ]
    assert [t.number for t in tickets_for_cnic(session, CNIC, open_only=True)] == [new.number]
    assert tickets_for_cnic(session, "not a cnic") == []


def test_the_citizen_adds_information_to_an_open_ticket(session, config):
    ticket = open_ticket(session, deduction(), MONDAY_10AM, config).ticket
    add_citizen_message(
        session, ticket.number.lower(), "retailer ka naam Aslam Karyana", "telegram"
    )
    entry = history(session, ticket)[-1]
    assert (entry.kind, entry.actor, entry.note, entry.channel, entry.internal) == (
        "citizen_message",
        "citizen",
        "retailer ka naam Aslam Karyana",
        "telegram",
        False,
    )

    transition(session, ticket, "closed", "staff:sadia", "done", MONDAY_10AM, config)
    with pytest.raises(TicketClosedError):
        add_citizen_message(session, ticket.number, "aur bhi", "telegram")
    with pytest.raises(TicketNotFound):
        add_citizen_message(session, "PCMS-00000000", "hello", "rest")
