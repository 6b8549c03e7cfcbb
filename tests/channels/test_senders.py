"""Outbox senders: SMS, WhatsApp inside/outside the 24-hour window, Telegram; build_senders."""

from types import SimpleNamespace
from typing import Any, Dict, List

import pytest

from bot.channels import store
from bot.channels.senders import (
    SendError,
    TelegramSender,
    TwilioSmsSender,
    TwilioWhatsAppSender,
    build_senders,
)
from bot.core.settings import get_settings
from tests.channels.helpers import offline_bot


class FakeTwilio:
    """Stands in for twilio.rest.Client: records messages.create calls."""

    def __init__(self, error_code: Any = None) -> None:
        self.created: List[Dict[str, Any]] = []
        self.messages = self
        self.error_code = error_code

    def create(self, **params: Any) -> SimpleNamespace:
        self.created.append(params)
        return SimpleNamespace(sid=f"SM{len(self.created)}", error_code=self.error_code)


def test_sms_goes_to_the_normalised_number_with_a_status_callback():
    client = FakeTwilio()
    TwilioSmsSender(lambda: client, "+15005550006", "https://x/webhooks/twilio/status").send(
        "0300-1234567", "Aap ka ticket band ho gaya"
    )
    assert client.created == [
        {
            "to": "+923001234567",
            "from_": "+15005550006",
            "body": "Aap ka ticket band ho gaya",
            "status_callback": "https://x/webhooks/twilio/status",
        }
    ]


def test_a_refused_message_raises():
    with pytest.raises(SendError):
        TwilioSmsSender(lambda: FakeTwilio(error_code=21610), "+1").send("+923001234567", "x")


def test_whatsapp_inside_the_window_is_free_text_outside_it_the_template_or_sms():
    client = FakeTwilio()
    inside = TwilioWhatsAppSender(
        lambda: client, "+14155238886", "HX123", in_window=lambda to: True
    )
    inside.send("whatsapp:+923001234567", "Update")
    assert (
        client.created[-1]["body"] == "Update"
        and client.created[-1]["to"] == "whatsapp:+923001234567"
    )
    outside = TwilioWhatsAppSender(
        lambda: client, "+14155238886", "HX123", in_window=lambda to: False
    )
    outside.send("+923001234567", "Update")
    assert client.created[-1]["content_sid"] == "HX123"
    assert client.created[-1]["content_variables"] == '{"1": "Update"}'
    sms_client = FakeTwilio()
    sms = TwilioSmsSender(lambda: sms_client, "+15005550006")
    TwilioWhatsAppSender(
        lambda: client, "+14155238886", None, sms, in_window=lambda to: False
    ).send("whatsapp:+923001234567", "Update")
    assert sms_client.created[-1]["to"] == "+923001234567"
    with pytest.raises(SendError):
        TwilioWhatsAppSender(lambda: client, "+1", None, None, in_window=lambda to: False).send(
            "+923001234567", "x"
        )


def test_the_window_is_the_last_24_hours_of_incoming_messages(db_url):
    assert not store.within_window("twilio", "whatsapp:+923001234567")
    store.claim("twilio", "SM1", "whatsapp:+923001234567")
    assert store.within_window("twilio", "whatsapp:+923001234567")


def test_telegram_sender_uses_the_bot_even_from_inside_an_event_loop():
    bot, request = offline_bot()
    TelegramSender(lambda: bot).send("777", "Aap ki shikayat darj ho gayi")
    assert request.sent() == [{"chat_id": 777, "text": "Aap ki shikayat darj ho gayi"}]


def test_build_senders_only_for_configured_channels(channel_env, monkeypatch):
    from bot.core.settings import reset_settings

    senders = build_senders(get_settings())
    assert set(senders) == {"twilio", "twilio_voice", "twilio_call", "telegram"}
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    reset_settings()
    assert set(build_senders(get_settings())) == {"twilio", "twilio_voice", "twilio_call"}
