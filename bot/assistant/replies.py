"""A reply is a domain response name plus the values for its placeholders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass
class Reply:
    response: str
    params: Dict[str, Any] = field(default_factory=dict)
    custom: Optional[Dict[str, Any]] = None


def digit_by_digit(text: str) -> str:
    """'PCMS-12345678' -> '1 2 3 4 5 6 7 8', for reading a number aloud digit by digit."""
    return " ".join(ch for ch in text if ch.isdigit())


def counted(response: str, count: int, params: Optional[Dict[str, Any]] = None) -> Reply:
    """`response`, or its `<response>_one` form when `count` is 1: "1 more try", not "tries".

    Every language has its own singular (Urdu "کوشش" / "کوششیں"), so the singular is a
    response of its own in domain.yml, not an ending added here."""
    return Reply(f"{response}_one" if count == 1 else response, dict(params or {}))
