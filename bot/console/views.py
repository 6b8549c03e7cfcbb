"""Presentation helpers for the console's templates: labels, time left, dates, bar charts."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.core.identifiers import mask_cnic, mask_phone
from bot.tickets.queries import is_overdue

CATEGORY_LABELS = {
    "deduction": "Deduction from payment",
    "payment_not_received": "Payment not received",
    "biometric_failure": "Biometric failure",
    "cnic_sim": "CNIC / SIM problem",
    "eligibility_dispute": "Eligibility dispute",
    "misconduct": "Staff misconduct",
    "scam": "Scam / fraud",
    "update_details": "Update details",
    "other": "Other",
}
STATE_LABELS = {
    "new": "New",
    "assigned": "Assigned",
    "in_progress": "In progress",
    "awaiting_citizen": "Awaiting citizen",
    "closed": "Closed",
    "reopened": "Reopened",
}
LEVEL_LABELS = {0: "Tehsil", 1: "District", 2: "Region", 3: "Head office"}
LANGUAGE_LABELS = {"en": "English", "ur": "اردو (Urdu)", "roman_ur": "Roman Urdu"}
CHANNEL_LABELS = {
    "twilio": "SMS / WhatsApp",
    "twilio_voice": "Voice call",
    "telegram": "Telegram",
    "rest": "Web chat",
}


def aware(value: Optional[datetime]) -> Optional[datetime]:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def time_left(ticket: Any, now: datetime) -> Tuple[str, bool]:
    """('2d 4h left', False) or ('overdue by 3h 10m', True); closed tickets have no clock."""
    if ticket.state == "closed":
        return ("closed", False)
    if ticket.state == "awaiting_citizen":
        return ("clock paused: awaiting citizen", False)
    deadline = aware(ticket.deadline_at)
    if deadline is None:
        return ("no deadline", False)
    seconds = (deadline - now).total_seconds()
    if is_overdue(ticket.state, deadline, now):
        return (f"overdue by {_span(seconds)}", True)
    return (f"{_span(seconds)} left", False)


def fmt_dt(value: Optional[datetime]) -> str:
    """Dates shown in Pakistan Standard Time (UTC+5, no daylight saving)."""
    value = aware(value)
    if value is None:
        return "–"
    from datetime import timedelta

    return (value + timedelta(hours=5)).strftime("%d %b %Y %H:%M PKT")


def fmt_duration(seconds: Optional[float]) -> str:
    return "–" if seconds is None else _span(seconds)


def ticket_summary(ticket: Any, now: datetime) -> Dict[str, Any]:
    """A ticket as JSON for the API and the CSV: personal data masked."""
    left, overdue = time_left(ticket, now)

    def iso(v: Optional[datetime]) -> Optional[str]:
        v = aware(v)
        return v.isoformat() if v else None

    return {
        "number": ticket.number,
        "category": ticket.category,
        "programme": ticket.programme,
        "district": ticket.district,
        "tehsil": ticket.tehsil,
        "state": ticket.state,
        "priority": ticket.priority,
        "level": ticket.level,
        "queue": ticket.queue,
        "assigned_to": ticket.assigned_to,
        "channel": ticket.channel,
        "language": ticket.language,
        "cnic": mask_cnic(ticket.cnic),
        "phone": mask_phone(ticket.phone),
        "created_at": iso(ticket.created_at),
        "deadline_at": iso(ticket.deadline_at),
        "resolved_at": iso(ticket.resolved_at),
        "closed_at": iso(ticket.closed_at),
        "time_left": left,
        "overdue": overdue,
        "escalated": bool(ticket.escalated),
        "vulnerable": bool(ticket.vulnerable),
        "reopen_count": ticket.reopen_count,
        "rating": ticket.rating,
        "appeal_count": ticket.appeal_count,
        "closure": ticket.closure,
        "retaliation_flag": bool(ticket.retaliation_flag),
        "ombudsman_referred_at": iso(ticket.ombudsman_referred_at),
    }


def bars(items: Iterable[Tuple[str, float]], width: int = 320) -> List[Dict[str, Any]]:
    """Rows of a horizontal bar chart: label, value, bar width in SVG units, y offset."""
    rows = [(str(label), float(value)) for label, value in items]
    top = max((v for _, v in rows), default=0) or 1
    return [
        {"label": label, "value": value, "w": max(2, round(width * value / top)), "y": i * 28}
        for i, (label, value) in enumerate(rows)
    ]


def register(env: Any) -> None:
    """Add the filters and globals the templates use to a Jinja2 environment."""
    env.filters.update(
        category=lambda v: CATEGORY_LABELS.get(v, v or "–"),
        state=lambda v: STATE_LABELS.get(v, v or "–"),
        level=lambda v: LEVEL_LABELS.get(v, str(v)),
        language=lambda v: LANGUAGE_LABELS.get(v, v or "–"),
        channel=lambda v: CHANNEL_LABELS.get(v, v or "–"),
        dt=fmt_dt,
        duration=fmt_duration,
        mask_cnic=mask_cnic,
        mask_phone=mask_phone,
    )
    env.globals.update(
        CATEGORY_LABELS=CATEGORY_LABELS,
        STATE_LABELS=STATE_LABELS,
        LANGUAGE_LABELS=LANGUAGE_LABELS,
        time_left=time_left,
    )
