"""What the actions read from a conversation: language and the phone that may verify."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.common import language_of, verification_phone, verified_cnic
from bot.assistant import proof


def tracker(
    channel: str,
    metadata: dict,
    events: list | None = None,
    language: str | None = None,
    sender: str = "s",
    slots: dict | None = None,
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
    slots = {"language": language, **(slots or {})}
    return Tracker(sender, slots, latest, events, False, None, {}, "action_listen")


def test_sms_and_telegram_senders_can_verify_by_phone_but_callers_cannot():
    phone = {"phone": "+923006100012"}
    sms = tracker("twilio", {}, sender="sms:+923006100012")
    assert verification_phone(sms) == "+923006100012"
    whatsapp = tracker("twilio", {}, sender="whatsapp:+923006100012")
    assert verification_phone(whatsapp) == "+923006100012"
    assert verification_phone(tracker("telegram", phone, sender="telegram:42")) == "+923006100012"
    assert verification_phone(tracker("twilio_voice", phone, sender="voice:CA1")) is None


def test_a_phone_named_in_metadata_or_the_sender_field_verifies_nobody():
    """A REST caller (or a crafted action call) claiming an SMS citizen's number."""
    claimed = tracker("twilio", {"phone": "+923006100012"}, sender="rest:sms:+923006100012")
    assert verification_phone(claimed) is None
    assert verification_phone(tracker("telegram", {"phone": "+923006100012"}, sender="x")) is None


def test_verified_slots_without_the_proof_disclose_nothing():
    slots = {"verified": True, "verified_cnic": "cnicref:abc"}
    assert verified_cnic(tracker("rest", {}, sender="rest:a", slots=slots)) is None
    token = proof.issue("rest:a", "cnicref:abc")
    proved = {**slots, "verified_token": token}
    assert verified_cnic(tracker("rest", {}, sender="rest:a", slots=proved)) == "cnicref:abc"
    # The same proof in another conversation proves nothing there.
    assert verified_cnic(tracker("rest", {}, sender="rest:b", slots=proved)) is None


def test_the_reply_language_follows_the_latest_message_unless_chosen():
    events = [
        {"event": "user", "text": "salam", "parse_data": {"language": {"name": "roman_ur"}}},
        {"event": "user", "text": "3230399000012", "parse_data": {"language": {"name": None}}},
    ]
    assert language_of(tracker("rest", {}, events)) == "roman_ur"
    assert language_of(tracker("rest", {}, events, language="en")) == "en"
