"""A person for the citizen: the call centre on the voice line, else the live waiting list."""

from __future__ import annotations

from datetime import datetime, time
from typing import Optional

from sqlalchemy.orm import Session

from bot.assistant.format import PKT
from bot.assistant.people import person_context
from bot.assistant.replies import Reply
from bot.core.settings import get_settings
from bot.live import service as live
from bot.registry.programmes import get_programmes

# Channels staff can write to (a voice caller is answered by SMS); not the local chat.
LIVE_CHANNELS = ("twilio", "telegram", "twilio_voice")


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


def wait_for_person(
    session: Session,
    sender_id: str,
    channel: str,
    language: str,
    phone: Optional[str],
    cnic: Optional[str],
    verified: bool,
    reason: str,
    now: Optional[datetime] = None,
) -> Optional[Reply]:
    """The waiting list when staff are on duty: a reply telling roughly when a person answers.

    A verified conversation waits for staff of her CNIC's district, any other for the
    helpline desk. None when nobody is on duty (the caller opens a callback ticket).
    """
    if channel not in LIVE_CHANNELS:
        return None
    person = person_context(session, cnic) if cnic and verified else None
    minutes = live.join_waiting_list(
        session,
        sender_id,
        channel,
        language,
        phone=phone,
        district=person.district if person else None,
        reason=reason,
        now=now,
    )
    return Reply("utter_live_waiting", {"minutes": minutes}) if minutes else None
