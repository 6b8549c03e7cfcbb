"""STOP and START in each language, and the first-contact notice recorded once per address."""

from __future__ import annotations

import pytest

from bot.outreach import consent


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop.",
        " Stop all ",
        "band karo",
        "Band Kro",
        "BND KRO",
        "بند کرو",
        "بند کریں",
        "mat bhejo",
    ],
)
def test_stop_words_in_each_language(text):
    assert consent.keyword(text) == consent.STOP


@pytest.mark.parametrize("text", ["start", "START", "shuru karo", "شروع کرو"])
def test_start_words(text):
    assert consent.keyword(text) == consent.START


@pytest.mark.parametrize(
    "text",
    [
        "qist band ho gayi hai",  # a payment that stopped is a question, not STOP
        "mera wazifa band kyun hua",
        "میری قسط بند ہو گئی",
        "don't stop my payment",
        "stop the agent from cutting money",
    ],
)
def test_messages_that_only_contain_the_word_are_not_stop(text):
    assert consent.keyword(text) is None


def test_the_keyword_language_follows_the_script():
    assert consent.keyword_language("بند کرو") == "ur"
    assert consent.keyword_language("band karo") == "roman_ur"
    assert consent.keyword_language("STOP") is None


def test_first_contact_is_recorded_once_per_channel_address(session):
    assert consent.first_contact(session, "twilio", "whatsapp:+923001112223", "roman_ur")
    assert not consent.first_contact(session, "twilio", "whatsapp:+923001112223", "roman_ur")
    assert consent.first_contact(session, "twilio", "+923001112223", "roman_ur")  # SMS: its own
    assert consent.may_announce(session, "twilio", "whatsapp:+923001112223")


def test_stop_then_start(session):
    consent.first_contact(session, "telegram", "912345", "en")
    consent.choose(session, "telegram", "912345", False, "en")
    assert not consent.may_announce(session, "telegram", "912345")
    consent.choose(session, "telegram", "912345", True, "en")
    assert consent.may_announce(session, "telegram", "912345")


def test_an_address_never_told_gets_no_announcement(session):
    assert not consent.may_announce(session, "twilio", "+923009999999")
