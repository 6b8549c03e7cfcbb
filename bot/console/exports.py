"""CSV export of a filtered ticket list (personal data masked, spreadsheet-formula safe)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Iterable

from bot.console.views import ticket_summary
from bot.core.masking import mask_text

COLUMNS = (
    "number",
    "category",
    "programme",
    "district",
    "tehsil",
    "state",
    "priority",
    "level",
    "queue",
    "assigned_to",
    "channel",
    "cnic",
    "created_at",
    "deadline_at",
    "time_left",
    "overdue",
    "resolved_at",
    "reopen_count",
    "rating",
    "appeal_count",
    "closure",
    "escalated",
    "ombudsman_referred_at",
    "description",
)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula when the file is opened.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def tickets_csv(tickets: Iterable[Any], now: datetime) -> str:
    """The tickets as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for ticket in tickets:
        row = ticket_summary(ticket, now)
        row["description"] = mask_text(ticket.description)
        writer.writerow([_cell(row.get(col)) for col in COLUMNS])
    return out.getvalue()
