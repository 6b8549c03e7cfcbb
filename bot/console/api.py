"""The console's JSON API (/api/...): the same scoping and auditing as the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from bot.console import evidence
from bot.console.models import StaffUser
from bot.console.pages_patterns import scoped_cases
from bot.console.queries import (
    QueueFilter,
    count_tickets,
    dashboard,
    list_tickets,
    now_utc,
    satisfaction,
    ticket_in_scope,
)
from bot.console.registry_view import registry_view
from bot.console.scope import sees_patterns
from bot.console.transcripts import read_transcript
from bot.console.views import aware, ticket_summary
from bot.console.web import csrf_token, current_user, get_db, not_found
from bot.core import audit
from bot.core.identifiers import mask_cnic
from bot.core.masking import mask_text
from bot.patterns.cases import as_contract, ticket_numbers
from bot.tickets import service
from bot.tickets.models import Ticket

router = APIRouter(prefix="/api")


def _load(db: Session, user: StaffUser, number: str) -> Ticket:
    ticket = ticket_in_scope(db, user, number)
    if ticket is None:
        raise not_found()
    return ticket


@router.get("/me")
def me(request: Request, user: StaffUser = Depends(current_user)) -> Dict[str, Any]:
    """Who is signed in, and the session's CSRF token for the API's POSTs (X-CSRF-Token)."""
    return {
        "csrf_token": csrf_token(request),
        "username": user.username,
        "role": user.role,
        "districts": user.district_list,
        "queues": user.queue_list,
    }


@router.get("/tickets")
def api_tickets(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    """The queue with the same filters as /tickets."""
    flt = QueueFilter.from_params(request.query_params)
    now = now_utc()
    return {
        "total": count_tickets(db, user, flt, now),
        "page": flt.page,
        "tickets": [ticket_summary(t, now) for t in list_tickets(db, user, flt, now)],
    }


@router.get("/tickets/{number}")
def api_ticket(
    number: str, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    """One ticket with its history (citizen text masked)."""
    ticket = _load(db, user, number)
    audit.record_now(db, user.username, "view_ticket", ticket.number, mask_cnic(ticket.cnic), "api")
    data = ticket_summary(ticket, now_utc())
    data["description"] = mask_text(ticket.description)
    data["location_text"] = mask_text(ticket.location_text)
    data["history"] = [
        {
            "at": aware(e.at).isoformat() if e.at else None,
            "actor": e.actor,
            "kind": e.kind,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "from_level": e.from_level,
            "to_level": e.to_level,
            "note": mask_text(e.note),
            "internal": bool(e.internal),
        }
        for e in service.history(db, ticket)
    ]
    data["attachments"] = evidence.listing(evidence.attachments_of(db, ticket))
    return data


@router.get("/tickets/{number}/transcript")
def api_transcript(
    number: str,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Dict[str, Any]:
    ticket = _load(db, user, number)
    audit.record_now(
        db, user.username, "view_transcript", ticket.number, mask_cnic(ticket.cnic), "api"
    )
    since = ticket.created_at - timedelta(days=1) if ticket.created_at else None
    lines = read_transcript(
        ticket.sender_id, request.app.state.settings.TRACKER_DB_URL, since=since, session=db
    )
    return {"number": ticket.number, "messages": [line.as_dict() for line in lines]}


@router.get("/tickets/{number}/registry")
def api_registry(
    number: str, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    """The registry record, masked (revealing is a POST on the ticket page)."""
    ticket = _load(db, user, number)
    audit.record_now(
        db, user.username, "view_registry", ticket.number, mask_cnic(ticket.cnic), "api"
    )
    return {"number": ticket.number, "record": registry_view(db, ticket.cnic)}


@router.get("/patterns")
def api_patterns(
    user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    """Pattern cases and spikes in the user's scope, with the tickets behind each."""
    if not sees_patterns(user):
        return {"patterns": []}
    cases = scoped_cases(db, user)
    numbers = ticket_numbers(db, [c.id for c in cases])
    return {"patterns": [as_contract(c, numbers[c.id]) for c in cases]}


@router.get("/stats")
def api_stats(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    flt = QueueFilter.from_params(request.query_params)
    now = now_utc()
    figures = dashboard(db, user, flt, now).as_dict()
    figures["satisfaction"] = {
        by: [row.as_dict() for row in satisfaction(db, user, flt, now, by)]
        for by in ("desk", "district")
    }
    return figures
