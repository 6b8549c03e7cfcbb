"""Payment quarters as labels like "2025-Q3" and the dates they span."""

from __future__ import annotations

from datetime import date


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
