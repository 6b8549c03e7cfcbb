"""The environment every helpline process starts with, and the demo one of `make run`.

In core because the command line, the production stack and the channel simulator all
start or talk to the same services and must agree on it.
"""

from __future__ import annotations

import os
import secrets
from typing import Dict

from bot.core.settings import get_settings

DEMO_CHANNEL_ENV = {
    # Lets `madadgar simulate` play Twilio and Telegram with correctly signed requests.
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "demo-twilio-auth-token",
    "TWILIO_SMS_FROM": "+15005550006",
    "TWILIO_WHATSAPP_FROM": "whatsapp:+15005550006",
    "PUBLIC_BASE_URL": "http://127.0.0.1:5005",
    "TELEGRAM_BOT_TOKEN": "123456:demo-telegram-token",
    "TELEGRAM_SECRET_TOKEN": "demo-telegram-secret",
    # `madadgar simulate telegram` stands in for Telegram's Bot API on this port.
    "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8099/bot",
    # `madadgar simulate outbound` stands in for Twilio's REST API here: the notices,
    # ticket updates and automated calls the worker sends show up in that terminal.
    "TWILIO_API_BASE_URL": "http://127.0.0.1:8098",
}


# Every process the helpline starts: no usage data leaves the machine; and OpenMP (used by
# the e5 sentence encoder) runs one passive thread, since its default spinning threads
# loaded before our settings burn the cores other processes need (docs/PERFORMANCE.md).
FIXED_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "OMP_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def demo_environment() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(FIXED_ENV)
    env.setdefault("SQLALCHEMY_WARN_20", "0")
    if get_settings().DEMO_MODE:
        for key, value in DEMO_CHANNEL_ENV.items():
            env.setdefault(key, value)
        # Fresh ones per run: nothing else on this machine knows them.
        env.setdefault("ACTION_SERVER_SECRET", secrets.token_urlsafe(32))
        env.setdefault("REST_CHANNEL_TOKEN", secrets.token_urlsafe(32))
    return env
