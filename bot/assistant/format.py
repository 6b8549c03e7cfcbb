"""Dates and money written the way each language reads them, in Pakistan time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Optional, Union

from bot.registry.quarters import quarter_months

PKT = timezone(timedelta(hours=5), "PKT")

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "roman_ur": [
        "Jan",
        "Feb",
        "March",
        "April",
        "May",
        "June",
        "July",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ],
    "ur": [
        "جنوری",
        "فروری",
        "مارچ",
        "اپریل",
        "مئی",
        "جون",
        "جولائی",
        "اگست",
        "ستمبر",
        "اکتوبر",
        "نومبر",
        "دسمبر",
    ],
}


def day_text(value: Optional[Union[date, datetime]], language: str) -> str:
    """'2 Dec 2026' / '2 دسمبر 2026'; a datetime is shown in Pakistan time."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(PKT).date()
    months = _MONTHS.get(language, _MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def moment_text(value: datetime, language: str) -> str:
    """'2 Dec 2026, 14:30' in Pakistan time (an hour of the day matters for a lock-out)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(PKT)
    return f"{day_text(local.date(), language)}, {local:%H:%M}"


def money(amount: Optional[int]) -> str:
    """13500 -> '13,500'."""
    return "-" if amount is None else f"{int(amount):,}"


_FULL_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_SPOKEN_MONTHS = {"en": _FULL_MONTHS, "roman_ur": _FULL_MONTHS, "ur": _MONTHS["ur"]}
_MONTH_RANGE = {"en": "{0}-{1} {2}", "roman_ur": "{0}-{1} {2}", "ur": "{0} تا {1} {2}"}
_SPOKEN_RANGE = {"en": "{0} to {1} {2}", "roman_ur": "{0} se {1} {2}", "ur": "{0} سے {1} {2}"}


def quarter_text(label: Optional[str], language: str, spoken: bool = False) -> str:
    """'2026-Q4' as the months it covers: 'Oct-Dec 2026'; spoken 'October to December 2026'
    (a quarter label is never read out)."""
    if not label:
        return "-"
    first, last, year = quarter_months(label)
    lang = language if language in _MONTH_RANGE else "en"
    months = (_SPOKEN_MONTHS if spoken else _MONTHS)[lang]
    pattern = (_SPOKEN_RANGE if spoken else _MONTH_RANGE)[lang]
    return pattern.format(months[first - 1], months[last - 1], year)
