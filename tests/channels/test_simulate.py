"""The phone simulator plays signed Twilio and Telegram requests against a running server."""

from typing import List

import pytest

from bot.channels.senders import telegram_bot
from bot.channels.simulate import run
from bot.channels.telegram import TelegramInput
from bot.channels.twilio_messaging import TwilioMessagingInput
from bot.channels.twilio_voice import TwilioVoiceInput
from bot.core.settings import get_settings
from bot.privacy.vault import CnicVault


@pytest.fixture()
def server(channel_env, live):
    return live([TwilioMessagingInput.from_credentials({}), TwilioVoiceInput.from_credentials({})])


def test_sms_simulation_prints_the_reply(server):
    lines: List[str] = []
    assert run("sms", server.url, "+923001234567", ["salam"], 0, lines.append) == 0
    assert lines == ["bot> echo: salam"]


def test_voice_simulation_follows_the_menu_and_keypad(server, assistant):
    lines: List[str] = []
    run(
        "voice",
        server.url,
        "+923001234567",
        ["dtmf:2", "#3520212345671", "dtmf:1"],
        0,
        lines.append,
    )
    text = "\n".join(lines)
    assert "For English, press 2." in text
    assert "three five two zero two" in text
    assert CnicVault().resolve(assistant.received[-1].text) == "3520212345671"  # vaulted


def test_telegram_simulation_shows_what_the_bot_sends(channel_env, live, monkeypatch, assistant):
    from bot.channels.simulate_telegram import FakeBotApi
    from bot.core.settings import reset_settings

    api = FakeBotApi(0).start()
    port = int(api.base_url.split(":")[2].split("/")[0])
    api.stop()  # free the port for the simulator's own stand-in
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{port}/bot")
    reset_settings()
    server = live([TelegramInput(telegram_bot(get_settings()), "telegram-secret")])
    lines: List[str] = []
    run("telegram", server.url, "+923001234567", ["/start", "lang:en", "hello"], port, lines.append)
    text = "\n".join(lines)
    assert "[English -> lang:en]" in text
    assert "echo: hello" in text
    assert assistant.received[0].metadata == {"language": "en"}


def test_in_demo_mode_a_second_terminal_needs_no_secrets(
    channel_env, live, monkeypatch, settings_afterwards
):
    from bot.core.environment import DEMO_CHANNEL_ENV
    from bot.core.settings import reset_settings

    for name in ("TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"):  # the server as `make run` starts it
        monkeypatch.setenv(name, DEMO_CHANNEL_ENV[name])
    reset_settings()
    server = live([TwilioMessagingInput.from_credentials({})])
    for name in ("TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"):  # a new terminal has neither
        monkeypatch.delenv(name)
    monkeypatch.setenv("DEMO_MODE", "true")
    reset_settings()
    lines: List[str] = []
    assert run("sms", server.url, "+923001234567", ["salam"], 0, lines.append) == 0
    assert lines == ["bot> echo: salam"]


@pytest.fixture()
def settings_afterwards():
    from bot.core.settings import reset_settings

    yield
    reset_settings()  # monkeypatch restores the environment after this; read it again


def test_outside_demo_mode_the_simulator_says_which_env_to_set(monkeypatch, settings_afterwards):
    from bot.core.settings import reset_settings

    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("DEMO_MODE", "false")
    reset_settings()
    lines: List[str] = []
    assert run("sms", "http://127.0.0.1:1", "+923001234567", ["x"], 0, lines.append) == 2
    assert "TWILIO_AUTH_TOKEN" in lines[0]
