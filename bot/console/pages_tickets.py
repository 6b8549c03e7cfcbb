"""Queue, ticket page and ticket actions (assign, reply, status, resolve, escalate, note)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, List, Optional, Union

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.console import evidence, exports
from bot.console.models import StaffUser
from bot.console.queries import (
    PAGE_SIZE,
    QueueFilter,
    choices,
    count_tickets,
    list_tickets,
    now_utc,
    staff_for_ticket,
    ticket_in_scope,
)
from bot.console.registry_view import registry_view
from bot.console.scope import can_see
from bot.console.transcripts import read_transcript
from bot.console.web import check_csrf, current_user, flash, get_db, not_found, render
from bot.core import audit
from bot.core.identifiers import format_cnic, mask_cnic, mask_phone
from bot.core.masking import mask_text
from bot.language.i18n import LANGUAGES
from bot.outreach import notice_views
from bot.patterns.causes import load_taxonomy
from bot.patterns.link import set_cause
from bot.patterns.models import PaymentPoint
from bot.tickets import service
from bot.tickets.constants import STATES, staff_actor
from bot.tickets.lifecycle import TicketError, allowed_next
from bot.tickets.models import Ticket

router = APIRouter()
SUPERVISORS = ("supervisor", "admin")


@router.get("/tickets")
def queue_page(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    """The queue: filters, soonest deadline first, time left on each."""
    flt = QueueFilter.from_params(request.query_params)
    now = now_utc()
    tickets = list_tickets(db, user, flt, now)
    total = count_tickets(db, user, flt, now)
    return render(
        request,
        "queue.html",
        {
            "tickets": tickets,
            "total": total,
            "flt": flt,
            "now": now,
            "states": STATES,
            "districts": choices(db, user, Ticket.district),
            "programmes": choices(db, user, Ticket.programme),
            "has_next": flt.page * PAGE_SIZE < total,
        },
        user=user,
    )


@router.get("/tickets.csv")
def queue_csv(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Response:
    """The filtered list as CSV (every page), personal data masked."""
    flt = QueueFilter.from_params(request.query_params)
    now = now_utc()
    tickets = list_tickets(db, user, flt, now, limit=None)
    audit.record(
        db, user.username, "export_csv", detail=f"{len(tickets)} tickets; {flt.query_string()}"
    )
    db.commit()  # the export is on record before it leaves
    return Response(
        exports.tickets_csv(tickets, now),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tickets.csv"'},
    )


def _load(db: Session, user: StaffUser, number: str) -> Ticket:
    ticket = ticket_in_scope(db, user, number)
    if ticket is None:
        raise not_found()
    return ticket


def _ticket_page(
    request: Request, db: Session, user: StaffUser, ticket: Ticket, reveal: Optional[str] = None
) -> Any:
    now = now_utc()
    since = ticket.created_at - timedelta(days=1) if ticket.created_at else None
    record = registry_view(db, ticket.cnic, reveal)
    audit.record(
        db,
        user.username,
        f"reveal_{reveal}" if reveal else "view_ticket",
        ticket.number,
        subject=mask_cnic(ticket.cnic) or mask_phone(ticket.phone),
        detail="ticket page with transcript and registry record",
    )
    db.commit()  # the view is on record before the page is sent
    return render(
        request,
        "ticket.html",
        {
            "t": ticket,
            "now": now,
            "history": service.history(db, ticket),
            "attachments": evidence.attachments_of(db, ticket),
            "notices": notice_views.for_cnic(db, ticket.cnic),
            "transcript": read_transcript(
                ticket.sender_id, request.app.state.settings.TRACKER_DB_URL, since=since, session=db
            ),
            "record": record,
            "reveal": reveal,
            "cnic_shown": format_cnic(ticket.cnic)
            if reveal == "cnic" and ticket.cnic
            else mask_cnic(ticket.cnic),
            "phone_shown": ticket.phone if reveal == "phone" else mask_phone(ticket.phone),
            "next_states": sorted(allowed_next(ticket.state)),
            "staff": staff_for_ticket(db, ticket) if user.role in SUPERVISORS else [],
            "languages": LANGUAGES,
            "mask_text": mask_text,
            "causes": load_taxonomy(),
            "point": db.get(PaymentPoint, ticket.payment_point_id)
            if ticket.payment_point_id
            else None,
        },
        user=user,
    )


@router.get("/tickets/{number}")
def ticket_page(
    number: str,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Any:
    """One ticket: details, history, transcript, registry record and the actions."""
    return _ticket_page(request, db, user, _load(db, user, number))


@router.post("/tickets/{number}/reveal", dependencies=[Depends(check_csrf)])
def reveal(
    number: str,
    request: Request,
    what: str = Form(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Any:
    """Show one unmasked identifier, once, and write who saw it to the audit log."""
    ticket = _load(db, user, number)
    if what not in ("cnic", "phone"):
        raise HTTPException(status_code=400, detail="Only a CNIC or a phone can be revealed.")
    response = _ticket_page(request, db, user, ticket, reveal=what)
    response.headers["Cache-Control"] = "no-store"
    return response


def _act(
    request: Request,
    db: Session,
    user: StaffUser,
    number: str,
    action: str,
    work: Callable[[Ticket], Any],
    done: str,
    detail: Union[str, Callable[[], str], None] = None,
) -> RedirectResponse:
    """Run one ticket action, audit it and go back to the ticket (or the queue).

    `detail` may be a function, read after the work (what the action found before it)."""
    ticket = _load(db, user, number)
    try:
        work(ticket)
        db.flush()
        said = detail() if callable(detail) else detail
        audit.record(db, user.username, action, ticket.number, detail=said)
        db.commit()
        flash(request, done)
    except StaleDataError:
        db.rollback()
        flash(
            request, "Someone else changed this ticket just now. Check it and try again.", "error"
        )
    except (TicketError, ValueError) as exc:
        db.rollback()
        flash(request, str(exc), "error")
    db.refresh(ticket)
    if not can_see(user, ticket):
        flash(request, f"{done} {ticket.number} has left your queues.")
        return RedirectResponse("/tickets", status_code=303)
    return RedirectResponse(f"/tickets/{ticket.number}", status_code=303)


@router.post("/tickets/{number}/assign", dependencies=[Depends(check_csrf)])
def assign(
    number: str,
    request: Request,
    username: str = Form(""),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    """Agents take a ticket themselves; supervisors give it to anyone who can see it."""
    target = (username or user.username).strip()
    _load(db, user, number)
    if target != user.username and user.role not in SUPERVISORS:
        raise HTTPException(status_code=403, detail="Only a supervisor assigns to others.")

    def work(ticket: Ticket) -> None:
        if target not in {u.username for u in staff_for_ticket(db, ticket)}:
            raise ValueError(f"{target} cannot work on this ticket (district or queue).")
        service.assign(db, ticket, target, staff_actor(user.username))

    return _act(request, db, user, number, "assign", work, f"Assigned to {target}.", target)


@router.post("/tickets/{number}/cause", dependencies=[Depends(check_csrf)])
def correct_cause(
    number: str,
    request: Request,
    cause: str = Form(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    """Correct what caused the complaint (it decides the outside party in the reports)."""
    was: List[Optional[str]] = []

    def work(ticket: Ticket) -> None:
        was.append(set_cause(db, ticket, cause, staff_actor(user.username), now_utc()))

    def detail() -> str:
        return f"{was[0]} -> {cause}" if was and was[0] else f"unchanged: {cause}"

    return _act(request, db, user, number, "set_cause", work, "Cause corrected.", detail)


@router.post("/tickets/{number}/reply", dependencies=[Depends(check_csrf)])
def reply(
    number: str,
    request: Request,
    text: str = Form(...),
    language: str = Form(""),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    """Send a message to the citizen on their channel, in the language chosen."""
    lang = language if language in LANGUAGES else None

    def work(ticket: Ticket) -> None:
        if not text.strip():
            raise ValueError("Write the reply first.")
        service.staff_reply(db, ticket, staff_actor(user.username), text.strip(), language=lang)

    return _act(request, db, user, number, "reply", work, "Reply queued for the citizen.", lang)


@router.post("/tickets/{number}/status", dependencies=[Depends(check_csrf)])
def change_status(
    number: str,
    request: Request,
    to_state: str = Form(...),
    note: str = Form(""),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    def work(ticket: Ticket) -> None:
        service.transition(
            db, ticket, to_state, staff_actor(user.username), note=note.strip() or None
        )

    return _act(request, db, user, number, "status", work, "Status changed.", to_state)


@router.post("/tickets/{number}/resolve", dependencies=[Depends(check_csrf)])
def resolve(
    number: str,
    request: Request,
    note: str = Form(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    def work(ticket: Ticket) -> None:
        if not note.strip():
            raise ValueError("Say how the complaint was resolved.")
        service.resolve(db, ticket, staff_actor(user.username), note.strip())

    return _act(request, db, user, number, "resolve", work, "Ticket resolved.")


@router.post("/tickets/{number}/escalate", dependencies=[Depends(check_csrf)])
def escalate(
    number: str,
    request: Request,
    reason: str = Form(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    def work(ticket: Ticket) -> None:
        if not reason.strip():
            raise ValueError("Give a reason for the escalation.")
        service.escalate(db, ticket, staff_actor(user.username), reason.strip())

    return _act(request, db, user, number, "escalate", work, "Ticket escalated.")


@router.post("/tickets/{number}/note", dependencies=[Depends(check_csrf)])
def add_note(
    number: str,
    request: Request,
    note: str = Form(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    def work(ticket: Ticket) -> None:
        if not note.strip():
            raise ValueError("The note is empty.")
        service.add_note(db, ticket, staff_actor(user.username), note.strip(), internal=True)

    return _act(request, db, user, number, "note", work, "Internal note added.")
