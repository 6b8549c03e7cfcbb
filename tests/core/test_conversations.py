"""Conversation ids carry their channel; only SMS/WhatsApp ids vouch for a phone."""

from __future__ import annotations

from bot.core.conversations import (
    address_of,
    channel_of,
    conversation_id,
    telegram_shared_phone,
    twilio_conversation_id,
    vouched_phone,
)


def test_each_channel_gets_its_own_conversation():
    assert twilio_conversation_id("+923006100012") == "sms:+923006100012"
    assert twilio_conversation_id("whatsapp:+923006100012") == "whatsapp:+923006100012"
    assert conversation_id("telegram", "42") == "telegram:42"
    # A REST sender naming another channel's conversation stays in a REST one.
    assert conversation_id("rest", "sms:+923006100012") == "rest:sms:+923006100012"
    assert channel_of("rest:sms:+923006100012") == "rest"


def test_only_twilio_signed_numbers_vouch_for_a_phone():
    assert vouched_phone("sms:+923006100012") == "+923006100012"
    assert vouched_phone("whatsapp:+923006100012") == "+923006100012"
    for other in ("rest:+923006100012", "voice:CA1", "telegram:42", "+923006100012"):
        assert vouched_phone(other) is None


def test_channels_send_to_the_address_inside_the_id():
    assert address_of("sms:+923006100012") == "+923006100012"
    assert address_of("whatsapp:+923006100012") == "whatsapp:+923006100012"
    assert address_of("telegram:42") == "42"
    assert address_of("+923006100012") == "+923006100012"  # tickets from before


def test_the_telegram_phone_is_the_latest_one_she_shared_on_telegram():
    events = [
        {"event": "user", "input_channel": "telegram", "metadata": {"phone": "+923001111111"}},
        {"event": "bot", "metadata": {"phone": "+923009999999"}},
        {"event": "user", "input_channel": "telegram", "metadata": {"phone": "+923002222222"}},
        {"event": "user", "input_channel": "rest", "metadata": {"phone": "+923003333333"}},
        {"event": "user", "input_channel": "telegram", "metadata": {}},
    ]
    assert telegram_shared_phone(events) == "+923002222222"
    assert telegram_shared_phone(events[3:]) is None
