"""One settings object for the whole application, read from the environment."""

from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from pydantic import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "config"
VAR_DIR = ROOT / "var"

DEMO_PASSWORD = "demo"


class Settings(BaseSettings):
    """Everything configurable, from environment variables of the same name."""

    # Storage
    DATABASE_URL: str = f"sqlite:///{VAR_DIR / 'madadgar.db'}"
    REDIS_URL: Optional[str] = None
    # Rasa's SQL tracker store (conversation transcripts), read by the console
    TRACKER_DB_URL: str = f"sqlite:///{VAR_DIR / 'tracker.db'}"
    # Rasa lock store class when REDIS_URL is set (several Rasa replicas). Rasa 3.6's own
    # RedisLockStore reads and writes the lock in two steps; ours is atomic (tests/production).
    LOCK_STORE_TYPE: str = "bot.rasa_plugins.lockstore.AtomicRedisLockStore"

    # Rasa servers as seen by the console and the channels
    RASA_URL: str = "http://127.0.0.1:5005"
    RASA_TOKEN: Optional[str] = None
    ACTION_SERVER_URL: str = "http://127.0.0.1:5055/webhook"

    # Configuration files (amounts, routing, deadlines)
    PROGRAMMES_FILE: str = str(CONFIG_DIR / "programmes.yml")
    ROUTING_FILE: str = str(CONFIG_DIR / "routing.yml")
    SLA_FILE: str = str(CONFIG_DIR / "sla.yml")

    # Channels
    TWILIO_ACCOUNT_SID: Optional[str] = None
    TWILIO_AUTH_TOKEN: Optional[str] = None
    TWILIO_SMS_FROM: Optional[str] = None
    TWILIO_WHATSAPP_FROM: Optional[str] = None
    PUBLIC_BASE_URL: Optional[str] = None
    TELEGRAM_BOT_TOKEN: Optional[str] = None
    TELEGRAM_SECRET_TOKEN: Optional[str] = None

    # Approved WhatsApp template (Content SID "HX...") with one variable {{1}}, for
    # messages outside WhatsApp's 24-hour window.
    TWILIO_WHATSAPP_TEMPLATE_SID: Optional[str] = None
    SMS_MAX_SEGMENTS: int = 3
    # Telegram Bot API base URL (the phone simulator serves a local one)
    TELEGRAM_API_BASE_URL: Optional[str] = None
    CALL_CENTRE_NUMBER: str = "+92800026477"
    # The number citizens call for the voice line, named in texts to SMS/WhatsApp users.
    VOICE_LINE_NUMBER: Optional[str] = None
    # Twilio <Say> voices; Twilio has no Urdu (Pakistan) TTS voice: Google's Urdu is ur-IN.
    VOICE_UR_TTS_LANGUAGE: str = "ur-IN"
    VOICE_UR_TTS_VOICE: str = "Google.ur-IN-Wavenet-A"
    VOICE_EN_TTS_LANGUAGE: str = "en-IN"
    VOICE_EN_TTS_VOICE: str = "Google.en-IN-Wavenet-A"
    # Speech recognition (<Gather language=...>)
    VOICE_UR_STT_LANGUAGE: str = "ur-PK"
    VOICE_EN_STT_LANGUAGE: str = "en-IN"
    # <Gather speechModel>: Twilio's model for phone audio where the language has it
    # (English); Urdu gets the conversational model, which covers more languages.
    VOICE_UR_SPEECH_MODEL: str = "experimental_conversations"
    VOICE_EN_SPEECH_MODEL: str = "phone_call"
    # Hosts the server may fetch media from (bot.channels.url_policy): comma-separated `host`,
    # `host:port` or `*.domain`. Twilio serves MediaUrlN from api.twilio.com, which
    # redirects to its CDN; Telegram files come from api.telegram.org.
    MEDIA_HOSTS: str = "api.twilio.com,*.twiliocdn.com,api.telegram.org"

    # Staff console
    CONSOLE_HOST: str = "127.0.0.1"
    CONSOLE_PORT: int = 8000
    CONSOLE_SECRET_KEY: str = "dev-only-change-me"
    DEMO_MODE: bool = True
    # Wrong passwords per staff account before sign-in is refused for the lock minutes
    CONSOLE_LOGIN_MAX_FAILURES: int = 5
    CONSOLE_LOGIN_LOCK_MINUTES: int = 15

    # Prometheus /metrics on loopback: `make run` serves actions, Rasa, console, worker on
    # this port and the next three (0: none); each process reads its own METRICS_PORT.
    METRICS_BASE_PORT: int = 9150

    # Identity checks: wrong answers allowed per CNIC (and per sender) before a lock-out
    VERIFY_MAX_FAILURES: int = 3
    VERIFY_LOCK_HOURS: int = 24
    VERIFY_MAX_FAILURES_PER_SENDER: int = 6
    # Key for hashing CNICs in rate-limit tables (set per deployment)
    HASH_KEY: str = "dev-only-hash-key"

    # Staff Telegram alerts (off without a token); mode "polling" or "webhook"
    STAFF_TELEGRAM_BOT_TOKEN: Optional[str] = None
    STAFF_TELEGRAM_SECRET_TOKEN: Optional[str] = None
    STAFF_TELEGRAM_MODE: str = "polling"
    STAFF_TELEGRAM_CHATS_FILE: str = str(CONFIG_DIR / "staff_telegram.yml")
    # The console's address in alert links (default: CONSOLE_HOST and CONSOLE_PORT)
    STAFF_CONSOLE_URL: Optional[str] = None
    STAFF_TELEGRAM_INTERVAL_SECONDS: int = 120

    # Ticket scheduler
    SCHEDULER_INTERVAL_SECONDS: int = 60

    # Conversations (Rasa's tracker) older than this are deleted by bot.privacy.retention
    RETENTION_DAYS: int = 180

    class Config:
        env_file = None
        case_sensitive = True

    def check_production(self) -> None:
        """Refuse placeholder secrets outside demo mode."""
        if not self.DEMO_MODE and self.CONSOLE_SECRET_KEY == "dev-only-change-me":
            raise RuntimeError("CONSOLE_SECRET_KEY must be set outside demo mode")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, created on first use (never at import time)."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()


@contextmanager
def overridden(**values: str) -> Iterator[Settings]:
    """The process-wide settings with `values` in place until the block ends (the production
    stack migrates and seeds its own databases from one process)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    reset_settings()
    try:
        yield get_settings()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reset_settings()


def set_explicitly(name: str) -> Optional[str]:
    """The value of `name` when the environment sets it, else None (the default is not asked)."""
    settings = get_settings()
    return str(getattr(settings, name)) if name in settings.__fields_set__ else None
