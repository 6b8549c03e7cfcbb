"""Complaint categories from people's words, and the answer to 'is it solved?'."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.assistant.complaints import (
    ComplaintDraft,
    Verdict,
    amount_answer,
    file_complaint,
    guess_category,
    resolution_answer,
    ticket_status,
)
from bot.assistant.handoff import call_centre_open
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry
from bot.tickets import service

PAID = next(p for p in PERSONAS if p.key == "paid")


@pytest.mark.parametrize(
    "intent, text, category",
    [
        ("report_deduction", "agent ne 500 kaat liye", "deduction"),
        ("report_biometric_failure", "angootha nahi lagta", "biometric_failure"),
        ("register_complaint", "daftar walon ne badtameezi ki", "misconduct"),
        ("register_complaint", "mujhe kisi ne fake message bheja", "scam"),
        ("register_complaint", "دفتر کے عملے نے رشوت مانگی", "misconduct"),
        ("register_complaint", "I want to complain", "other"),
        ("register_complaint", "retailer ne paisay katay", "deduction"),
        ("register_complaint", "ریٹیلر نے پیسے کاٹ لیے", "deduction"),
        ("register_complaint", "my money was deducted at the shop", "deduction"),
        ("register_complaint", "bohat lambi line thi aur dhakke diye", "misconduct"),
        ("register_complaint", "fingerprints not matching at the retailer", "biometric_failure"),
        # Words inside other words are not those words: "line" in "helpline" or
        # "online", "fee" in "feel", "cut" in "cute", "sim" in "simple".
        ("register_complaint", "helpline par koi jawab nahi deta", "other"),
        ("register_complaint", "online form nahi khul raha", "other"),
        ("register_complaint", "I feel nobody listens", "other"),
        ("register_complaint", "the process is not simple", "other"),
        ("register_complaint", "شکایت ہے کہ ہیلپ لائن پر کوئی جواب نہیں دیتا", "other"),
    ],
)
def test_the_category_follows_what_the_person_says(intent, text, category):
    assert guess_category(intent, text) == category


@pytest.mark.parametrize(
    "text, amount",
    [
        ("Rs 1,000", 1000),
        ("۵۰۰ روپے", 500),
        ("500", 500),
        ("paanch sau rupay", 500),
        ("pata nahi", None),
        ("kuch nahi", None),
        # A duration is no amount: the NLU's rule, not "the first number in the text".
        ("3 mahine se", None),
        ("2 din pehle", None),
        ("teen hafte pehle 1000 kaate", 1000),
    ],
)
def test_amounts_are_read_with_the_nlu_rule(text, amount):
    assert amount_answer(text) == amount


@pytest.mark.parametrize(
    "intent, text, solved",
    [
        ("deny", "nahi", False),
        ("payment_status", "nahi hua, paise abhi tak nahi mile", False),
        ("affirm", "ji ho gaya", True),
        ("thank", "shukriya paise mil gaye", True),
    ],
)
def test_answers_to_is_it_solved(intent, text, solved):
    assert resolution_answer(intent, text) == Verdict(solved=solved)


@pytest.mark.parametrize(
    "text, rating",
    [
        ("4", 4),
        ("۲", 2),
        (" 5/5 ", 5),
        ("3 stars", 3),
        ("rating 1", 1),
        ("⭐⭐⭐⭐", 4),
        ("⭐️⭐️", 2),
        ("۵ ستارے", 5),
    ],
)
def test_a_rating_in_any_digits_or_stars(text, rating):
    assert resolution_answer("inform", text) == Verdict(rating=rating)


@pytest.mark.parametrize(
    "intent, text",
    [
        ("greet", "salam"),
        ("inform", "6"),
        ("inform", "0"),
        ("inform", "35202-1234567-1"),
        ("inform", "Rs 2000"),
        ("payment_status", "2 mahine se paise nahi aaye"),
    ],
)
def test_other_messages_are_not_a_verdict(intent, text):
    assert resolution_answer(intent, text) is None


def test_a_complaint_is_routed_by_the_registry_district_and_flags_the_vulnerable(session):
    ensure_demo_registry(session, synthetic_households=0)
    biometric = next(p for p in PERSONAS if p.key == "biometric")
    replies = file_complaint(
        session,
        ComplaintDraft("deduction", "agent cut 500", biometric.cnic, amount=500, verified=True),
    )
    session.commit()
    ticket = service.get_ticket(session, replies[0].params["ticket_id"])
    assert ticket.queue == "integrity:Muzaffargarh"
    assert ticket.vulnerable, "a widow over 60 is served first"
    assert replies[0].response == "utter_ticket_created"


def test_call_centre_hours_are_pakistan_time():
    assert call_centre_open(datetime(2026, 11, 26, 5, 0, tzinfo=timezone.utc))  # 10:00 PKT Thursday
    assert not call_centre_open(datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc))  # 17:00 PKT
    assert not call_centre_open(datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc))  # Sunday


def _filed(session, sender: str) -> str:
    ensure_demo_registry(session, synthetic_households=0)
    paid = next(p for p in PERSONAS if p.key == "paid")
    draft = ComplaintDraft("deduction", "agent cut 500", paid.cnic, amount=500)
    draft.sender_id, draft.channel = sender, "twilio"
    number = file_complaint(session, draft)[0].params["ticket_id"]
    session.commit()
    return number


def test_a_ticket_is_told_to_the_conversation_that_opened_it(session):
    number = _filed(session, "sms:+923006100012")
    replies, verify_first = ticket_status(session, number, "en", "sms:+923006100012")
    assert [r.response for r in replies] == ["utter_ticket_status"] and not verify_first


def test_anyone_else_is_asked_to_verify_whether_the_ticket_exists_or_not(session):
    number = _filed(session, "sms:+923006100012")
    for asked in (number, "PCMS-00000000"):
        replies, verify_first = ticket_status(session, asked, "en", "rest:stranger")
        assert [r.response for r in replies] == ["utter_ticket_verify_first"] and verify_first


def test_ticket_look_ups_are_limited_per_sender(session):
    from bot.core.settings import get_settings

    number = _filed(session, "sms:+923006100012")
    for _ in range(get_settings().TICKET_LOOKUPS_PER_HOUR):
        ticket_status(session, number, "en", "sms:+923006100012")
    replies, _ = ticket_status(session, number, "en", "sms:+923006100012")
    assert [r.response for r in replies] == ["utter_ticket_lookups_limited"]
