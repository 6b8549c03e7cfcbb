"""Live conversations in the console: the waiting list, takeover, staff messages, hand-back.

The page `/conversations` and the JSON API under `/api/conversations` share the same
scope rule (bot.live.service.can_see) and audit every step.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, BackgroundTasks, Body, Depends, HTTPException, Request
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.transcripts import read_transcript
from bot.console.views import aware
from bot.console.web import check_csrf, current_user, get_db, render
from bot.core import audit
from bot.core.clock import utcnow
from bot.core.conversations import address_of
from bot.core.masking import mask_text
from bot.live import service as live
from bot.live.models import LiveConversation
from bot.outreach import notice_views
from bot.privacy.seal import unseal

router = APIRouter()


def _iso(value: Optional[datetime]) -> Optional[str]:
    at = aware(value)
    return at.isoformat() if at else None


def summary(row: LiveConversation) -> Dict[str, Any]:
    return {
        "id": row.id,
        "channel": row.medium,
        "masked_phone": row.masked_phone,
        "language": row.language,
        "waiting_since": _iso(row.waiting_since),
        "state": row.state,
        "taken_by": row.taken_by,
        "district": row.district,
    }


def messages(request: Request, db: Session, row: LiveConversation) -> List[Dict[str, Any]]:
    """Citizen and assistant messages from Rasa's tracker, staff messages from live entries."""
    steps = live.entries(db, row.id)
    first = min((e.at for e in steps), default=row.updated_at)
    since = aware(first) - timedelta(hours=6) if first else None
    lines = read_transcript(row.id, request.app.state.settings.TRACKER_DB_URL, since=since)
    out = [
        {
            "from": line.speaker,
            "text": line.text,
            "at": line.at.isoformat(),
            "delivery": "received" if line.speaker == "citizen" else "sent",
        }
        for line in lines
    ]
    delivery = live.delivery_of(db, [e.outbox_id for e in steps if e.outbox_id])
    for entry in steps:
        if entry.kind not in ("staff", "handback") or (
            entry.kind == "handback" and not entry.outbox_id
        ):
            continue
        sender = "staff" if entry.kind == "staff" else "assistant"
        text = unseal(entry.text) if entry.kind == "staff" else "(handed back to the assistant)"
        out.append(
            {
                "from": sender,
                "text": mask_text(text or ""),
                "at": _iso(entry.at),
                "delivery": delivery.get(entry.outbox_id, "not sent")
                if entry.outbox_id
                else "not sent",
                "by": entry.actor,
            }
        )
    out.sort(key=lambda m: m["at"] or "")
    return out


def history(db: Session, row: LiveConversation) -> List[Dict[str, Any]]:
    return [{"at": _iso(e.at), "kind": e.kind, "actor": e.actor} for e in live.entries(db, row.id)]


def detail(request: Request, db: Session, row: LiveConversation) -> Dict[str, Any]:
    data = summary(row)
    data["messages"] = messages(request, db, row)
    data["history"] = history(db, row)
    data["notices"] = [
        {"day": n.day.isoformat(), "notice": n.reason, "state": n.state, "text": n.text}
        for n in notice_views.for_address(db, address_of(row.id))
    ]
    return data


def _load(db: Session, user: StaffUser, conversation_id: str) -> LiveConversation:
    try:
        return live.load(db, user, conversation_id)
    except live.LiveError as error:
        raise HTTPException(status_code=error.status, detail=str(error)) from None


def _step(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except live.LiveError as error:
        raise HTTPException(status_code=error.status, detail=str(error)) from None


def deliver_now(request: Request, outbox_id: Optional[int]) -> None:
    """Send one queued message at once (the worker retries it if this fails)."""
    if outbox_id is None:
        return
    from bot.channels.senders import build_senders
    from bot.language.i18n import load_responses
    from bot.outreach.delivery import deliver_one

    state = request.app.state
    if getattr(state, "live_senders", None) is None:
        state.live_senders = build_senders(state.settings)
        state.live_responses = load_responses()
    with state.session_factory() as session:
        with session.begin():
            deliver_one(session, outbox_id, state.live_senders, utcnow(), state.live_responses)


@router.get("/conversations")
def conversations_page(request: Request, user: StaffUser = Depends(current_user)) -> Any:
    """The live page; its script polls the JSON API."""
    return render(request, "conversations.html", {}, user=user)


@router.get("/api/conversations")
def api_conversations(
    waiting: int = 0, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    rows = live.in_scope(db, user, waiting_only=bool(waiting))
    return {"conversations": [summary(r) for r in rows]}


@router.get("/api/conversations/{conversation_id}")
def api_conversation(
    conversation_id: str,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Dict[str, Any]:
    row = _load(db, user, conversation_id)
    audit.record_now(db, user.username, "view_conversation", None, row.masked_phone, row.id)
    return detail(request, db, row)


@router.post("/api/conversations/{conversation_id}/takeover", dependencies=[Depends(check_csrf)])
def api_takeover(
    conversation_id: str,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Dict[str, Any]:
    row = _step(live.take_over, db, user, conversation_id)
    db.commit()
    return detail(request, db, row)


@router.post("/api/conversations/{conversation_id}/messages", dependencies=[Depends(check_csrf)])
def api_message(
    conversation_id: str,
    request: Request,
    background: BackgroundTasks,
    payload: Dict[str, Any] = Body(...),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Dict[str, Any]:
    entry, message = _step(
        live.send_staff_message, db, user, conversation_id, str(payload.get("text") or "")
    )
    db.commit()
    background.add_task(deliver_now, request, message.id if message else None)
    return {"id": entry.id, "delivery": "pending" if message else "not sent"}


@router.post("/api/conversations/{conversation_id}/handback", dependencies=[Depends(check_csrf)])
def api_handback(
    conversation_id: str,
    request: Request,
    background: BackgroundTasks,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Dict[str, Any]:
    message = _step(live.hand_back_by, db, user, conversation_id)
    db.commit()
    background.add_task(deliver_now, request, message.id if message else None)
    return detail(request, db, _load(db, user, conversation_id))
