"""Whether a caller can be put through to the call centre right now."""

from __future__ import annotations

from datetime import datetime, time
from typing import Optional

from bot.assistant.format import PKT
from bot.assistant.replies import Reply
from bot.core.settings import get_settings
from bot.registry.programmes import get_programmes


def call_centre_open(now: Optional[datetime] = None) -> bool:
    """The call centre's hours from config/programmes.yml, Monday to Saturday, Pakistan time."""
    hours = get_programmes().helpline["hours"]
    local = (now or datetime.now(PKT)).astimezone(PKT)
    opens = time.fromisoformat(str(hours["open"]))
    closes = time.fromisoformat(str(hours["close"]))
    return local.weekday() < 6 and opens <= local.time() < closes


def dial_if_open(channel: str, now: Optional[datetime] = None) -> Optional[Reply]:
    """On the voice line during call-centre hours: a reply that makes the call connector dial."""
    if channel != "twilio_voice" or not call_centre_open(now):
        return None
    number = get_settings().CALL_CENTRE_NUMBER
    return Reply("utter_handoff_dial", custom={"dial": number})
