"""Every channel hands Rasa the CNIC's reference, never the digits, mistyped CNICs included."""

from __future__ import annotations

import httpx

from bot.channels.rest import VaultedRestInput, token_header
from bot.channels.telegram import TelegramInput
from bot.channels.twilio_messaging import TwilioMessagingInput
from bot.core.reference import REFERENCE
from bot.core.settings import get_settings
from bot.privacy.vault import CnicVault
from tests.channels.conftest import PUBLIC, SECRET, TOKEN, assistant, channel_env, live  # noqa: F401
from tests.channels.helpers import offline_bot, twilio_headers

CNIC = "3230399000012"
URDU = "۳۲۳۰۳-۹۹۰۰۰۰۱-۲"


def the_reference_of(text: str) -> str:
    found = REFERENCE.search(text)
    assert found, text
    assert CnicVault().resolve(found.group()) == CNIC
    return found.group()


def test_sms_with_urdu_digits(channel_env, live, assistant):  # noqa: F811
    server = live([TwilioMessagingInput.from_credentials({})])
    path = "/webhooks/twilio/webhook"
    params = {"MessageSid": "SM9", "AccountSid": "AC1", "From": "+923001234567", "Body": URDU}
    params.update(To="+15005550006", NumMedia="0")
    reply = httpx.post(
        server.url + path, data=params, headers=twilio_headers(TOKEN, PUBLIC + path, params)
    )
    assert reply.status_code == 200
    [received] = assistant.received
    assert "۹۹۰۰۰۰۱" not in received.text
    the_reference_of(received.text)


def test_telegram_text(channel_env, live, assistant):  # noqa: F811
    bot, _ = offline_bot()
    server = live([TelegramInput(bot, SECRET, "+15005550006")])
    user = {"id": 777, "is_bot": False, "first_name": "Amina"}
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 777, "type": "private"},
            "from": user,
            "text": "mera cnic 32303-9900001-2 hai",
        },
    }
    reply = httpx.post(
        server.url + "/webhooks/telegram/webhook",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert reply.status_code == 200
    [received] = assistant.received
    assert received.text.startswith("mera cnic CNIC#") and received.text.endswith(" hai")
    the_reference_of(received.text)


def test_rest_vaults_a_mistyped_cnic_too(channel_env, live, assistant):  # noqa: F811
    server = live([VaultedRestInput()])
    url = server.url + "/webhooks/rest/webhook"
    for text in (f"{CNIC} aur 32303-990000-1", "no digits at all"):
        body = {"sender": "t1", "message": text}
        headers = token_header(get_settings().REST_CHANNEL_TOKEN)
        assert httpx.post(url, json=body, headers=headers).status_code == 200
    first, second = assistant.received
    assert "990000" not in first.text and len(REFERENCE.findall(first.text)) == 2
    the_reference_of(first.text)
    assert second.text == "no digits at all"
