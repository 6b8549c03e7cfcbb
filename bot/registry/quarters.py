"""Payment quarters as labels like "2025-Q3" and the dates they span."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping


def quarter_of(day: date) -> str:
    """'2025-Q3' for any day in July-September 2025."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(label: str) -> date:
    """First day of a quarter label."""
    year, q = label.split("-Q")
    return date(int(year), (int(q) - 1) * 3 + 1, 1)


def recent_quarters(day: date, count: int) -> list[str]:
    """The quarter of `day` and the `count - 1` before it, oldest first."""
    index = day.year * 4 + (day.month - 1) // 3
    labels = []
    for i in range(index - count + 1, index + 1):
        labels.append(f"{i // 4}-Q{i % 4 + 1}")
    return labels


def quarter_months(label: str) -> tuple[int, int, int]:
    """(first month, last month, year) of a quarter label: '2026-Q4' -> (10, 12, 2026)."""
    start = quarter_start(label)
    return start.month, start.month + 2, start.year


def next_quarter(label: str) -> str:
    """The quarter after `label`: '2026-Q4' -> '2027-Q1'."""
    year, q = (int(p) for p in label.split("-Q"))
    return f"{year + q // 4}-Q{q % 4 + 1}"


def window_opens(label: str, schedule: Mapping[str, Any]) -> date:
    """The day the payment window of quarter `label` opens (config payment.schedule)."""
    year, q = label.split("-Q")
    month, day = (int(p) for p in str(schedule["window_opens"][f"Q{q}"]).split("-"))
    return date(int(year), month, day)


def window_closes(label: str, schedule: Mapping[str, Any]) -> date:
    """The last day of the payment window of quarter `label`."""
    return window_opens(label, schedule) + timedelta(days=int(schedule["window_days"]) - 1)


def next_window(today: date, schedule: Mapping[str, Any]) -> tuple[str, date]:
    """The quarter whose payment window opens next after `today`, and that day."""
    label = quarter_of(today)
    while window_opens(label, schedule) <= today:
        label = next_quarter(label)
    return label, window_opens(label, schedule)
