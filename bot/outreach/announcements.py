"""Announcements: a segment of consenting beneficiaries, counted before sending, queued in
the outbox at a set rate, in each citizen's language; delivery figures from the outbox.

The segment is district x programme x enrolment status, matched through the phone a
citizen wrote from and the registry. Only addresses told about consent at first
contact that have not said STOP are counted, and the outbox checks again at send time,
so a STOP is honoured even for a message already queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.clock import utcnow
from bot.core.outbox import DeliveryStatus, OutboxMessage
from bot.outreach.consent import outreach_config
from bot.outreach.models import Announcement, Consent
from bot.registry.models import Enrolment, Household, Person

RESPONSE = "utter_notify_announcement"
LANGUAGES = ("en", "ur", "roman_ur")
# Longest announcement: one SMS page of Urdu script after the sign-off (see the response).
MAX_LENGTH = {"en": 300, "roman_ur": 300, "ur": 140}


@dataclass(frozen=True)
class Segment:
    """Who an announcement is for; None means any."""

    district: Optional[str] = None
    programme: Optional[str] = None
    enrolment_status: Optional[str] = None


def audience(session: Session, segment: Segment) -> List[Consent]:
    """The consenting addresses in the segment, one per citizen (WhatsApp before SMS)."""
    query = select(Consent).where(Consent.announcements.is_(True))
    if segment.district or segment.programme or segment.enrolment_status:
        phones = select(Person.phone).join(Household, Household.id == Person.household_id)
        if segment.district:
            phones = phones.where(Household.district == segment.district)
        if segment.programme or segment.enrolment_status:
            enrolled = select(Enrolment.household_id)
            if segment.programme:
                enrolled = enrolled.where(Enrolment.programme == segment.programme)
            if segment.enrolment_status:
                enrolled = enrolled.where(Enrolment.status == segment.enrolment_status)
            phones = phones.where(Person.household_id.in_(enrolled))
        query = query.where(Consent.phone.in_(phones.where(Person.phone.is_not(None))))
    chosen: Dict[str, Consent] = {}
    for row in session.execute(query.order_by(Consent.id)).scalars():
        key = row.phone or f"{row.channel}:{row.address}"
        kept = chosen.get(key)
        if kept is None or (
            row.address.startswith("whatsapp:") and not kept.address.startswith("whatsapp:")
        ):
            chosen[key] = row
    return list(chosen.values())


def create(session: Session, author: str, texts: Dict[str, str], segment: Segment) -> Announcement:
    """A draft announcement; ValueError when a language is missing or too long."""
    cleaned = {lang: " ".join((texts.get(lang) or "").split()) for lang in LANGUAGES}
    for lang, text in cleaned.items():
        if not text:
            raise ValueError(f"the {lang} text is missing")
        if len(text) > MAX_LENGTH[lang]:
            raise ValueError(f"the {lang} text is longer than {MAX_LENGTH[lang]} characters")
    announcement = Announcement(
        created_by=author,
        created_at=utcnow(),
        text_en=cleaned["en"],
        text_ur=cleaned["ur"],
        text_roman_ur=cleaned["roman_ur"],
        district=segment.district or None,
        programme=segment.programme or None,
        enrolment_status=segment.enrolment_status or None,
    )
    session.add(announcement)
    session.flush()
    return announcement


def segment_of(announcement: Announcement) -> Segment:
    return Segment(announcement.district, announcement.programme, announcement.enrolment_status)


def send(
    session: Session,
    announcement: Announcement,
    now: Optional[datetime] = None,
    per_second: Optional[float] = None,
) -> int:
    """Queue the announcement for its audience, spaced at `per_second`; once only."""
    if announcement.sent_at is not None:
        raise ValueError(f"announcement {announcement.id} was already sent")
    now = now or utcnow()
    rate = float(per_second or outreach_config().get("messages_per_second") or 1)
    templates = outreach_config().get("whatsapp_templates") or {}
    recipients = audience(session, segment_of(announcement))
    for i, consent in enumerate(recipients):
        language = consent.language if consent.language in LANGUAGES else "roman_ur"
        params = {
            "text": getattr(announcement, f"text_{language}"),
            "announcement": announcement.id,
        }
        template = templates.get(language) if isinstance(templates, dict) else None
        if template and consent.address.startswith("whatsapp:"):
            params["template"] = template
        session.add(
            outbox.message(
                consent.channel,
                consent.address,
                language,
                RESPONSE,
                f"announcement:{announcement.id}:{consent.channel}:{consent.address}",
                now,
                params=params,
                send_at=now + timedelta(seconds=i / rate),
            )
        )
    announcement.recipients = len(recipients)
    announcement.sent_at = now
    session.flush()
    return len(recipients)


def _prefix(announcement_id: int) -> str:
    return f"announcement:{announcement_id}:%"


def figures(session: Session, announcement: Announcement) -> Dict[str, int]:
    """queued / sent / delivered / failed / opted_out for one announcement."""
    rows = session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.dedupe_key.like(_prefix(announcement.id)))
        .group_by(OutboxMessage.status)
    ).all()
    by_status = {status: count for status, count in rows}
    delivered = session.execute(
        select(func.count())
        .select_from(OutboxMessage)
        .join(DeliveryStatus, DeliveryStatus.message_sid == OutboxMessage.provider_id)
        .where(
            OutboxMessage.dedupe_key.like(_prefix(announcement.id)),
            DeliveryStatus.status.in_(("delivered", "read")),
        )
    ).scalar_one()
    return {
        "recipients": announcement.recipients,
        "queued": by_status.get("pending", 0),
        "sent": by_status.get("sent", 0),
        "delivered": int(delivered),
        "failed": by_status.get("failed", 0),
        "sent_by_sms_instead": by_status.get("fell_back", 0),
        "opted_out": by_status.get("opted_out", 0),
    }
