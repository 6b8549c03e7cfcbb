"""The worker's pattern pass: detection when due, Telegram alerts, escalation, monthly reports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from telegram import Bot

from bot.assistant.complaints import ComplaintDraft, file_complaint
from bot.console.auth import create_staff, ensure_demo_staff
from bot.console.telegram_alerts import ChatMap, post_alerts
from bot.core import db
from bot.core.districts import find_district
from bot.patterns.jobs import PatternJobs
from bot.patterns.models import KIND_POINT, PatternCase
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry
from tests.console.test_telegram_alerts import StubRequest, run

BY_KEY = {p.key: p for p in PERSONAS}
INTEGRITY, DISTRICT, SUPERVISOR_CHAT = -100300, -100310, 5151
NOW = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)  # early December: November's report is due


def three_households(session, when: datetime) -> None:  # type: ignore[no-untyped-def]
    for persona, place in (
        ("taleemi_wazaif", "madina karyana alipur"),
        ("attendance", "مدینہ کریانہ سٹور"),
        ("cnic_expired", "Madina Kiryana Store, Alipur"),
    ):
        draft = ComplaintDraft(
            category="deduction",
            description="retailer ne paise kaat liye",
            cnic=BY_KEY[persona].cnic,
            amount=500,
            place=place,
            verified=True,
            sender_id=f"rest:{persona}",
        )
        file_complaint(session, draft, now=when)
    session.commit()


def test_the_worker_detects_alerts_escalates_and_writes_last_months_reports(
    session, db_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ensure_demo_registry(session, synthetic_households=0)
    ensure_demo_staff(session)
    create_staff(session, "sup-2", "pw-12345678", "supervisor", ["Muzaffargarh"], ["*"])
    session.commit()
    from bot.console.models import StaffUser

    sup = session.execute(select(StaffUser).where(StaffUser.username == "sup-2")).scalar_one()
    sup.telegram_chat_id = SUPERVISOR_CHAT
    session.commit()
    three_households(session, NOW - timedelta(days=3))  # in November, Pakistan time

    factory = db.session_factory(db_url)
    reports = tmp_path / "reports"
    jobs = PatternJobs(factory, interval_minutes=60, reports_dir=str(reports))
    jobs(NOW)
    [case] = session.execute(select(PatternCase)).scalars().all()
    assert case.kind == KIND_POINT and case.households == 3
    written = sorted(p.name for p in reports.iterdir())
    assert written == [  # the district, and the bank of the retailer the complaints name
        "report-Muzaffargarh-2026-11.csv",
        "report-Muzaffargarh-2026-11.html",
        "report-all-HBL-2026-11.csv",
        "report-all-HBL-2026-11.html",
    ]
    jobs(NOW + timedelta(minutes=10))  # not due again yet, and the reports are there
    assert sorted(p.name for p in reports.iterdir()) == written

    chats = ChatMap(queues={"integrity:*": INTEGRITY}, districts={"Muzaffargarh": DISTRICT})
    stub = StubRequest()
    bot = Bot("123:TEST", request=stub)
    assert run(post_alerts(bot, factory, chats, "https://console.example", NOW)) >= 1
    texts = {int(m["chat_id"]): m["text"] for m in stub.named("sendMessage")}
    alert = texts[INTEGRITY]
    assert alert.startswith(f"Pattern case: {case.label}")
    assert "Madina Kiryana Store, Alipur" in alert and "3 households" in alert
    assert "/patterns#case-" in alert and "3230399" not in alert and "6100" not in alert
    assert run(post_alerts(bot, factory, chats, "https://c", NOW)) == 0  # posted once

    # Nobody resolves it: past its deadline it goes up a level, as a ticket would.
    later = case.deadline_at + timedelta(minutes=1)
    jobs(later)
    session.expire_all()
    case = session.get(PatternCase, case.id)
    assert case.escalated and case.level == 2 and case.queue.startswith("region:")
    assert case.deadline_at > later
    stub2 = StubRequest()
    run(post_alerts(Bot("123:TEST", request=stub2), factory, chats, "https://c", later))
    assert any(
        m["text"].startswith(f"Pattern case escalated: {case.label}")
        for m in stub2.named("sendMessage")
    )
    assert find_district("Muzaffargarh").region in case.queue


def test_a_spike_goes_to_the_district_group_and_its_supervisors(session, db_url) -> None:  # type: ignore[no-untyped-def]
    from bot.patterns.detect import run_detection
    from bot.patterns.link import classify_and_link
    from bot.tickets.service import NewTicket, open_ticket

    ensure_demo_registry(session, synthetic_households=0)
    sup = create_staff(session, "sup-3", "pw-12345678", "supervisor", ["Muzaffargarh"], ["*"])
    sup.telegram_chat_id = SUPERVISOR_CHAT
    other = create_staff(session, "sup-quetta", "pw-12345678", "supervisor", ["Quetta"], ["*"])
    other.telegram_chat_id = SUPERVISOR_CHAT + 1
    for i in range(6):
        at = NOW - timedelta(hours=3 + i)
        new = NewTicket(
            category="biometric_failure",
            description="angootha nahi lagta",
            cnic=f"3230310000{i:02d}1",
            district="Muzaffargarh",
            tehsil="Jatoi",
            sender_id=f"rest:spike-{i}",
        )
        classify_and_link(session, open_ticket(session, new, now=at).ticket, at)
    [spike] = run_detection(session, NOW).spikes
    session.commit()
    stub = StubRequest()
    chats = ChatMap(queues={"integrity:*": INTEGRITY}, districts={"Muzaffargarh": DISTRICT})
    run(
        post_alerts(
            Bot("123:TEST", request=stub), db.session_factory(db_url), chats, "https://c", NOW
        )
    )
    sent = {int(m["chat_id"]): m["text"] for m in stub.named("sendMessage")}
    assert set(sent) == {DISTRICT, SUPERVISOR_CHAT}  # not Quetta's supervisor, not integrity
    text = sent[SUPERVISOR_CHAT]
    assert text.startswith(f"Spike: {spike.label}") and "Jatoi" in text and "6 households" in text
    assert text.count("PCMS-") == 6
