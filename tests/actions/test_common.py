"""What the actions read from a conversation: language and the phone that may verify."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.common import language_of, verification_phone


def tracker(
    channel: str, metadata: dict, events: list | None = None, language: str | None = None
) -> Tracker:
    latest = {"text": "x", "metadata": metadata, "intent": {"name": "inform"}}
    events = events or [
        {
            "event": "user",
            "text": "x",
            "input_channel": channel,
            "metadata": metadata,
            "parse_data": latest,
        }
    ]
    return Tracker("s", {"language": language}, latest, events, False, None, {}, "action_listen")


def test_sms_and_telegram_senders_can_verify_by_phone_but_callers_cannot():
    assert verification_phone(tracker("twilio", {"phone": "+923006100012"})) == "+923006100012"
    assert verification_phone(tracker("telegram", {"phone": "+923006100012"})) == "+923006100012"
    assert verification_phone(tracker("twilio_voice", {"phone": "+923006100012"})) is None


def test_the_reply_language_follows_the_latest_message_unless_chosen():
    events = [
        {"event": "user", "text": "salam", "parse_data": {"language": {"name": "roman_ur"}}},
        {"event": "user", "text": "3230399000012", "parse_data": {"language": {"name": None}}},
    ]
    assert language_of(tracker("rest", {}, events)) == "roman_ur"
    assert language_of(tracker("rest", {}, events, language="en")) == "en"
