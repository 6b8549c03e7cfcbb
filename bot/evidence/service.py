"""Placing evidence: on the ticket it names, on the complaint being made, or held until asked.

A file sent with the number of the sender's own ticket is attached to it at once. A file
sent while a complaint is being made, or with no complaint open, is held (sealed) for the
conversation: the complaint's ticket takes it when it is registered, and a ticket number
the citizen sends next takes it too. Files nobody claims are deleted after a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.identifiers import normalise_phone
from bot.evidence.media import KINDS, Media
from bot.evidence.models import PendingMedia, TicketAttachment
from bot.language.labels import label
from bot.nlu.extract import extract_entities
from bot.privacy.seal import seal_bytes, unseal_bytes
from bot.tickets.models import Ticket

HOLD_HOURS = 24


@dataclass(frozen=True)
class Placement:
    """What became of a file, as a response name and its parameters."""

    response: str
    params: Dict[str, Any] = field(default_factory=dict)
    ticket_number: Optional[str] = None


def kind_label(content_type: str, language: str) -> str:
    return label("evidence", KINDS.get(content_type, "document"), language)


def ticket_in_text(text: str) -> Optional[str]:
    """The first well-formed ticket number written in `text` (as the NLU reads one)."""
    for entity in extract_entities(text or ""):
        if entity.entity == "ticket_id" and entity.is_valid:
            return entity.value
    return None


def owns(ticket: Ticket, sender_id: str, phone: Optional[str]) -> bool:
    """The ticket was opened from this conversation, or for this phone number."""
    if ticket.sender_id and ticket.sender_id == sender_id:
        return True
    return bool(phone and ticket.phone and normalise_phone(ticket.phone) == normalise_phone(phone))


def attach(
    session: Session, ticket: Ticket, media: Media, channel: str, now: Optional[datetime] = None
) -> TicketAttachment:
    """The file on the ticket, sealed; the same file twice is kept once."""
    existing = session.execute(
        select(TicketAttachment).where(
            TicketAttachment.ticket_id == ticket.id, TicketAttachment.sha256 == media.sha256
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    row = TicketAttachment(
        ticket_id=ticket.id,
        sha256=media.sha256,
        content_type=media.content_type,
        size=media.size,
        received_at=now or utcnow(),
        channel=channel,
        data=seal_bytes(media.data),
    )
    session.add(row)
    session.flush()
    return row


def hold(
    session: Session, sender_id: str, media: Media, channel: str, now: Optional[datetime] = None
) -> PendingMedia:
    row = PendingMedia(
        sender_id=sender_id,
        sha256=media.sha256,
        content_type=media.content_type,
        size=media.size,
        received_at=now or utcnow(),
        channel=channel,
        data=seal_bytes(media.data),
    )
    session.add(row)
    session.flush()
    return row


def place(
    session: Session,
    sender_id: str,
    channel: str,
    phone: Optional[str],
    text: str,
    media: Media,
    language: str,
    complaint_open: bool,
    now: Optional[datetime] = None,
) -> Placement:
    """Attach the file to the ticket named in `text` (if hers), else hold it and say why."""
    kind = kind_label(media.content_type, language)
    number = ticket_in_text(text)
    ticket = (
        session.execute(select(Ticket).where(Ticket.number == number)).scalar_one_or_none()
        if number
        else None
    )
    if ticket is not None and owns(ticket, sender_id, phone):
        attach(session, ticket, media, channel, now)
        return Placement(
            "utter_evidence_attached", {"kind": kind, "ticket_id": ticket.number}, ticket.number
        )
    hold(session, sender_id, media, channel, now)
    if complaint_open:
        return Placement("utter_evidence_held", {"kind": kind})
    return Placement("utter_evidence_which_ticket", {"kind": kind})


def claim_held(
    session: Session, sender_id: str, ticket: Ticket, now: Optional[datetime] = None
) -> List[TicketAttachment]:
    """Move the files held for this conversation onto `ticket`."""
    held = list(
        session.execute(
            select(PendingMedia)
            .where(PendingMedia.sender_id == sender_id)
            .order_by(PendingMedia.id)
        ).scalars()
    )
    attached = []
    for row in held:
        media = Media(unseal_bytes(row.data), row.content_type, row.sha256)
        attached.append(attach(session, ticket, media, row.channel, now))
        session.delete(row)
    session.flush()
    return attached


def attached_reply(attached: List[TicketAttachment], ticket: Ticket, language: str) -> Placement:
    kinds = dict.fromkeys(kind_label(a.content_type, language) for a in attached)
    return Placement(
        "utter_evidence_attached",
        {"kind": ", ".join(kinds), "ticket_id": ticket.number},
        ticket.number,
    )


def forget_unclaimed(session: Session, now: Optional[datetime] = None) -> int:
    """Delete held files older than a day (nobody said which ticket they were for)."""
    cutoff = (now or utcnow()) - timedelta(hours=HOLD_HOURS)
    result = session.execute(delete(PendingMedia).where(PendingMedia.received_at < cutoff))
    return int(result.rowcount or 0)


def attachments(session: Session, ticket: Ticket) -> List[TicketAttachment]:
    return list(
        session.execute(
            select(TicketAttachment)
            .where(TicketAttachment.ticket_id == ticket.id)
            .order_by(TicketAttachment.received_at, TicketAttachment.id)
        ).scalars()
    )


def attachment(session: Session, ticket: Ticket, sha256: str) -> Optional[TicketAttachment]:
    return session.execute(
        select(TicketAttachment).where(
            TicketAttachment.ticket_id == ticket.id, TicketAttachment.sha256 == sha256
        )
    ).scalar_one_or_none()


def content_of(row: TicketAttachment) -> bytes:
    return unseal_bytes(row.data)
