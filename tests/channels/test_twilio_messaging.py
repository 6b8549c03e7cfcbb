"""SMS and WhatsApp webhook: signatures, once per MessageSid, TwiML replies fit for the medium."""

import xml.etree.ElementTree as ET
from typing import Dict, List

import httpx
import pytest

from bot.channels import store
from bot.channels.sms_text import segment_count
from bot.channels.twilio_messaging import TwilioMessagingInput
from tests.auxil.twilio_fakes import MediaServer
from tests.channels.conftest import PUBLIC, TOKEN
from tests.channels.helpers import twilio_headers

PATH = "/webhooks/twilio/webhook"


@pytest.fixture()
def server(channel_env, live):
    return live([TwilioMessagingInput.from_credentials({})])


def message(
    body: str = "salam", sid: str = "SM1", sender: str = "+923001234567", **extra
) -> Dict[str, str]:
    params = {
        "MessageSid": sid,
        "AccountSid": "AC1",
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
    }
    params.update(extra)
    return params


def post(server, params: Dict[str, str], signed: bool = True, path: str = PATH) -> httpx.Response:
    headers = twilio_headers(TOKEN, PUBLIC + path, params) if signed else {}
    return httpx.post(server.url + path, data=params, headers=headers)


def texts(reply: httpx.Response) -> List[str]:
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/xml")
    return [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]


def test_signed_message_reaches_the_assistant_with_the_phone_and_is_answered_in_twiml(
    server, assistant
):
    assert texts(post(server, message("meri qist nahi aayi"))) == ["echo: meri qist nahi aayi"]
    [received] = assistant.received
    assert received.sender_id == "sms:+923001234567"
    assert received.input_channel == "twilio"
    assert received.metadata == {"phone": "+923001234567", "medium": "sms"}


def test_forged_or_unsigned_requests_are_refused_and_reach_nothing(server, assistant):
    assert post(server, message(), signed=False).status_code == 403
    forged = message()
    headers = twilio_headers("wrong-token", PUBLIC + PATH, forged)
    assert httpx.post(server.url + PATH, data=forged, headers=headers).status_code == 403
    # signed for other parameters than those sent
    headers = twilio_headers(TOKEN, PUBLIC + PATH, message("hello"))
    assert (
        httpx.post(server.url + PATH, data=message("transfer"), headers=headers).status_code == 403
    )
    assert assistant.received == []


def test_a_retried_message_sid_is_processed_once_and_gets_the_same_reply(server, assistant):
    first = post(server, message("status", sid="SM42"))
    again = post(server, message("status", sid="SM42"))
    assert texts(again) == texts(first) == ["echo: status"]
    assert len(assistant.received) == 1


def test_media_from_a_host_off_the_allow_list_is_refused_unfetched(server, assistant):
    server.app.ctx.agent.languages["whatsapp:+923001234567"] = "ur"
    elsewhere = MediaServer().start()  # a real server, but not on MEDIA_HOSTS
    elsewhere.files["x"] = ("audio/ogg", b"OggS" + b"\0" * 64)
    try:
        reply = post(
            server,
            message(
                "",
                sid="SM7",
                sender="whatsapp:+923001234567",
                NumMedia="1",
                MediaContentType0="audio/ogg",
                MediaUrl0=elsewhere.url("x"),
            ),
        )
    finally:
        elsewhere.stop()
    [text] = texts(reply)
    assert "فائل قبول نہیں" in text  # refused, in her language
    assert elsewhere.served == []
    assert assistant.received == []


def test_buttons_are_numbered_and_a_reply_of_1_sends_the_first_payload(server, assistant):
    assistant.replies = [
        {
            "text": "Kis programme ke baare mein?",
            "buttons": [
                {"title": "Kafaalat", "payload": '/programme_info{"programme": "kafaalat"}'},
                {"title": "Nashonuma", "payload": '/programme_info{"programme": "nashonuma"}'},
            ],
        }
    ]
    [text] = texts(post(server, message("programme", sid="SM1")))
    assert text == "Kis programme ke baare mein?\n1. Kafaalat\n2. Nashonuma"
    assistant.replies = [{"text": "echo"}]
    post(server, message("2", sid="SM2"))
    assert assistant.received[-1].text == '/programme_info{"programme": "nashonuma"}'


def test_a_long_urdu_sms_reply_stays_within_the_segment_budget_and_more_gives_the_rest(
    server, assistant
):
    sentence = "آپ کی کفالت کی قسط اس مہینے کی پندرہ تاریخ کے بعد جاری کی جائے گی۔ "
    assistant.replies = [{"text": sentence * 6}]
    server.app.ctx.agent.languages["sms:+923001234567"] = "ur"
    [first] = texts(post(server, message("qist", sid="SM1")))
    assert segment_count(first) <= 2  # SMS_MAX_SEGMENTS=2 in the test environment
    assert first.endswith("باقی کے لیے مزید لکھیں۔")
    [second] = texts(post(server, message("مزید", sid="SM2")))
    assert segment_count(second) <= 2 and sentence.strip() in second
    assert len(assistant.received) == 1  # "more" was answered by the channel itself


def test_whatsapp_gets_the_whole_reply_with_numbered_choices(server, assistant):
    assistant.replies = [
        {"text": "Lambi baat. " * 40, "buttons": [{"title": "Haan", "payload": "/affirm"}]}
    ]
    [text] = texts(post(server, message("x", sender="whatsapp:+923001234567")))
    assert text.count("Lambi baat.") == 40 and text.endswith("1. Haan")
    assert assistant.received[0].metadata["medium"] == "whatsapp"


def test_delivery_status_callbacks_are_recorded(server, assistant):
    params = {
        "MessageSid": "SM99",
        "MessageStatus": "delivered",
        "To": "+923001234567",
        "From": "+15005550006",
        "AccountSid": "AC1",
    }
    assert post(server, params, path="/webhooks/twilio/status").status_code == 204
    assert store.delivery_status("SM99") == "delivered"
    params["MessageStatus"] = "undelivered"
    assert post(server, params).status_code == 204  # status sent to the main webhook too
    assert store.delivery_status("SM99") == "undelivered"
    assert assistant.received == []


def test_an_assistant_failure_gets_an_apology_and_a_retry_is_handled_again(server, assistant):
    assistant.fail_next = 1
    [apology] = texts(post(server, message("hi", sid="SM5")))
    assert "Maazrat" in apology
    assert texts(post(server, message("hi", sid="SM5"))) == ["echo: hi"]
    assert len(assistant.received) == 2


def test_first_contact_queues_the_consent_notice_once_and_band_karo_stops_announcements(
    server, assistant, db_url
):
    from sqlalchemy import select

    from bot.core import db
    from bot.core.outbox import OutboxMessage
    from bot.outreach import consent

    sender = "whatsapp:+923001234567"
    assert texts(post(server, message("salam", "SMa", sender))) == ["echo: salam"]
    assert texts(post(server, message("qist kab", "SMb", sender))) == ["echo: qist kab"]
    with db.session_scope(db_url) as session:
        notices = (
            session.execute(
                select(OutboxMessage).where(OutboxMessage.response == "utter_notify_consent")
            )
            .scalars()
            .all()
        )
        assert [(m.recipient, m.channel) for m in notices] == [(sender, "twilio")]
        assert consent.may_announce(session, "twilio", sender)

    [reply] = texts(post(server, message("Band karo", "SMc", sender)))
    assert "khabrein nahi aayen gi" in reply and "shikayat" in reply  # her tickets still come
    assert len(assistant.received) == 2  # STOP never reached the assistant
    with db.session_scope(db_url) as session:
        assert not consent.may_announce(session, "twilio", sender)

    [reply] = texts(post(server, message("بند کرو", "SMd", "+923009876543")))
    assert "خبریں" in reply  # answered in the script she wrote in
    [reply] = texts(post(server, message("START", "SMe", sender)))
    with db.session_scope(db_url) as session:
        assert consent.may_announce(session, "twilio", sender)


def test_stop_as_the_very_first_message_is_confirmed_in_english(server, assistant):
    [reply] = texts(post(server, message("Stop", "SMst1", "+923005550101")))
    assert reply.startswith("Done: no more BISP news messages")
    assert not assistant.received  # STOP is the channel's, never the assistant's


def test_stop_in_a_roman_urdu_conversation_is_confirmed_in_roman_urdu(server, assistant):
    server.app.ctx.agent.languages["sms:+923005550102"] = "roman_ur"
    [reply] = texts(post(server, message("STOP", "SMst2", "+923005550102")))
    assert reply.startswith("Theek hai: ab BISP ki khabrein nahi aayen gi")


def test_a_message_that_reaches_rasa_after_twilio_gave_up_is_left_to_the_retry(
    server, assistant, monkeypatch
):
    # Its host was cut off for longer than Twilio waits: Twilio has delivered it again
    # elsewhere (or the citizen was asked to resend), so this handler must not answer it.
    monkeypatch.setattr("bot.channels.twilio_messaging.TWILIO_WAITS", -1.0)
    late = post(server, message("status", sid="SM77"))
    assert late.status_code == 504
    assert assistant.received == []
    # The retry of the same MessageSid is answered, once.
    monkeypatch.setattr("bot.channels.twilio_messaging.TWILIO_WAITS", 15.0)
    assert texts(post(server, message("status", sid="SM77"))) == ["echo: status"]
    assert len(assistant.received) == 1
