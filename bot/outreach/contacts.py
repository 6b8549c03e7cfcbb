"""Where each citizen last reached the helpline from: channel, address, phone, language.

The channels record every message and call here (`seen`); a notice about her household
goes to the phone on record by the channel she used last, in the language she used last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.identifiers import normalise_phone
from bot.outreach.models import Contact

VOICE = "twilio_voice"


def record(
    session: Session,
    channel: str,
    address: str,
    language: Optional[str],
    phone: Optional[str] = None,
    now: Optional[datetime] = None,
) -> None:
    """Note that `address` on `channel` just wrote or called, in `language`."""
    now = now or utcnow()
    row = session.execute(
        select(Contact).where(Contact.channel == channel, Contact.address == address)
    ).scalar_one_or_none()
    number = normalise_phone(phone or "") or normalise_phone(address.replace("whatsapp:", ""))
    if row is None:
        session.add(
            Contact(
                channel=channel,
                address=address,
                phone=number,
                language=language or "roman_ur",
                last_seen_at=now,
            )
        )
        session.flush()
        return
    row.last_seen_at = now
    if language:
        row.language = language
    if number and not row.phone:
        row.phone = number


def seen(channel: str, address: str, language: Optional[str], phone: Optional[str] = None) -> None:
    """For the channels: `record` in a transaction of its own."""
    from bot.core.db import session_scope

    with session_scope() as session:
        record(session, channel, address, language, phone)


@dataclass(frozen=True)
class Reach:
    """How to reach one phone: the channel and address she used last, and her language."""

    channel: str  # twilio (SMS or WhatsApp), telegram, twilio_call (an automated call)
    address: str
    language: Optional[str]


def reach(contacts: List[Contact], phone: str) -> Reach:
    """The last channel she wrote on; a call if she only ever called; else SMS."""
    ordered = sorted(contacts, key=lambda c: c.last_seen_at, reverse=True)
    language = ordered[0].language if ordered else None
    written = [c for c in ordered if c.channel != VOICE]
    if written:
        return Reach(written[0].channel, written[0].address, language)
    if ordered:
        return Reach("twilio_call", phone, language)
    return Reach("twilio", phone, None)


def by_phone(session: Session, phones: Iterable[str]) -> Dict[str, List[Contact]]:
    """Every contact of each phone (in one query)."""
    wanted = sorted({p for p in phones if p})
    found: Dict[str, List[Contact]] = {p: [] for p in wanted}
    if not wanted:
        return found
    for row in session.execute(select(Contact).where(Contact.phone.in_(wanted))).scalars():
        found.setdefault(row.phone or "", []).append(row)
    return found
