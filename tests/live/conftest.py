"""A staff console on the live assistant's database, and Twilio's API and media host."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest

from bot.core.settings import Settings, reset_settings
from tests.auxil.assistant import LiveAssistant
from tests.auxil.browser import serve_console
from tests.auxil.twilio_fakes import FakeTwilioApi


@dataclass
class Staff:
    """A signed-in console session of one staff member, with the API's CSRF header."""

    client: httpx.Client
    username: str

    def __post_init__(self) -> None:
        r = self.client.post(
            "/login",
            data={"username": self.username, "password": "demo"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        self.csrf = self.client.get("/api/me").json()["csrf_token"]

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, json: object = None) -> httpx.Response:
        return self.client.post(path, json=json or {}, headers={"X-CSRF-Token": self.csrf})

    def sign_out(self) -> None:
        self.client.post("/logout", data={"csrf_token": self.csrf}, follow_redirects=False)


def console_settings(live: LiveAssistant) -> Settings:
    """A console on the live assistant's databases, writing with its Twilio account."""
    env = live.env
    return Settings(
        DATABASE_URL=live.database_url,
        TRACKER_DB_URL=live.tracker_url,
        DEMO_MODE=True,
        TWILIO_ACCOUNT_SID=env["TWILIO_ACCOUNT_SID"],
        TWILIO_AUTH_TOKEN=env["TWILIO_AUTH_TOKEN"],
        TWILIO_SMS_FROM=env["TWILIO_SMS_FROM"],
        TWILIO_WHATSAPP_FROM=env["TWILIO_WHATSAPP_FROM"],
        PUBLIC_BASE_URL=env["PUBLIC_BASE_URL"],
    )


@pytest.fixture()
def twilio_api(media_hosts) -> FakeTwilioApi:
    """Twilio's API as the live assistant and the console reach it."""
    return media_hosts.api


@pytest.fixture()
def console_for(live_assistant: LiveAssistant, twilio_api, monkeypatch) -> Iterator:
    """console_for(username) -> Staff, signed in on the live assistant's database.

    Messages staff send go to the loopback Twilio API.

    Signed-in staff are on duty: everyone is signed out at the end, so that later tests
    asking for a person get the callback ticket again.
    """
    monkeypatch.setenv("TWILIO_API_BASE_URL", twilio_api.base_url)
    # The WhatsApp sender looks up the 24-hour window in the process's own database.
    monkeypatch.setenv("DATABASE_URL", live_assistant.database_url)
    reset_settings()
    app_settings = console_settings(live_assistant)
    signed_in = []
    with serve_console(app_settings) as url:

        def sign_in(username: str) -> Staff:
            staff = Staff(httpx.Client(base_url=url, timeout=30), username)
            signed_in.append(staff)
            return staff

        yield sign_in
        for staff in signed_in:
            staff.sign_out()
    reset_settings()
