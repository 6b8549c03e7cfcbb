"""Notices over the real webhooks and the outbox: households write (or call) in, a payment
file changes their state, and the worker's senders tell each one on her channel and in her
language, never in the quiet hours, never after STOP, at most once a day."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Dict, List
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from bot.assistant.format import day_text
from bot.channels.senders import build_senders
from bot.channels.twilio_messaging import TwilioMessagingInput
from bot.channels.twilio_voice import TwilioVoiceInput
from bot.core import db
from bot.core.outbox import OutboxMessage
from bot.core.settings import get_settings, reset_settings
from bot.outreach import notice_views
from bot.outreach.delivery import deliver_pending
from bot.outreach.models import Notice
from bot.outreach.notices import Notifier
from bot.registry.imports import import_file
from bot.registry.quarters import quarter_of
from bot.registry.seed import ensure_demo_registry
from tests.auxil.twilio_fakes import FakeTwilioApi
from tests.channels.conftest import PUBLIC, TOKEN, assistant, channel_env, live  # noqa: F401
from tests.channels.helpers import twilio_headers

PKT = ZoneInfo("Asia/Karachi")
TODAY = date.today()
QUARTER = quarter_of(TODAY)
MORNING = datetime.combine(TODAY, time(10, 0), tzinfo=PKT).astimezone(timezone.utc)
HEADER = "cnic,programme,quarter,state,amount,payment_point,bank,reason,status_date,collect_until,cnic_expiry,member"
ASK = {
    "en": "what is my payment status",
    "ur": "میری قسط کا کیا بنا",
    "roman_ur": "meri qist ka kya bana",
}
# persona -> (CNIC, phone on record, the row that changes her state)
ROWS = {
    "ready": (
        "32303-9900017-8",
        "+923006100178",
        f"kafaalat,{QUARTER},ready_for_collection,13500,BISP Campsite Alipur,HBL,,{TODAY},"
        f"{TODAY + timedelta(days=20)},,",
    ),
    "withheld": (
        "32303-9900006-2",
        "+923006100062",
        f"kafaalat,{QUARTER},withheld,13500,,,biometric_failure,{TODAY},,,",
    ),
    "paid": (
        "32303-9900003-6",
        "+923006100036",
        f"kafaalat,{QUARTER},paid,13500,Al-Madina Retailer,HBL,,{TODAY},,,",
    ),
    "cnic_expiring": (
        "32303-9900016-6",
        "+923006100166",
        f",,,,,,,,,{TODAY + timedelta(days=30)},",
    ),
    "stipend": (
        "32303-9900014-2",
        "+923006100142",
        f"taleemi_wazaif,{QUARTER},withheld,3000,,,attendance_below_70,{TODAY},,,Rabia",
    ),
}
# What she must read, by persona and language.
FACTS = {
    "ready": {
        "en": ["13,500", "BISP Campsite Alipur", "original CNIC", "until"],
        "ur": ["13,500", "BISP Campsite Alipur", "اصل شناختی کارڈ", "تک"],
        "roman_ur": ["13,500", "BISP Campsite Alipur", "Asal CNIC", "tak"],
    },
    "withheld": {
        "en": ["fingerprint", "alternate verification", "free"],
        "ur": ["انگوٹھے", "متبادل تصدیق", "مفت"],
        "roman_ur": ["angoothe", "mutabadil tasdeeq", "muft"],
    },
    "paid": {
        "en": ["13,500", "Al-Madina Retailer", "Count the cash", "deduct"],
        "ur": ["13,500", "Al-Madina Retailer", "رقم گن لیں", "کٹوتی"],
        "roman_ur": ["13,500", "Al-Madina Retailer", "paise gin lein", "katoti"],
    },
    "cnic_expiring": {
        "en": ["expires", "NADRA"],
        "ur": ["شناختی کارڈ", "نادرا"],
        "roman_ur": ["expire", "NADRA"],
    },
    "stipend": {
        "en": ["Rabia", "attendance", "70%"],
        "ur": ["Rabia", "حاضری", "70 فیصد"],
        "roman_ur": ["Rabia", "hazri", "70 feesad"],
    },
}


@pytest.fixture()
def twilio_api(monkeypatch):
    api = FakeTwilioApi().start()
    monkeypatch.setenv("TWILIO_API_BASE_URL", api.base_url)
    reset_settings()
    yield api
    api.stop()


@pytest.fixture()
def helpline(channel_env, live, twilio_api, db_url):  # noqa: F811 - fixtures
    with db.session_scope(db_url) as session:
        ensure_demo_registry(session, synthetic_households=0)
    return live([TwilioMessagingInput.from_credentials({}), TwilioVoiceInput.from_credentials({})])


def write_in(server, phone: str, text: str, whatsapp: bool = False) -> None:
    path = "/webhooks/twilio/webhook"
    params = {
        "MessageSid": f"SM{abs(hash((phone, text))) % 10**12}",
        "AccountSid": "AC1",
        "From": f"whatsapp:{phone}" if whatsapp else phone,
        "To": "+15005550006",
        "Body": text,
        "NumMedia": "0",
    }
    headers = twilio_headers(TOKEN, PUBLIC + path, params)
    assert httpx.post(server.url + path, data=params, headers=headers).status_code == 200


def call_in(server, phone: str, key: str = "1") -> None:
    path = "/webhooks/twilio_voice/webhook"
    base = {"CallSid": f"CA{phone[-6:]}", "From": phone, "To": "+15005550006", "AccountSid": "AC1"}
    url = PUBLIC + path
    for extra in ({"CallStatus": "ringing"}, {"CallStatus": "in-progress", "Digits": key}):
        params = {**base, **extra}
        reply = httpx.post(
            server.url + url[len(PUBLIC) :],
            data=params,
            headers=twilio_headers(TOKEN, url, params),
            timeout=30,
        )
        gather = ET.fromstring(reply.text).find("Gather")
        url = gather.get("action") if gather is not None else url


def payment_file(tmp_path: Path, keys: List[str], name: str = "status.csv") -> Path:
    lines = [HEADER] + [f"{ROWS[k][0]},{ROWS[k][2]}" for k in keys]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def told(api: FakeTwilioApi, to: str) -> List[str]:
    """The notices (not the consent note or other replies) sent to `to`."""
    return [b for b in api.to(to) if "Madadgar:" in b or "مددگار:" in b]


def run_import(db_url: str, path: Path, now: datetime = MORNING):
    return import_file(db.session_factory(db_url), path, now, TODAY, Notifier(TODAY))


def deliver(db_url: str, now: datetime):
    return deliver_pending(db.session_factory(db_url), build_senders(get_settings()), now)


def outbox(db_url: str) -> List[OutboxMessage]:
    with db.session_scope(db_url) as s:
        return s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def notices_of(db_url: str) -> List[Notice]:
    with db.session_scope(db_url) as s:
        return s.execute(select(Notice).order_by(Notice.id)).scalars().all()


@pytest.mark.parametrize("language", ["en", "ur", "roman_ur"])
def test_each_transition_is_told_in_the_language_she_wrote_in(
    helpline, twilio_api, db_url, tmp_path, language
):
    for key, (_, phone, _) in ROWS.items():
        write_in(helpline, phone, ASK[language], whatsapp=key == "paid")
    deliver(db_url, datetime.now(timezone.utc) + timedelta(minutes=1))  # the consent notes
    twilio_api.sent.clear()
    result = run_import(db_url, payment_file(tmp_path, list(ROWS)))
    assert result.notices == 5 and not result.problems
    summary = deliver(db_url, MORNING + timedelta(minutes=1))
    assert len(summary.sent) == 5
    for key, (_, phone, _) in ROWS.items():
        to = f"whatsapp:{phone}" if key == "paid" else phone  # the channel she used
        [body] = told(twilio_api, to)
        for fact in FACTS[key][language]:
            assert fact in body, (key, language, body)
        urdu = bool(re.search(r"[\u0600-\u06ff]", body.replace("Rabia", "")))
        assert urdu == (language == "ur"), body
    figures = notice_views.figures(db.session_factory(db_url)())
    assert figures["withheld"]["sent"] == 2 and figures["ready_for_collection"]["sent"] == 1


def test_a_household_that_never_wrote_gets_an_sms_in_its_districts_language(
    helpline, twilio_api, db_url, tmp_path
):
    run_import(db_url, payment_file(tmp_path, ["ready"]))
    [message] = outbox(db_url)
    assert (message.channel, message.recipient, message.language) == (
        "twilio",
        "+923006100178",
        "roman_ur",  # Muzaffargarh, Punjab
    )
    deliver(db_url, MORNING + timedelta(minutes=1))
    assert "tayyar" in told(twilio_api, "+923006100178")[0]


def test_a_household_that_only_ever_called_gets_a_call_reading_the_notice(
    helpline, twilio_api, db_url, tmp_path
):
    call_in(helpline, "+923006100062", key="1")  # Urdu
    run_import(db_url, payment_file(tmp_path, ["withheld"]))
    [message] = outbox(db_url)
    assert (message.channel, message.language) == ("twilio_call", "ur")
    deliver(db_url, MORNING + timedelta(minutes=1))
    [call] = [m for m in twilio_api.sent if "Twiml" in m]
    assert call["To"] == "+923006100062"
    twiml = ET.fromstring(call["Twiml"])
    spoken = [s.text for s in twiml.iter("Say")]
    assert len(spoken) == 2 and "متبادل تصدیق" in spoken[0] and "مفت" in spoken[0]
    assert {s.get("language") for s in twiml.iter("Say")} == {"ur-IN"}
    assert twiml.find("Hangup") is not None


def test_stop_before_the_import_means_no_notice(helpline, twilio_api, db_url, tmp_path):
    write_in(helpline, "+923006100178", "meri qist ka kya bana")
    write_in(helpline, "+923006100178", "band karo")
    result = run_import(db_url, payment_file(tmp_path, ["ready"]))
    assert result.transitions == 1 and result.notices == 0
    [notice] = notices_of(db_url)
    assert notice.status == "opted_out" and notice.outbox_id is None
    twilio_api.sent.clear()
    deliver(db_url, MORNING + timedelta(minutes=1))
    assert told(twilio_api, "+923006100178") == []


def test_stop_after_queueing_holds_the_notice_back(helpline, twilio_api, db_url, tmp_path):
    write_in(helpline, "+923006100178", "what is my payment status")
    run_import(db_url, payment_file(tmp_path, ["ready"]))
    write_in(helpline, "+923006100178", "STOP")
    deliver(db_url, datetime.now(timezone.utc) + timedelta(minutes=1))  # the consent note
    twilio_api.sent.clear()
    deliver(db_url, MORNING + timedelta(minutes=1))
    assert told(twilio_api, "+923006100178") == []
    notice = [m for m in outbox(db_url) if m.response.startswith("utter_notice_")][0]
    assert notice.status == "opted_out"
    figures = notice_views.figures(db.session_factory(db_url)())
    assert figures["ready_for_collection"]["opted_out"] == 1


def test_nothing_is_sent_between_nine_at_night_and_eight_in_the_morning(
    helpline, twilio_api, db_url, tmp_path
):
    late = datetime.combine(TODAY, time(22, 30), tzinfo=PKT).astimezone(timezone.utc)
    run_import(db_url, payment_file(tmp_path, ["ready", "paid"]), now=late)
    eight = datetime.combine(TODAY + timedelta(days=1), time(8, 0), tzinfo=PKT)
    assert [m.next_attempt_at.astimezone(PKT) for m in outbox(db_url)] == [
        eight,
        eight + timedelta(seconds=1),
    ]
    assert deliver(db_url, late + timedelta(hours=2)).sent == []
    # A message due in the night all the same (a retry) is held until the morning.
    with db.session_scope(db_url) as s:
        for m in s.execute(select(OutboxMessage)).scalars():
            m.next_attempt_at = late
    assert deliver(db_url, late + timedelta(minutes=5)).sent == []
    assert {m.next_attempt_at.astimezone(PKT) for m in outbox(db_url)} == {eight}
    assert len(deliver(db_url, eight.astimezone(timezone.utc) + timedelta(minutes=1)).sent) == 2


def test_one_notice_a_day_and_the_newest_state_wins(helpline, twilio_api, db_url, tmp_path):
    nusrat = ROWS["ready"][0]
    ready = payment_file(tmp_path, ["ready"], "first.csv")
    run_import(db_url, ready)
    collected = tmp_path / "second.csv"
    collected.write_text(
        f"{HEADER}\n{nusrat},kafaalat,{QUARTER},paid,13500,BISP Campsite Alipur,HBL,,{TODAY},,,\n",
        encoding="utf-8",
    )
    run_import(db_url, collected, MORNING + timedelta(minutes=1))  # before the first was sent
    [message] = outbox(db_url)
    assert message.response == "utter_notice_paid"
    assert [n.status for n in notices_of(db_url)] == ["replaced", "queued"]
    deliver(db_url, MORNING + timedelta(minutes=2))
    [body] = told(twilio_api, "+923006100178")
    assert "ada hue" in body  # paid, not ready
    # Told today already: the next change waits for tomorrow morning.
    withheld = tmp_path / "third.csv"
    withheld.write_text(
        f"{HEADER}\n{nusrat},kafaalat,{QUARTER},withheld,13500,,,data_under_review,{TODAY},,,\n",
        encoding="utf-8",
    )
    run_import(db_url, withheld, MORNING + timedelta(hours=2))
    later = [m for m in outbox(db_url) if m.status == "pending"]
    tomorrow = datetime.combine(TODAY + timedelta(days=1), time(8, 0), tzinfo=PKT)
    assert [m.next_attempt_at.astimezone(PKT) for m in later] == [tomorrow]
    assert deliver(db_url, MORNING + timedelta(hours=3)).sent == []


def test_the_notices_keep_the_configured_pace(helpline, db_url, tmp_path):
    run_import(db_url, payment_file(tmp_path, list(ROWS)))
    times = [m.next_attempt_at for m in outbox(db_url)]
    assert [t - times[0] for t in times] == [timedelta(seconds=s) for s in range(5)]
    params: Dict[str, str] = json.loads(outbox(db_url)[0].params)
    assert params["until"] == day_text(TODAY + timedelta(days=20), "roman_ur")  # from the file
