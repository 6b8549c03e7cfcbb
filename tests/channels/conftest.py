"""Fixtures for the channel tests: channel settings in the environment, a live server."""

from __future__ import annotations

from typing import Callable, Iterator, List

import pytest
from rasa.core.channels.channel import InputChannel

from bot.core.settings import reset_settings
from tests.channels.helpers import LiveServer, StubAssistant

TOKEN = "test-auth-token"
PUBLIC = "https://madadgar.example.org"
SECRET = "telegram-secret"


@pytest.fixture()
def channel_env(monkeypatch, db_url) -> Iterator[None]:
    """Twilio and Telegram settings as a deployment would set them."""
    values = {
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_SMS_FROM": "+15005550006",
        "TWILIO_WHATSAPP_FROM": "+14155238886",
        "PUBLIC_BASE_URL": PUBLIC,
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "SMS_MAX_SEGMENTS": "2",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture()
def assistant() -> StubAssistant:
    return StubAssistant()


@pytest.fixture()
def live(assistant) -> Iterator[Callable[[List[InputChannel]], LiveServer]]:
    """Start our connectors on a real server: live([channel, ...]) -> LiveServer."""
    servers: List[LiveServer] = []

    def start(channels: List[InputChannel]) -> LiveServer:
        server = LiveServer(channels, assistant).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
