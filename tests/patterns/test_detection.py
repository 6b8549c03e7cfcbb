"""Causes, payment points and pattern cases, from complaints as the assistant files them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.assistant.complaints import ComplaintDraft, file_complaint
from bot.patterns.causes import cause_of, load_taxonomy
from bot.patterns.detect import run_detection
from bot.patterns.link import classify_and_link
from bot.patterns.models import KIND_POINT, KIND_SPIKE, PatternCase, PaymentPoint
from bot.patterns.phonetic import skeletons
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry
from bot.tickets.models import Ticket
from bot.tickets.service import NewTicket, open_ticket

BY_KEY = {p.key: p for p in PERSONAS}
NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)
SERIALS = itertools.count(1_000_000)


def complain(session, persona: str, place: str, amount: int = 500, at=NOW) -> Ticket:
    draft = ComplaintDraft(
        category="deduction",
        description="agent ne paise kaat liye",
        cnic=BY_KEY[persona].cnic,
        amount=amount,
        place=place,
        verified=True,
        channel="twilio",
        sender_id=f"whatsapp:{persona}",
    )
    file_complaint(session, draft, now=at)
    session.commit()
    return session.execute(
        select(Ticket).where(Ticket.sender_id == f"whatsapp:{persona}")
    ).scalar_one()


@pytest.fixture()
def registry(session):
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    return session


def point_cases(session):
    return list(
        session.execute(select(PatternCase).where(PatternCase.kind == KIND_POINT)).scalars()
    )


def test_one_retailer_in_three_spellings_and_two_scripts_is_one_case(registry):
    session = registry
    a = complain(session, "taleemi_wazaif", "madina karyana alipur", 500, NOW - timedelta(days=9))
    b = complain(session, "attendance", "مدینہ کریانہ سٹور", 1000, NOW - timedelta(days=3))
    c = complain(session, "paid", "Madina Kiryana Store, Alipur", 500, NOW - timedelta(days=1))
    other = complain(session, "waitlisted", "Sadiq General Store, Alipur bazaar")
    assert a.payment_point_id == b.payment_point_id == c.payment_point_id
    point = session.get(PaymentPoint, a.payment_point_id)
    assert (point.name, point.bank, point.source) == (
        "Madina Kiryana Store, Alipur",
        "HBL",
        "registry",
    )
    assert other.payment_point_id not in (None, point.id)  # kept under its own name

    summary = run_detection(session, NOW)
    session.commit()
    [case] = point_cases(session)
    assert summary.opened == [case]
    assert case.queue == "integrity:Muzaffargarh" and case.level == 1
    assert (case.households, case.amount_claimed, case.ticket_count) == (3, 2000, 3)
    assert case.deadline_at is not None and case.deadline_at > NOW
    assert {a.cause, b.cause, c.cause} == {"deduction"}

    # detection again finds nothing new; a fourth household joins the open case at once
    assert not run_detection(session, NOW).opened
    d = complain(session, "newly_enrolled", "madeena kiryana, alipur", 300, NOW)
    session.refresh(case)
    assert d.payment_point_id == point.id
    assert (case.households, case.ticket_count, case.amount_claimed) == (4, 4, 2300)


def test_two_households_are_not_a_pattern(registry):
    session = registry
    complain(session, "paid", "Madina Kiryana Store, Alipur")
    complain(session, "husband", "madina karyana alipur")  # Shazia's husband: her household
    complain(session, "attendance", "مدینہ کریانہ سٹور")
    run_detection(session, NOW)
    assert point_cases(session) == []


def test_complaints_older_than_the_window_do_not_count(registry):
    session = registry
    complain(session, "taleemi_wazaif", "madina karyana alipur", at=NOW - timedelta(days=45))
    complain(session, "attendance", "مدینہ کریانہ سٹور", at=NOW - timedelta(days=2))
    complain(session, "paid", "Madina Kiryana Store, Alipur", at=NOW - timedelta(days=1))
    run_detection(session, NOW)
    assert point_cases(session) == []


def test_unmatched_names_group_with_each_other(registry):
    session = registry
    tickets = [
        complain(session, "taleemi_wazaif", "Sadiq General Store, Alipur"),
        complain(session, "attendance", "صادق جنرل سٹور"),
        complain(session, "paid", "sadiq genral store alipur bazar"),
    ]
    assert len({t.payment_point_id for t in tickets}) == 1
    run_detection(session, NOW)
    [case] = point_cases(session)
    assert case.households == 3 and "Sadiq" in case.subject


def open_plain(session, n: int, at: datetime, tehsil: str = "Jatoi", category="biometric_failure"):
    for i in range(n):
        new = NewTicket(
            category=category,
            description="angootha nahi lagta",
            cnic=f"32303{next(SERIALS):07d}1",
            district="Muzaffargarh",
            tehsil=tehsil,
            sender_id=f"rest:{at.timestamp()}-{i}",
        )
        ticket = open_ticket(session, new, now=at).ticket
        classify_and_link(session, ticket, at)
    session.commit()


def test_a_spike_of_one_cause_in_one_tehsil_alerts_the_district(registry):
    session = registry
    for weeks_ago in (1, 2, 3, 4):
        open_plain(session, 1, NOW - timedelta(days=7 * weeks_ago + 2))
    open_plain(session, 4, NOW - timedelta(days=2))
    assert run_detection(session, NOW).spikes == []  # 4 this week: below the minimum of 5
    open_plain(session, 1, NOW - timedelta(hours=5))
    open_plain(session, 4, NOW - timedelta(days=1), tehsil="Alipur", category="other")
    summary = run_detection(session, NOW)
    session.commit()
    [spike] = summary.spikes
    assert (spike.kind, spike.cause, spike.tehsil) == (KIND_SPIKE, "biometric_failure", "Jatoi")
    assert spike.queue == "district:Muzaffargarh" and spike.ticket_count == 5
    assert spike.week_count == 5 and spike.baseline_mean == "1.00"
    assert run_detection(session, NOW + timedelta(hours=1)).spikes == []  # raised once a week


@pytest.mark.parametrize(
    "category, text, cause",
    [
        ("deduction", "retailer ne 500 kaat liye", "deduction"),
        ("biometric_failure", "angootha nahi lagta", "biometric_failure"),
        ("payment_not_received", "qist nahi aayi, mera card expire ho gaya", "cnic_expired"),
        ("payment_not_received", "meri qist nahi aayi", "not_credited"),
        ("eligibility_dispute", "survey walon ne ghalat score diya", "survey_dispute"),
        ("eligibility_dispute", "mujhe sarkari mulazim likh kar nikal diya", "exclusion_error"),
        ("misconduct", "office mein badtameezi ki", "staff_misconduct"),
        ("other", "8171 helpline par koi phone nahi uthata", "helpline_unreachable"),
        ("other", "ہیلپ لائن پر کوئی جواب نہیں دیتا", "helpline_unreachable"),
        ("scam", "inaam ka fake sms aaya", "scam"),
        ("other", "kuch aur masla hai", "other"),
    ],
)
def test_the_cause_of_a_complaint(category, text, cause):
    assert cause_of(category, text, load_taxonomy()) == cause


def test_sound_skeletons_agree_across_scripts():
    assert skeletons("madina karyana") == skeletons("مدینہ کریانہ") == ["mdn", "krn"]
    assert skeletons("Kiryana Store") == skeletons("کریانہ سٹور")
