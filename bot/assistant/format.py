"""Dates and money written the way each language reads them, in Pakistan time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Optional, Union

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


def money(amount: Optional[int]) -> str:
    """13500 -> '13,500'."""
    return "-" if amount is None else f"{int(amount):,}"
