"""The credentials file enables rest plus the channels whose settings are present."""

import yaml
from rasa.core.run import create_http_input_channels

from bot.channels.credentials import write_credentials
from bot.channels.telegram import TelegramInput
from bot.channels.twilio_messaging import TwilioMessagingInput
from bot.channels.twilio_voice import TwilioVoiceInput
from bot.core.settings import get_settings, reset_settings


def test_all_channels_when_all_settings_are_present_and_rasa_loads_ours(channel_env, tmp_path):
    path = tmp_path / "credentials.yml"
    assert write_credentials(path, get_settings()) == ["rest", "twilio", "twilio_voice", "telegram"]
    assert (
        yaml.safe_load(path.read_text())["bot.channels.twilio_messaging.TwilioMessagingInput"] == {}
    )
    channels = create_http_input_channels(None, str(path))  # no network: nothing connects
    kinds = {type(c) for c in channels}
    assert {TwilioMessagingInput, TwilioVoiceInput, TelegramInput} <= kinds
    assert {c.name() for c in channels} == {"rest", "twilio", "twilio_voice", "telegram"}


def test_a_channel_without_settings_is_left_out_and_the_others_still_start(
    channel_env, monkeypatch, tmp_path
):
    monkeypatch.delenv("TELEGRAM_SECRET_TOKEN")
    reset_settings()
    path = tmp_path / "credentials.yml"
    assert write_credentials(path, get_settings()) == ["rest", "twilio", "twilio_voice"]
    assert "bot.channels.telegram.TelegramInput" not in path.read_text()


def test_only_rest_without_any_channel_settings(db_url, tmp_path, monkeypatch):
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    assert write_credentials(tmp_path / "c.yml", get_settings()) == ["rest"]
