"""Evidence on the ticket page: a ticket's photos, voice notes and PDFs, each view audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.queries import ticket_in_scope
from bot.console.web import current_user, get_db, not_found
from bot.core import audit
from bot.core.identifiers import mask_cnic
from bot.evidence import service as evidence
from bot.evidence.models import TicketAttachment
from bot.tickets.models import Ticket

router = APIRouter()
# Shown in the page (images, audio); anything else is downloaded.
INLINE = ("image/jpeg", "image/png", "audio/ogg", "audio/mpeg")


def listing(rows: List[TicketAttachment]) -> List[Dict[str, Any]]:
    """The `attachments` of a ticket in the API: no content, only what identifies it."""
    return [
        {
            "sha256": a.sha256,
            "content_type": a.content_type,
            "size": a.size,
            "received_at": a.received_at.isoformat()
            if isinstance(a.received_at, datetime)
            else None,
        }
        for a in rows
    ]


def attachments_of(db: Session, ticket: Ticket) -> List[TicketAttachment]:
    return evidence.attachments(db, ticket)


@router.get("/tickets/{number}/attachments/{sha256}")
def attachment(
    number: str, sha256: str, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Response:
    """One attached file for staff in scope; the view is on record before it is sent."""
    ticket = ticket_in_scope(db, user, number)
    row = evidence.attachment(db, ticket, sha256) if ticket is not None else None
    if ticket is None or row is None:
        raise not_found()
    audit.record_now(
        db, user.username, "view_attachment", ticket.number, mask_cnic(ticket.cnic), sha256
    )
    disposition = "inline" if row.content_type in INLINE else "attachment"
    extension = row.content_type.split("/")[1]
    return Response(
        evidence.content_of(row),
        media_type=row.content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{sha256[:12]}.{extension}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
