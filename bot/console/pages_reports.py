"""Reports to the concerned parties: the printable page and the CSV, per district and month."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.queries import now_utc
from bot.console.web import current_user, get_db, render, require_role
from bot.core import audit
from bot.patterns.causes import load_taxonomy
from bot.patterns.reports import (
    build_report,
    partners_of,
    previous_month,
    report_csv,
    report_html,
    report_name,
)

router = APIRouter()


def _district(user: StaffUser, wanted: str) -> Optional[str]:
    """The district asked for, if the user may see it (a supervisor: one of theirs)."""
    if user.all_districts:
        return wanted or None
    if not wanted:
        return user.district_list[0] if user.district_list else None
    if wanted not in user.district_list:
        raise HTTPException(status_code=403, detail="That district is not yours.")
    return wanted


def _report(request: Request, user: StaffUser, db: Session) -> Any:
    require_role(user, "supervisor", "admin")
    params = request.query_params
    month = str(params.get("month") or previous_month(now_utc()))
    district = _district(user, str(params.get("district") or ""))
    partner = str(params.get("partner") or "") or None
    try:
        return build_report(db, month, district, partner)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


@router.get("/reports")
def reports_page(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    """Choose a district, month and partner; links to the printable page and the CSV."""
    require_role(user, "supervisor", "admin")
    return render(
        request,
        "reports.html",
        {
            "month": str(request.query_params.get("month") or previous_month(now_utc())),
            "districts": user.district_list if not user.all_districts else [],
            "partners": partners_of(db, load_taxonomy()),
        },
        user=user,
    )


@router.get("/reports/view")
def report_view(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    report = _report(request, user, db)
    audit.record_now(db, user.username, "view_report", None, None, report_name(report))
    return HTMLResponse(report_html(report))


@router.get("/reports.csv")
def report_download(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Response:
    report = _report(request, user, db)
    audit.record_now(db, user.username, "export_report", None, None, report_name(report))
    return Response(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{report_name(report)}.csv"'},
    )
