"""The registry record shown beside a ticket, with CNIC and phone masked unless revealed."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from bot.core.identifiers import format_cnic, mask_cnic, mask_phone

_PERSON_FIELDS = (
    ("name", "Name"),
    ("cnic", "CNIC"),
    ("phone", "Phone"),
    ("gender", "Gender"),
    ("date_of_birth", "Born"),
    ("marital_status", "Marital status"),
    ("district", "District"),
    ("tehsil", "Tehsil"),
    ("pmt_score", "PMT score"),
    ("survey_date", "Surveyed"),
    ("cnic_expiry_date", "CNIC expires"),
)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value).replace("_", " ")


def registry_view(
    session: Session, cnic: Optional[str], reveal: Optional[str] = None
) -> Optional[Dict[str, Any]]:
    """The person, enrolments and recent instalments; CNIC and phone masked unless revealed.

    None when there is no CNIC or no such person (or no registry in this deployment).
    """
    if not cnic:
        return None
    try:
        from bot.registry import service as registry
    except ImportError:
        return None
    person = registry.find_person(session, cnic)
    if person is None:
        return None
    data = asdict(person)
    data["cnic"] = format_cnic(person.cnic) if reveal == "cnic" else mask_cnic(person.cnic)
    data["phone"] = person.phone if reveal == "phone" else mask_phone(person.phone)
    facts = [{"label": label, "value": _text(data.get(key))} for key, label in _PERSON_FIELDS]
    enrolments = [{k: _text(v) for k, v in asdict(e).items()} for e in person.enrolments]
    payments: List[Dict[str, str]] = []
    for row in registry.instalments(session, cnic, limit=6):
        item = asdict(row)
        payments.append(
            {
                "quarter": _text(item.get("quarter")),
                "programme": _text(item.get("programme")),
                "amount": f"Rs {item['amount']:,}" if item.get("amount") is not None else "–",
                "status": _text(item.get("status")),
                "reason": _text(item.get("reason")),
                "agent": _text(item.get("agent") or item.get("bank")),
            }
        )
    return {"facts": facts, "enrolments": enrolments, "instalments": payments}
