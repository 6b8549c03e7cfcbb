"""Channel settings: which channels can start, and the options they read."""

from __future__ import annotations

from typing import Any, List, Optional

from bot.core.settings import Settings, get_settings


def setting(name: str, settings: Optional[Settings] = None) -> Any:
    """A channel setting by name (`settings` or the process-wide ones)."""
    return getattr(settings or get_settings(), name)


def sms_max_segments(settings: Optional[Settings] = None) -> int:
    return max(1, int(setting("SMS_MAX_SEGMENTS", settings)))


def voice_line_number(settings: Optional[Settings] = None) -> str:
    return str(
        setting("VOICE_LINE_NUMBER", settings)
        or setting("TWILIO_SMS_FROM", settings)
        or setting("CALL_CENTRE_NUMBER", settings)
    )


def missing_settings(channel: str, settings: Optional[Settings] = None) -> List[str]:
    """Names of the settings a channel still needs (empty when it can start)."""
    settings = settings or get_settings()
    needed = {
        "twilio": ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"],
        "twilio_voice": ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL"],
        "telegram": ["TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"],
    }[channel]
    missing = [n for n in needed if not setting(n, settings)]
    if channel == "twilio" and not (
        setting("TWILIO_SMS_FROM", settings) or setting("TWILIO_WHATSAPP_FROM", settings)
    ):
        missing.append("TWILIO_SMS_FROM or TWILIO_WHATSAPP_FROM")
    return missing


CHANNELS = ("twilio", "twilio_voice", "telegram")
