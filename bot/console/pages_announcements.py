"""Announcements page: write in three languages, choose a segment, see the count, send."""

from __future__ import annotations

from typing import Any, Dict, List

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.web import check_csrf, current_user, flash, get_db, render, require_role
from bot.core import audit
from bot.outreach import announcements
from bot.outreach.models import Announcement
from bot.registry.models import Enrolment, Household

router = APIRouter()
BROADCASTERS = ("broadcaster", "admin")


def _options(db: Session) -> Dict[str, List[str]]:
    def values(column: Any) -> List[str]:
        return sorted(str(v) for v in db.execute(select(distinct(column))).scalars() if v)

    return {
        "districts": values(Household.district),
        "programmes": values(Enrolment.programme),
        "statuses": values(Enrolment.status),
    }


def _load(db: Session, announcement_id: int) -> Announcement:
    item = db.get(Announcement, announcement_id)
    if item is None:
        raise HTTPException(status_code=404, detail="No such announcement.")
    return item


@router.get("/announcements")
def announcements_page(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    """Past announcements with their delivery figures, and the form for a new one."""
    require_role(user, *BROADCASTERS)
    items = db.execute(select(Announcement).order_by(Announcement.id.desc()).limit(50)).scalars()
    rows = [(item, announcements.figures(db, item)) for item in items]
    return render(request, "announcements.html", {"rows": rows, **_options(db)}, user=user)


@router.post("/announcements", dependencies=[Depends(check_csrf)])
def create_announcement(
    request: Request,
    text_en: str = Form(""),
    text_ur: str = Form(""),
    text_roman_ur: str = Form(""),
    district: str = Form(""),
    programme: str = Form(""),
    enrolment_status: str = Form(""),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Any:
    """A draft: nothing is sent until the count is seen and Send is pressed."""
    require_role(user, *BROADCASTERS)
    segment = announcements.Segment(district or None, programme or None, enrolment_status or None)
    texts = {"en": text_en, "ur": text_ur, "roman_ur": text_roman_ur}
    try:
        item = announcements.create(db, user.username, texts, segment)
    except ValueError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/announcements", status_code=303)
    audit.record(db, user.username, "announcement_draft", detail=f"announcement {item.id}")
    db.commit()
    return RedirectResponse(f"/announcements/{item.id}", status_code=303)


@router.get("/announcements/{announcement_id}")
def announcement_page(
    announcement_id: int,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Any:
    """The draft with how many will get it, or a sent one with its figures."""
    require_role(user, *BROADCASTERS)
    item = _load(db, announcement_id)
    count = len(announcements.audience(db, announcements.segment_of(item)))
    context = {"a": item, "count": count, "figures": announcements.figures(db, item)}
    return render(request, "announcement.html", context, user=user)


@router.post("/announcements/{announcement_id}/send", dependencies=[Depends(check_csrf)])
def send_announcement(
    announcement_id: int,
    request: Request,
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    """Queue it in the outbox for everyone in the segment who has not said STOP."""
    require_role(user, *BROADCASTERS)
    item = _load(db, announcement_id)
    try:
        count = announcements.send(db, item)
    except ValueError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/announcements/{announcement_id}", status_code=303)
    audit.record(
        db, user.username, "announcement_sent", detail=f"announcement {item.id} to {count}"
    )
    db.commit()
    flash(request, f"Queued for {count} citizens.")
    return RedirectResponse(f"/announcements/{announcement_id}", status_code=303)


@router.get("/api/announcements/{announcement_id}")
def announcement_api(
    announcement_id: int, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Dict[str, Any]:
    """Delivery figures of one announcement as JSON."""
    require_role(user, *BROADCASTERS)
    item = _load(db, announcement_id)
    return {
        "id": item.id,
        "sent_at": item.sent_at.isoformat() if item.sent_at else None,
        "segment": {
            "district": item.district,
            "programme": item.programme,
            "enrolment_status": item.enrolment_status,
        },
        "will_reach": len(announcements.audience(db, announcements.segment_of(item))),
        **announcements.figures(db, item),
    }
