"""Outside demo mode the settings refuse default, placeholder, short or reused secrets."""

from __future__ import annotations

import pytest

from bot.core.settings import InsecureSettings, Settings
from tests.auxil.secrets import production_secrets


def refused(**changes: object) -> str:
    values = {**production_secrets(), "DEMO_MODE": False, **changes}
    with pytest.raises(InsecureSettings) as error:
        Settings(**values).check_production()
    return str(error.value)


def test_real_secrets_start_and_demo_mode_keeps_its_demo_values():
    Settings(DEMO_MODE=False, **production_secrets()).check_production()
    Settings(DEMO_MODE=True).check_production()


@pytest.mark.parametrize(
    "name", ["HASH_KEY", "CONSOLE_SECRET_KEY", "ACTION_SERVER_SECRET", "REST_CHANNEL_TOKEN"]
)
def test_each_default_is_refused_by_name(name: str):
    default = Settings.__fields__[name].default
    assert f"{name} is a default" in refused(**{name: default})


def test_placeholders_short_missing_and_reused_secrets_are_named():
    assert "HASH_KEY is a default or placeholder" in refused(HASH_KEY="CHANGE-ME-long-random" * 2)
    assert "VAULT_KEY is not set" in refused(VAULT_KEY=None)
    assert "CONSOLE_SECRET_KEY is shorter than 32 bytes" in refused(CONSOLE_SECRET_KEY="a1" * 10)
    same = production_secrets()["HASH_KEY"]
    assert "VAULT_KEY reuses the value of HASH_KEY" in refused(HASH_KEY=same, VAULT_KEY=same)


def test_channel_secrets_are_checked_only_when_the_channel_is_on():
    message = refused(
        TWILIO_ACCOUNT_SID="AC" + "0" * 32, TWILIO_AUTH_TOKEN="demo-twilio-auth-token"
    )
    assert "TWILIO_AUTH_TOKEN" in message
    assert "TELEGRAM_SECRET_TOKEN" in refused(
        TELEGRAM_BOT_TOKEN="123456:" + "k" * 35, TELEGRAM_SECRET_TOKEN="short"
    )
