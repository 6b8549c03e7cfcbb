"""Announcements: counted before sending, only to consenting citizens in the segment, spaced
at a set rate, STOP honoured even after queueing, a failed WhatsApp sent by SMS."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.core import db
from bot.core.outbox import DeliveryStatus, OutboxMessage
from bot.outreach import announcements, consent
from bot.outreach.delivery import deliver_pending
from bot.registry.personas import PERSONAS
from bot.registry.seed import ensure_demo_registry

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
TEXTS = {
    "en": "The next Kafaalat instalment is paid from 15 January at the campsite.",
    "ur": "کفالت کی اگلی قسط 15 جنوری سے کیمپ پر ملے گی۔",
    "roman_ur": "Kafaalat ki agli qist 15 January se campsite par milegi.",
}


class Recorder:
    def __init__(self, fail_whatsapp: bool = False) -> None:
        self.sent = []
        self.fail_whatsapp = fail_whatsapp

    def send(self, recipient, text, template=None):
        if self.fail_whatsapp and recipient.startswith("whatsapp:"):
            raise RuntimeError("63016: outside the WhatsApp window")
        self.sent.append((recipient, text))
        return f"SM{len(self.sent):032d}"


@pytest.fixture()
def citizens(session):
    """Three persona households that wrote in, on WhatsApp, SMS and Telegram."""
    ensure_demo_registry(session, synthetic_households=0)
    with_phone = [p for p in PERSONAS if p.phone]
    first = with_phone[0]
    elsewhere = next(p for p in with_phone if p.district != first.district)
    people = [first, next(p for p in with_phone[1:] if p.district == first.district), elsewhere]
    consent.first_contact(session, "twilio", f"whatsapp:{people[0].phone}", "roman_ur")
    consent.first_contact(session, "twilio", people[1].phone, "ur")
    consent.first_contact(session, "telegram", "7001", "en", phone=people[2].phone)
    session.commit()
    return people


def test_the_count_before_sending_is_who_will_get_it(session, citizens):
    everyone = announcements.audience(session, announcements.Segment())
    assert len(everyone) == 3
    district = citizens[0].district
    in_district = announcements.audience(session, announcements.Segment(district=district))
    assert {c.phone for c in in_district} == {p.phone for p in citizens if p.district == district}
    nobody = announcements.Segment(district=district, programme="no-such-programme")
    assert announcements.audience(session, nobody) == []


def test_one_citizen_on_two_channels_gets_it_once_on_whatsapp(session, citizens):
    consent.first_contact(session, "twilio", citizens[0].phone, "roman_ur")  # her SMS too
    chosen = announcements.audience(session, announcements.Segment())
    mine = [c for c in chosen if c.phone == citizens[0].phone]
    assert [c.address for c in mine] == [f"whatsapp:{citizens[0].phone}"]


def test_sending_queues_each_in_her_language_spaced_at_the_rate(session, citizens):
    item = announcements.create(session, "broadcaster", TEXTS, announcements.Segment())
    assert announcements.send(session, item, NOW, per_second=0.5) == 3
    session.commit()
    queued = (
        session.execute(select(OutboxMessage).order_by(OutboxMessage.next_attempt_at))
        .scalars()
        .all()
    )
    assert [m.next_attempt_at - NOW for m in queued] == [
        timedelta(0),
        timedelta(seconds=2),
        timedelta(seconds=4),
    ]
    texts = {m.language: json.loads(m.params)["text"] for m in queued}
    assert texts == {lang: TEXTS[lang] for lang in ("roman_ur", "ur", "en")}
    with pytest.raises(ValueError):
        announcements.send(session, item, NOW)  # never twice


def test_stop_is_honoured_for_a_message_already_queued_and_ticket_updates_still_go(
    db_url, session, citizens
):
    item = announcements.create(session, "broadcaster", TEXTS, announcements.Segment())
    announcements.send(session, item, NOW)
    address = f"whatsapp:{citizens[0].phone}"
    consent.choose(session, "twilio", address, False, "roman_ur")
    session.commit()
    twilio, telegram = Recorder(), Recorder()
    deliver_pending(
        db.session_factory(db_url),
        {"twilio": twilio, "telegram": telegram},
        NOW + timedelta(minutes=5),
    )
    assert address not in [r for r, _ in twilio.sent]
    assert len(twilio.sent) + len(telegram.sent) == 2
    with db.session_scope(db_url) as s:
        assert announcements.figures(s, s.get(type(item), item.id))["opted_out"] == 1


def test_a_failed_whatsapp_goes_by_sms_and_delivery_reports_count(db_url, session, citizens):
    item = announcements.create(
        session, "broadcaster", TEXTS, announcements.Segment(district=citizens[0].district)
    )
    announcements.send(session, item, NOW)
    session.commit()
    factory = db.session_factory(db_url)
    twilio = Recorder(fail_whatsapp=True)
    deliver_pending(factory, {"twilio": twilio, "telegram": Recorder()}, NOW + timedelta(minutes=5))
    deliver_pending(factory, {"twilio": twilio, "telegram": Recorder()}, NOW + timedelta(minutes=6))
    assert citizens[0].phone in [r for r, _ in twilio.sent]  # the SMS instead
    with db.session_scope(db_url) as s:
        sms = s.execute(
            select(OutboxMessage).where(OutboxMessage.recipient == citizens[0].phone)
        ).scalar_one()
        s.add(DeliveryStatus(message_sid=sms.provider_id, channel="twilio", status="delivered"))
    with db.session_scope(db_url) as s:
        got = announcements.figures(s, s.get(type(item), item.id))
    assert got["sent_by_sms_instead"] == 1 and got["delivered"] == 1 and got["sent"] >= 1


@pytest.mark.parametrize("missing", ["en", "ur", "roman_ur"])
def test_every_language_is_needed(session, missing):
    texts = dict(TEXTS, **{missing: "  "})
    with pytest.raises(ValueError, match=missing):
        announcements.create(session, "broadcaster", texts, announcements.Segment())
