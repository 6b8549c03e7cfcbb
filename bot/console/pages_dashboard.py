"""The dashboard page: charts of open tickets and the service figures, as SVG."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from bot.console.models import StaffUser
from bot.console.queries import QueueFilter, choices, dashboard, now_utc, satisfaction
from bot.console.views import CATEGORY_LABELS, bars
from bot.console.web import current_user, get_db, render
from bot.outreach import notice_views
from bot.tickets.models import Ticket

router = APIRouter()


@router.get("/dashboard")
def dashboard_page(
    request: Request, user: StaffUser = Depends(current_user), db: Session = Depends(get_db)
) -> Any:
    flt = QueueFilter.from_params(request.query_params)
    now = now_utc()
    data = dashboard(db, user, flt, now)
    return render(
        request,
        "dashboard.html",
        {
            "d": data,
            "flt": flt,
            "by_category": bars((CATEGORY_LABELS.get(k, k), v) for k, v in data.open_by_category),
            "by_district": bars(data.open_by_district),
            "by_desk_feedback": satisfaction(db, user, flt, now, "desk"),
            "by_district_feedback": satisfaction(db, user, flt, now, "district"),
            "notices": notice_views.figures(db, None if user.all_districts else user.district_list),
            "notice_states": notice_views.STATES,
            "districts": choices(db, user, Ticket.district),
            "programmes": choices(db, user, Ticket.programme),
        },
        user=user,
    )
