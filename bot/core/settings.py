"""One settings object for the whole application, read from the environment."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from pydantic import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "config"
VAR_DIR = ROOT / "var"

DEMO_PASSWORD = "demo"
MIN_SECRET_BYTES = 32
# Values that were never meant to guard anything: the defaults, the example files' words.
PLACEHOLDER = re.compile(r"change-?me|dev-only|placeholder|example|^demo|secret$|^x+$", re.I)


class InsecureSettings(RuntimeError):
    """A secret is missing, a placeholder, too short or reused outside demo mode."""


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
    # `make run` keeps Rasa on loopback. True binds all interfaces so Twilio and Telegram
    # reach the channel webhooks directly (a real deployment puts nginx in front instead,
    # docs/deploy.md). The REST channel answers loopback callers only either way.
    EXPOSE_WEBHOOKS: bool = False
    # The REST channel (terminal chat, tests) answers loopback callers with this token.
    REST_CHANNEL_TOKEN: str = "dev-only-rest-channel-token"
    ACTION_SERVER_URL: str = "http://127.0.0.1:5055/webhook"
    # Rasa sends it with every action call; the action server refuses calls without it.
    ACTION_SERVER_SECRET: str = "dev-only-action-server-secret"
    # Where the action server listens: loopback unless action servers run on other hosts.
    ACTION_SERVER_HOST: str = "127.0.0.1"

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
    # Twilio REST API base URL (tests and the simulator stand in for api.twilio.com)
    TWILIO_API_BASE_URL: Optional[str] = None
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
    # Hosts the server may fetch media from (bot.core.url_policy): comma-separated `host`,
    # `host:port` or `*.domain`. Twilio serves MediaUrlN from api.twilio.com, which
    # redirects to its CDN; Telegram files come from api.telegram.org.
    MEDIA_HOSTS: str = "api.twilio.com,*.twiliocdn.com,api.telegram.org"
    # Evidence (photos, voice notes, PDFs) larger than this is refused
    MEDIA_MAX_BYTES: int = 5 * 1024 * 1024

    # Live takeover: a conversation staff took over goes back to the assistant after this
    # many minutes without a staff message; the wait told to a citizen counts this many
    # minutes per conversation ahead of her for each member of staff on duty.
    LIVE_IDLE_MINUTES: int = 30
    LIVE_MINUTES_PER_CONVERSATION: int = 5

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
    # This process's own /metrics port (0: none), given to each process by its launcher
    METRICS_PORT: int = 0

    # Sentence embeddings remembered per process (0: none), so a text heard again is not
    # encoded twice
    MADADGAR_E5_CACHE: int = 4096

    # Identity checks: wrong answers allowed per CNIC (and per sender) before a lock-out
    VERIFY_MAX_FAILURES: int = 3
    VERIFY_LOCK_HOURS: int = 24
    VERIFY_MAX_FAILURES_PER_SENDER: int = 6
    # A verified conversation stays verified this long after its last answer (bot.assistant.proof)
    VERIFY_IDLE_MINUTES: int = 30
    # Ticket status look-ups by number allowed per sender per hour
    TICKET_LOOKUPS_PER_HOUR: int = 10
    # Key for hashing CNICs in rate-limit tables and vault references (set per deployment)
    HASH_KEY: str = "dev-only-hash-key"
    # Key sealing the vaulted CNICs and channel state; outside demo mode it must be set
    # and differ from HASH_KEY (demo mode derives it from HASH_KEY).
    VAULT_KEY: Optional[str] = None

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
    # How long a worker may hold an outbox message it is sending; a worker that died
    # mid-send gives its messages up after this.
    OUTBOX_CLAIM_SECONDS: int = 60

    # Causes and patterns (bot/patterns): a pattern case opens when complaints from at
    # least PATTERN_MIN_HOUSEHOLDS households name one payment point within
    # PATTERN_WINDOW_DAYS; a week's complaints of one cause in one tehsil are a spike at
    # SPIKE_FACTOR times the weekly mean of the four weeks before and SPIKE_MIN_COMPLAINTS.
    CAUSES_FILE: str = str(CONFIG_DIR / "causes.yml")
    PATTERN_MIN_HOUSEHOLDS: int = 3
    PATTERN_WINDOW_DAYS: int = 30
    SPIKE_FACTOR: float = 2.0
    SPIKE_MIN_COMPLAINTS: int = 5
    # A name matches a payment point at this rapidfuzz ratio (0-100) of its sound skeleton
    POINT_MATCH_MIN_SCORE: float = 80
    # The worker runs detection this often, and writes last month's reports to REPORTS_DIR
    PATTERN_INTERVAL_MINUTES: int = 60
    REPORTS_DIR: str = str(VAR_DIR / "reports")

    # Conversations (Rasa's tracker) older than this are deleted by bot.privacy.retention
    RETENTION_DAYS: int = 180

    class Config:
        env_file = None
        case_sensitive = True

    @property
    def vault_key(self) -> str:
        """The key sealing vaulted CNICs and channel state: VAULT_KEY (demo: HASH_KEY)."""
        return self.VAULT_KEY or self.HASH_KEY

    def secrets_in_use(self) -> Dict[str, Optional[str]]:
        """Every secret this deployment runs with, by setting name: the channels' only
        when the channel is enabled (a missing one keeps the channel off)."""
        names = [
            "HASH_KEY",
            "VAULT_KEY",
            "CONSOLE_SECRET_KEY",
            "ACTION_SERVER_SECRET",
            "REST_CHANNEL_TOKEN",
        ]
        if self.RASA_TOKEN is not None:
            names.append("RASA_TOKEN")
        if self.TWILIO_ACCOUNT_SID or self.TWILIO_AUTH_TOKEN:
            names.append("TWILIO_AUTH_TOKEN")
        if self.TELEGRAM_BOT_TOKEN or self.TELEGRAM_SECRET_TOKEN:
            names += ["TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"]
        return {name: getattr(self, name) for name in names}

    def secret_problems(self) -> List[str]:
        """What is wrong with the secrets, one line per secret named (empty: all real)."""
        problems: List[str] = []
        seen: Dict[str, str] = {}
        for name, value in self.secrets_in_use().items():
            text = value or ""
            if not text:
                problems.append(f"{name} is not set")
            elif text == self.__fields__[name].default or PLACEHOLDER.search(text):
                problems.append(f"{name} is a default or placeholder value")
            elif len(text.encode()) < MIN_SECRET_BYTES:
                problems.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
            elif text in seen:
                problems.append(f"{name} reuses the value of {seen[text]}")
            seen.setdefault(text, name)
        return problems

    def check_production(self) -> None:
        """Outside demo mode, refuse to start with a default, placeholder, short or reused
        secret, naming each one (every process calls this before it serves)."""
        if self.DEMO_MODE:
            return
        problems = self.secret_problems()
        if problems:
            raise InsecureSettings(
                "Refusing to start outside demo mode: " + "; ".join(problems) + "."
            )


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
