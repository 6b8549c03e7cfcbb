"""Sign-in, sign-out and the admin's audit-log page."""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Optional

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bot.console import auth
from bot.console.auth import authenticate
from bot.console.models import StaffUser
from bot.console.web import (
    CSRF_FIELD,
    SESSION_USER,
    _same_origin,
    check_csrf,
    current_user,
    get_db,
    optional_user,
    render,
    require_role,
)
from bot.core import audit

router = APIRouter()


def _safe_next(target: Optional[str]) -> str:
    """Only a path on this console (no //host, no scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/tickets"


@router.get("/")
def home(user: Optional[StaffUser] = Depends(optional_user)) -> RedirectResponse:
    return RedirectResponse("/tickets" if user else "/login", status_code=303)


@router.get("/login")
def login_page(
    request: Request, next: str = "/tickets", user: Optional[StaffUser] = Depends(optional_user)
) -> Any:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/tickets"),
    csrf_token: str = Form(""),
    db: Session = Depends(get_db),
) -> Any:
    """Check the password; on success start a fresh session.

    Tools post only `username` and `password` (the contract), so a missing token is
    accepted here; a wrong token, or a browser post from another site, is refused.
    """
    expected = request.session.get(CSRF_FIELD)
    sent_wrong = bool(csrf_token) and not hmac.compare_digest(csrf_token, str(expected or ""))
    if sent_wrong or not _same_origin(request):
        raise HTTPException(status_code=403, detail="Cross-site sign-in refused.")
    who = (username or "?")[:64]
    settings = request.app.state.settings
    minutes = auth.sign_in_lock_minutes(
        db, who, settings.CONSOLE_LOGIN_MAX_FAILURES, settings.CONSOLE_LOGIN_LOCK_MINUTES
    )
    if minutes:
        audit.record_now(db, who, "login_locked")
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": f"Too many wrong passwords. Try again in {minutes} minutes, "
                "or ask an administrator to reset your password.",
                "username": username,
            },
            status_code=429,
        )
    user = authenticate(db, username, password)
    if user is None:
        audit.record_now(db, who, "login_failed")
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "error": "Wrong username or password.",
                "username": username,
            },
            status_code=401,
        )
    request.session.clear()
    request.session[SESSION_USER] = user.username
    request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    audit.record_now(db, user.username, "login")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(
    request: Request,
    user: Optional[StaffUser] = Depends(optional_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    if user is not None:
        audit.record_now(db, user.username, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    ticket: str = "",
    who: str = "",
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> Any:
    """Who saw or changed what (admins only)."""
    require_role(user, "admin")
    rows = audit.entries(
        db, ticket_number=ticket.strip().upper() or None, username=who.strip() or None
    )
    return render(request, "audit.html", {"rows": rows, "ticket": ticket, "who": who}, user=user)
