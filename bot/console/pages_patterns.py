"""The patterns page: pattern cases and spikes in the viewer's scope, causes by week."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, List

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.queries import now_utc
from bot.console.scope import patterns_clause, scope_clause, sees_patterns
from bot.console.web import check_csrf, current_user, flash, get_db, not_found, render
from bot.core import audit
from bot.patterns.cases import cases_in_scope, resolve_case, ticket_numbers
from bot.patterns.causes import load_taxonomy
from bot.patterns.models import PatternCase
from bot.patterns.weekly import causes_by_week
from bot.tickets.constants import staff_actor
from bot.tickets.models import Ticket

router = APIRouter()
RESOLVED_SHOWN_DAYS = 30
CHART_WIDTH = 240
CHART_HEIGHT = 40


def _require(user: StaffUser) -> None:
    if not sees_patterns(user):
        raise HTTPException(
            status_code=403, detail="Pattern cases are for supervisors and the integrity desk."
        )


def scoped_cases(db: Session, user: StaffUser) -> List[PatternCase]:
    since = now_utc() - timedelta(days=RESOLVED_SHOWN_DAYS)
    return cases_in_scope(db, patterns_clause(user, PatternCase), include_resolved_since=since)


def _week_bars(counts: List[int], peak: int) -> List[Dict[str, Any]]:
    """One bar per week of a cause's small chart (SVG coordinates)."""
    step = CHART_WIDTH / max(len(counts), 1)
    bars = []
    for i, n in enumerate(counts):
        h = 0 if not peak else round(n / peak * (CHART_HEIGHT - 4))
        bars.append({"x": round(i * step + 1, 1), "w": round(step - 2, 1), "h": h, "n": n})
    return bars


@router.get("/patterns")
def patterns_page(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    _require(user)
    now = now_utc()
    taxonomy = load_taxonomy()
    cases = scoped_cases(db, user)
    numbers = ticket_numbers(db, [c.id for c in cases])
    weeks = causes_by_week(db, scope_clause(user, Ticket), now, taxonomy)
    charts = [
        {"label": taxonomy.label(cause), "total": sum(row), "bars": _week_bars(row, weeks.peak)}
        for cause, row in sorted(weeks.counts.items(), key=lambda item: -sum(item[1]))
    ]
    audit.record_now(db, user.username, "view_patterns", None, None, f"{len(cases)} cases")
    return render(
        request,
        "patterns.html",
        {
            "cases": cases,
            "numbers": numbers,
            "charts": charts,
            "weeks": weeks,
            "chart_w": CHART_WIDTH,
            "chart_h": CHART_HEIGHT,
            "labels": taxonomy,
            "now": now,
        },
        user=user,
    )


@router.post("/patterns/{case_id}/resolve", dependencies=[Depends(check_csrf)])
def resolve(
    case_id: int,
    request: Request,
    outcome: str = Form(""),
    user: StaffUser = Depends(current_user),
    db: Session = Depends(get_db),
) -> RedirectResponse:
    """Close a case with what became of it (the monthly report prints the outcome)."""
    _require(user)
    case = next((c for c in scoped_cases(db, user) if c.id == case_id), None)
    if case is None:
        raise not_found()
    try:
        resolve_case(db, case, staff_actor(user.username), outcome, now_utc())
        audit.record(db, user.username, "resolve_pattern", None, case.label, outcome[:500])
        db.commit()
        flash(request, f"{case.label} resolved.")
    except ValueError as exc:
        db.rollback()
        flash(request, str(exc), "error")
    return RedirectResponse(f"/patterns#case-{case_id}", status_code=303)
