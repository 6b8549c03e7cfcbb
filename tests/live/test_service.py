"""The waiting list, scope and the idle hand-back of live conversations (no Rasa needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console.auth import ensure_demo_staff, get_user
from bot.core import audit
from bot.core.clock import utcnow
from bot.core.outbox import OutboxMessage
from bot.live import service as live
from bot.live.models import ASSISTANT, TAKEN_OVER


@pytest.fixture()
def staff(session):
    ensure_demo_staff(session)
    session.commit()
    return {
        u: get_user(session, u)
        for u in ("admin", "sup-muzaffargarh", "agent-muzaffargarh", "agent-quetta")
    }


def sign_in(session, *usernames):
    for name in usernames:
        audit.record(session, name, "login")
    session.flush()


def test_nobody_on_duty_means_no_waiting_list(session, staff):
    assert live.join_waiting_list(session, "+923001112223", "twilio", "en") is None
    assert live.get(session, "+923001112223") is None


def test_the_wait_grows_with_the_list_and_shrinks_with_staff_on_duty(session, staff, monkeypatch):
    sign_in(session, "admin")
    now = utcnow()
    waits = [
        live.join_waiting_list(
            session, f"+92300111222{i}", "twilio", "en", now=now + timedelta(seconds=i)
        )
        for i in range(3)
    ]
    assert waits == [5, 10, 15]
    sign_in(session, "sup-muzaffargarh")
    assert (
        live.join_waiting_list(
            session, "+923001112229", "twilio", "en", now=now + timedelta(seconds=9)
        )
        == 10
    )
    audit.record(session, "sup-muzaffargarh", "logout")
    assert live.staff_on_duty(session) == 1


def test_scope_district_for_verified_helpline_desk_for_the_rest(session, staff):
    sign_in(session, "admin")
    live.join_waiting_list(
        session, "whatsapp:+923006100012", "twilio", "ur", district="Muzaffargarh"
    )
    live.join_waiting_list(session, "+923219876501", "twilio", "en")
    seen = {u: {c.id for c in live.in_scope(session, user)} for u, user in staff.items()}
    assert seen["admin"] == {"whatsapp:+923006100012", "+923219876501"}
    assert seen["sup-muzaffargarh"] == {"whatsapp:+923006100012", "+923219876501"}
    assert seen["agent-muzaffargarh"] == {"whatsapp:+923006100012"}
    assert seen["agent-quetta"] == set()
    with pytest.raises(live.LiveError) as refused:
        live.take_over(session, staff["agent-quetta"], "whatsapp:+923006100012")
    assert refused.value.status == 404


def test_one_person_at_a_time_and_a_message_needs_the_takeover(session, staff):
    sign_in(session, "admin")
    live.join_waiting_list(session, "123456789", "telegram", "roman_ur", district="Muzaffargarh")
    with pytest.raises(live.LiveError):
        live.send_staff_message(session, staff["agent-muzaffargarh"], "123456789", "salam")
    live.take_over(session, staff["agent-muzaffargarh"], "123456789")
    with pytest.raises(live.LiveError):
        live.take_over(session, staff["sup-muzaffargarh"], "123456789")
    entry, message = live.send_staff_message(
        session, staff["agent-muzaffargarh"], "123456789", "salam"
    )
    assert (message.channel, message.recipient, message.response) == (
        "telegram",
        "123456789",
        live.STAFF_MESSAGE,
    )
    assert entry.text != "salam", "the staff message is sealed at rest"


def test_thirty_minutes_without_a_staff_message_hands_back(session, staff):
    sign_in(session, "admin")
    start = utcnow()
    live.join_waiting_list(session, "+923001112223", "twilio", "roman_ur", now=start)
    live.take_over(session, staff["admin"], "+923001112223", now=start)
    assert live.hand_back_idle(session, start + timedelta(minutes=29)) == []
    assert live.hand_back_idle(session, start + timedelta(minutes=31)) == ["+923001112223"]
    row = live.get(session, "+923001112223")
    assert row.state == ASSISTANT
    told = session.query(OutboxMessage).filter_by(response=live.HANDED_BACK).one()
    assert (told.recipient, told.language) == ("+923001112223", "roman_ur")
    kinds = [e.kind for e in live.entries(session, row.id)]
    assert kinds == ["waiting", "takeover", "handback"]
    assert [e.action for e in audit.entries(session, username="worker")] == ["live_handback"]


def test_a_voice_caller_is_written_to_by_sms(session, staff):
    address = live.address_of("twilio_voice", "CA" + "1" * 32, "+923006100012")
    assert address == live.Address("voice", "twilio_voice", "+923006100012")
    assert live.address_of("twilio", "whatsapp:+923006100012", None).recipient == (
        "whatsapp:+923006100012"
    )
    assert TAKEN_OVER == "taken_over"
