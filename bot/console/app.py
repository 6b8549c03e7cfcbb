"""The staff console application: `create_app(settings=None)` builds the FastAPI app."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from bot.console import (
    api,
    conversations,
    evidence,
    pages_announcements,
    pages_auth,
    pages_dashboard,
    pages_patterns,
    pages_reports,
    pages_tickets,
    views,
)
from bot.console.auth import accounts_with_demo_password
from bot.console.web import NotSignedIn, render
from bot.core import db
from bot.core.settings import Settings, get_settings

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "madadgar_console"
SESSION_HOURS = 8

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "script-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class StartupRefused(RuntimeError):
    """The console will not run in this configuration (demo passwords in production)."""


def check_startup(settings: Settings) -> None:
    """Outside demo mode: a real secret key and no account with the demo password."""
    settings.check_production()
    if settings.DEMO_MODE:
        return
    with db.session_scope(settings.DATABASE_URL) as session:
        weak = accounts_with_demo_password(session)
    if weak:
        raise StartupRefused(
            "refusing to start outside demo mode: these accounts still have the demo "
            f"password: {', '.join(weak)} (set one with `madadgar staff passwd USER`)"
        )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """The console app for `settings` (default: the process settings). No I/O here."""
    settings = settings or get_settings()
    app = FastAPI(title="Madadgar staff console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.session_factory = db.session_factory(settings.DATABASE_URL)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    views.register(templates.env)
    app.state.templates = templates

    @app.on_event("startup")
    def _refuse_unsafe_start() -> None:
        check_startup(settings)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Added after the header middleware so it wraps it: the session exists everywhere.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.CONSOLE_SECRET_KEY,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=bool(settings.PUBLIC_BASE_URL and settings.PUBLIC_BASE_URL.startswith("https")),
    )

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Sign in first."}, status_code=401)
        if request.method != "GET":
            return RedirectResponse("/login", status_code=303)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _bad_form(request: Request, _exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Bad request."}, status_code=400)
        return render(
            request, "error.html", {"status": 400, "detail": "Fill in the form."}, status_code=400
        )

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages_auth.router)
    app.include_router(pages_tickets.router)
    app.include_router(pages_dashboard.router)
    app.include_router(pages_patterns.router)
    app.include_router(pages_reports.router)
    app.include_router(pages_announcements.router)
    app.include_router(api.router)
    app.include_router(conversations.router)
    app.include_router(evidence.router)

    from bot.console.telegram_alerts import StaffTelegramConfig, mount_webhook

    telegram = StaffTelegramConfig.from_settings()
    if telegram.configured and telegram.mode == "webhook":
        if not telegram.secret_token:
            raise RuntimeError("STAFF_TELEGRAM_SECRET_TOKEN is required in webhook mode")
        app.state.telegram = mount_webhook(app, telegram, app.state.session_factory)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    return app
