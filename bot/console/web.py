"""Request plumbing shared by the console's routes: database session, signed-in user, CSRF."""

from __future__ import annotations

import hmac
import secrets
from typing import Any, Dict, Iterator, Optional
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bot.console.auth import get_user
from bot.console.models import StaffUser
from bot.core import db

CSRF_FIELD = "csrf_token"
SESSION_USER = "user"


class NotSignedIn(Exception):
    """Raised for a page that needs a signed-in user (pages redirect, the API says 401)."""


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, committed when the handler succeeds."""
    with db.transaction(request.app.state.session_factory) as session:
        yield session


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return str(token)


def _same_origin(request: Request) -> bool:
    """A browser's Origin/Referer, when sent, must be this console."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return True  # not a browser form (curl, scripts): the token alone decides
    if source == "null":
        return False
    return urlsplit(source).netloc == request.headers.get("host", request.url.netloc)


async def check_csrf(request: Request) -> None:
    """Refuse a POST without the session's token in the form, or from another site."""
    if request.method != "POST":
        return
    form = await request.form()
    sent = str(form.get(CSRF_FIELD) or request.headers.get("x-csrf-token") or "")
    expected = str(request.session.get(CSRF_FIELD) or "")
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="The form expired. Reload and try again.")
    if not _same_origin(request):
        raise HTTPException(status_code=403, detail="Cross-site request refused.")


def optional_user(request: Request, db: Session = Depends(get_db)) -> Optional[StaffUser]:
    username = request.session.get(SESSION_USER)
    if not username:
        return None
    user = get_user(db, str(username))
    if user is None or not user.active:
        request.session.clear()
        return None
    return user


def current_user(user: Optional[StaffUser] = Depends(optional_user)) -> StaffUser:
    """The signed-in staff user; otherwise NotSignedIn (a redirect or a 401)."""
    if user is None:
        raise NotSignedIn()
    return user


def require_role(user: StaffUser, *roles: str) -> None:
    if user.role not in roles:
        raise HTTPException(status_code=403, detail="Your role does not allow this.")


def not_found() -> HTTPException:
    """The same answer for 'no such ticket' and 'not yours to see'."""
    return HTTPException(status_code=404, detail="No such ticket.")


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def render(
    request: Request,
    template: str,
    context: Dict[str, Any],
    status_code: int = 200,
    user: Optional[StaffUser] = None,
) -> Any:
    """A page, with the signed-in user, the CSRF token and any one-shot message."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token(request),
        "flash": request.session.pop("flash", None),
    }
    ctx.update(context)
    return templates.TemplateResponse(template, ctx, status_code=status_code)
