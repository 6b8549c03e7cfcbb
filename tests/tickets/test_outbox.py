"""Telling the citizen: queued with the change, delivered with retries, never dropped."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.outbox import FAILED_AFTER, OutboxMessage, backoff
from bot.outreach.delivery import deliver_pending
from bot.tickets.models import TicketEvent
from bot.tickets.service import assign, get_ticket, open_ticket, staff_reply
from tests.tickets.helpers import (
    MONDAY_10AM,
    FlakySender,
    RecordingSender,
    deduction,
    ticket_config,
)


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


@pytest.fixture()
def factory(db_url):
    return db.session_factory(db_url)


def _ticket_with_reply(factory, config, **overrides) -> str:
    with factory() as s:
        ticket = open_ticket(s, deduction(**overrides), MONDAY_10AM, config).ticket
        staff_reply(s, ticket, "staff:sadia", "Retailer ko notice bhej diya hai.", now=MONDAY_10AM)
        s.commit()
        return ticket.number


def _messages(factory):
    with factory() as s:
        return list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_a_change_and_its_message_are_committed_together(factory, config):
    with factory() as s:
        ticket = open_ticket(s, deduction(), MONDAY_10AM, config).ticket
        s.commit()
        assign(s, ticket, "sadia", "staff:lead", MONDAY_10AM, config)
        s.rollback()  # the assignment is abandoned...
    assert _messages(factory) == []  # ...so the citizen is not told about it


def test_a_sender_that_fails_twice_delivers_once_with_attempts_recorded(factory, config):
    number = _ticket_with_reply(factory, config)
    sender = FlakySender(failures=2)
    senders = {"twilio": sender}
    t = MONDAY_10AM

    first = deliver_pending(factory, senders, t)
    assert first.failed and not first.sent
    (message,) = _messages(factory)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == t + backoff(1)
    assert "ConnectionError" in message.last_error and "+923001234567" not in message.last_error

    assert deliver_pending(factory, senders, t + timedelta(seconds=5)).failed == []  # not due yet
    assert sender.calls == 1

    deliver_pending(factory, senders, t + backoff(1))
    (message,) = _messages(factory)
    assert message.attempts == 2 and message.next_attempt_at == t + backoff(1) + backoff(2)

    third = deliver_pending(factory, senders, t + timedelta(minutes=5))
    assert third.sent == [message.id]
    assert sender.sent == [
        ("whatsapp:+923001234567", f"Madadgar {number}: Retailer ko notice bhej diya hai.")
    ]
    (message,) = _messages(factory)
    assert (message.status, message.attempts) == ("sent", 3)
    assert message.sent_at == t + timedelta(minutes=5)

    assert deliver_pending(factory, senders, t + timedelta(hours=1)).sent == []  # sent once
    assert len(sender.sent) == 1
    with factory() as s:
        told = s.execute(select(TicketEvent).where(TicketEvent.kind == "notification")).scalars()
        assert [e.note for e in told] == ["utter_notify_staff_reply sent via twilio"]


def test_a_message_that_keeps_failing_is_flagged_but_still_retried(factory, config):
    _ticket_with_reply(factory, config)
    sender = FlakySender(failures=FAILED_AFTER)
    t = MONDAY_10AM
    for _ in range(FAILED_AFTER):
        deliver_pending(factory, {"twilio": sender}, t)
        t += timedelta(hours=7)  # longer than the longest backoff
    (message,) = _messages(factory)
    assert (message.status, message.attempts) == ("failed", FAILED_AFTER)
    deliver_pending(factory, {"twilio": sender}, t)
    (message,) = _messages(factory)
    assert (message.status, message.attempts) == ("sent", FAILED_AFTER + 1)


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(50) == timedelta(hours=6)


def test_a_channel_without_a_sender_waits_without_losing_the_message(factory, config):
    _ticket_with_reply(factory, config, channel="telegram", sender_id="99123")
    summary = deliver_pending(factory, {"twilio": RecordingSender()}, MONDAY_10AM)
    assert summary.sent == [] and summary.waiting_for_sender == 1
    (message,) = _messages(factory)
    assert (message.status, message.attempts) == ("pending", 0)

    telegram = RecordingSender()
    deliver_pending(factory, {"telegram": telegram}, MONDAY_10AM + timedelta(days=2))
    assert [r for r, _ in telegram.sent] == ["99123"]


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "Madadgar: An officer is now working on complaint"),
        ("ur", "مددگار: شکایت"),
        ("roman_ur", "Madadgar: Shikayat"),
    ],
)
def test_messages_are_written_in_the_citizens_language(factory, config, language, expected):
    with factory() as s:
        ticket = open_ticket(s, deduction(language=language), MONDAY_10AM, config).ticket
        assign(s, ticket, "sadia", "staff:lead", MONDAY_10AM, config)
        s.commit()
    sender = RecordingSender()
    deliver_pending(factory, {"twilio": sender}, MONDAY_10AM)
    ((_, text),) = sender.sent
    assert text.startswith(expected) and ticket.number in text and "05-03-2025" in text


def test_a_voice_caller_is_answered_by_sms(factory, config):
    _ticket_with_reply(
        factory, config, channel="twilio_voice", sender_id="+923001234567", phone=None
    )
    (message,) = _messages(factory)
    assert (message.channel, message.recipient) == ("twilio", "+923001234567")


def test_a_staff_reply_can_be_sent_in_another_language(factory, config):
    with factory() as s:
        ticket = open_ticket(s, deduction(), MONDAY_10AM, config).ticket
        staff_reply(
            s, ticket, "staff:sadia", "We have written to the bank.", language="en", now=MONDAY_10AM
        )
        s.commit()
        number = ticket.number
    (message,) = _messages(factory)
    assert message.language == "en"
    assert json.loads(message.params) == {
        "ticket_id": number,
        "text": "We have written to the bank.",
    }
    with factory() as s:
        assert get_ticket(s, number).language == "roman_ur"


def test_logs_never_show_a_full_cnic_or_phone(factory, config, caplog):
    caplog.set_level(logging.DEBUG)
    number = _ticket_with_reply(factory, config)
    with factory() as s:
        open_ticket(s, deduction(), MONDAY_10AM, config)  # joins
        s.commit()
    deliver_pending(factory, {"twilio": FlakySender(failures=1)}, MONDAY_10AM)
    assert number in caplog.text and "failed" in caplog.text
    for secret in ("3520212345671", "35202-1234567-1", "3001234567"):
        assert secret not in caplog.text
