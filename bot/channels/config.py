"""Channel settings: which channels can start, and the channel options not in Settings yet."""

from __future__ import annotations

import os
from typing import Any, List, Optional

from bot.core.settings import Settings, get_settings

# Settings this part needs beyond bot.core.settings.Settings. They are read from the
# Settings object when the lead adds them there, otherwise from the environment.
EXTRA_DEFAULTS = {
    # Approved WhatsApp template (Content SID "HX...") with one variable {{1}}, for
    # messages outside WhatsApp's 24-hour window.
    "TWILIO_WHATSAPP_TEMPLATE_SID": None,
    "SMS_MAX_SEGMENTS": "3",
    "CALL_CENTRE_NUMBER": "+92800026477",
    # The number citizens call for the voice line, named in texts to SMS/WhatsApp users.
    "VOICE_LINE_NUMBER": None,
    # Twilio <Say> voices; Twilio has no Urdu (Pakistan) TTS voice: Google's Urdu is ur-IN.
    "VOICE_UR_TTS_LANGUAGE": "ur-IN",
    "VOICE_UR_TTS_VOICE": "Google.ur-IN-Wavenet-A",
    "VOICE_EN_TTS_LANGUAGE": "en-IN",
    "VOICE_EN_TTS_VOICE": "Google.en-IN-Wavenet-A",
    # Speech recognition (<Gather language=...>)
    "VOICE_UR_STT_LANGUAGE": "ur-PK",
    "VOICE_EN_STT_LANGUAGE": "en-IN",
    # <Gather speechModel>: Twilio's model for phone audio where the language has it
    # (English); Urdu gets the conversational model, which covers more languages.
    "VOICE_UR_SPEECH_MODEL": "experimental_conversations",
    "VOICE_EN_SPEECH_MODEL": "phone_call",
    # Bot API base URL (the phone simulator serves a local one)
    "TELEGRAM_API_BASE_URL": None,
}


def setting(name: str, settings: Optional[Settings] = None) -> Any:
    """A channel setting: Settings attribute, else environment, else the default."""
    settings = settings or get_settings()
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name) or EXTRA_DEFAULTS.get(name)
    return value


def sms_max_segments(settings: Optional[Settings] = None) -> int:
    try:
        return max(1, int(setting("SMS_MAX_SEGMENTS", settings)))
    except (TypeError, ValueError):
        return 3


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


def enabled_channels(settings: Optional[Settings] = None) -> List[str]:
    """The channels whose settings are all present."""
    settings = settings or get_settings()
    return [c for c in CHANNELS if not missing_settings(c, settings)]
