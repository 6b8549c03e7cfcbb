"""Consent per channel address: the first-contact notice, STOP and START.

Every address is told once, at first contact, that its messages are kept to handle
the request and how to stop announcements; that moment is recorded. Announcements go
only to addresses that were told and did not say STOP. STOP never stops answers to
her own requests or updates on her own tickets.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Dict, Optional, Set

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.clock import utcnow
from bot.core.identifiers import normalise_phone
from bot.core.settings import CONFIG_DIR
from bot.nlu.normalise import normalise
from bot.outreach.models import Consent

STOP = "stop"
START = "start"


@lru_cache(maxsize=1)
def outreach_config() -> Dict[str, object]:
    return yaml.safe_load((CONFIG_DIR / "outreach.yml").read_text(encoding="utf-8"))


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", normalise(text or "").casefold()).split())


@lru_cache(maxsize=1)
def _keywords() -> Dict[str, Dict[str, str]]:
    config = outreach_config()
    found: Dict[str, Dict[str, str]] = {STOP: {}, START: {}}
    for kind, key in ((STOP, "stop_words"), (START, "start_words")):
        for language, words in (config.get(key) or {}).items():  # type: ignore[union-attr]
            for word in words:
                found[kind][_fold(str(word))] = language
    return found


def keyword(text: str) -> Optional[str]:
    """STOP or START when the whole message is one of those words, else None."""
    folded = _fold(text)
    if len(folded) > 40:
        return None
    for kind, words in _keywords().items():
        if folded in words:
            return kind
    return None


def keyword_language(text: str) -> Optional[str]:
    """The language the keyword was written in ("بند کرو" is Urdu), None for "stop"/"start"."""
    folded = _fold(text)
    for words in _keywords().values():
        language = words.get(folded)
        if language and language != "en":
            return language
    return None


def _row(session: Session, channel: str, address: str) -> Optional[Consent]:
    return session.execute(
        select(Consent).where(Consent.channel == channel, Consent.address == address)
    ).scalar_one_or_none()


def first_contact(
    session: Session,
    channel: str,
    address: str,
    language: str,
    phone: Optional[str] = None,
    now: Optional[datetime] = None,
) -> bool:
    """Record that this address is being told about consent; True only the first time."""
    now = now or utcnow()
    row = _row(session, channel, address)
    if row is not None:
        if phone and not row.phone:
            row.phone = normalise_phone(phone)
        return False
    session.add(
        Consent(
            channel=channel,
            address=address,
            phone=normalise_phone(phone or address),
            language=language,
            noticed_at=now,
            announcements=True,
            changed_at=now,
        )
    )
    session.flush()
    return True


def choose(
    session: Session,
    channel: str,
    address: str,
    wanted: bool,
    language: str,
    phone: Optional[str] = None,
    now: Optional[datetime] = None,
) -> Consent:
    """Record her choice now: announcements on (START) or off (STOP)."""
    now = now or utcnow()
    row = _row(session, channel, address)
    if row is None:
        row = Consent(
            channel=channel,
            address=address,
            phone=normalise_phone(phone or address),
            noticed_at=now,
        )
        session.add(row)
    row.announcements = wanted
    row.language = language
    row.changed_at = now
    session.flush()
    return row


def may_announce(session: Session, channel: str, address: str) -> bool:
    """True when this address was told and has not said STOP since."""
    row = _row(session, channel, address)
    return bool(row is not None and row.announcements)


def opted_out_addresses(session: Session) -> Set[str]:
    return set(
        session.execute(select(Consent.address).where(Consent.announcements.is_(False))).scalars()
    )


# ---------------------------------------------------------------- for the channels

REPLY = {STOP: "channel_consent_stopped", START: "channel_consent_started"}
NOTICE = "utter_notify_consent"


def record_keyword(
    channel: str, address: str, kind: str, language: str, phone: Optional[str]
) -> str:
    """Record a STOP or START from a channel at once; the reply text's name."""
    from bot.core.db import session_scope

    with session_scope() as session:
        choose(session, channel, address, kind == START, language, phone)
    return REPLY[kind]


def notice_once(channel: str, address: str, language: str, phone: Optional[str]) -> bool:
    """At an address's first message: record it and queue the one-line notice after the answer.

    The notice goes through the outbox as its own short message, so the answer to what
    she asked is never pushed onto a second SMS page by it.
    """
    from bot.core.db import session_scope

    with session_scope() as session:
        if not first_contact(session, channel, address, language, phone):
            return False
        now = utcnow()
        session.add(
            outbox.message(channel, address, language, NOTICE, f"consent:{channel}:{address}", now)
        )
    return True
