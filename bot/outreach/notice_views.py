"""What staff see of notices: those sent to a household, and counts by transition and delivery.

The delivery state of a notice: waiting (in the outbox), sent, delivered (Twilio's report),
failed, opted_out (STOP, at import or at send time), unreachable (no phone on record).
A notice replaced by a newer state of the same day is not counted: the newer one is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Dict, Iterable, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.identifiers import normalise_cnic, normalise_phone
from bot.core.outbox import DeliveryStatus, OutboxMessage
from bot.language.i18n import render
from bot.outreach.models import Notice
from bot.outreach.notices import OPTED_OUT, REPLACED, UNREACHABLE
from bot.registry.models import Household, Person

STATES = ("waiting", "sent", "delivered", "failed", "opted_out", "unreachable")
KINDS = ("ready_for_collection", "withheld", "paid", "cnic_expiring")
_OUTBOX_STATE = {
    "pending": "waiting",
    "sent": "sent",
    "failed": "failed",
    "opted_out": "opted_out",
    "fell_back": "sent",
}


def delivery_state(notice_status: str, outbox_status: Optional[str], report: Optional[str]) -> str:
    if notice_status in (OPTED_OUT, UNREACHABLE):
        return notice_status
    if report in ("delivered", "read"):
        return "delivered"
    if report in ("undelivered", "failed"):
        return "failed"
    return _OUTBOX_STATE.get(outbox_status or "", "waiting")


@dataclass(frozen=True)
class NoticeView:
    kind: str
    reason: str  # the text's name without the prefix, e.g. withheld_biometric_failure
    day: date
    channel: str
    language: str
    state: str
    sent_at: Optional[datetime]
    text: str


def _views(session: Session, query) -> List[NoticeView]:  # noqa: ANN001 - a select
    rows = session.execute(
        query.add_columns(OutboxMessage.status, OutboxMessage.sent_at, DeliveryStatus.status)
        .outerjoin(OutboxMessage, OutboxMessage.id == Notice.outbox_id)
        .outerjoin(DeliveryStatus, DeliveryStatus.message_sid == OutboxMessage.provider_id)
        .where(Notice.status != REPLACED)
        .order_by(Notice.id.desc())
        .limit(20)
    ).all()
    views = []
    for notice, outbox_status, sent_at, report in rows:
        params = json.loads(notice.params or "{}")
        try:
            text = render(notice.response, notice.language, **params)
        except KeyError:
            text = notice.response
        views.append(
            NoticeView(
                notice.kind,
                notice.response.replace("utter_notice_", ""),
                notice.day,
                notice.channel or "-",
                notice.language,
                delivery_state(notice.status, outbox_status, report),
                sent_at,
                text,
            )
        )
    return views


def for_household(session: Session, household_id: Optional[int]) -> List[NoticeView]:
    """The latest notices sent (or meant) for a household, newest first."""
    if household_id is None:
        return []
    return _views(session, select(Notice).where(Notice.household_id == household_id))


def for_cnic(session: Session, cnic: Optional[str]) -> List[NoticeView]:
    """The notices of the household of a CNIC (a ticket's citizen)."""
    digits = normalise_cnic(cnic or "")
    if not digits:
        return []
    household = session.execute(
        select(Person.household_id).where(Person.cnic == digits)
    ).scalar_one_or_none()
    return for_household(session, household)


def for_address(session: Session, address: Optional[str]) -> List[NoticeView]:
    """The notices sent to a channel address or another channel of its phone."""
    if not address:
        return []
    phone = normalise_phone(address.replace("whatsapp:", ""))
    addresses = {address} | ({phone, f"whatsapp:{phone}"} if phone else set())
    return _views(session, select(Notice).where(Notice.recipient.in_(sorted(addresses))))


def figures(
    session: Session, districts: Optional[Iterable[str]] = None
) -> Dict[str, Dict[str, int]]:
    """kind -> delivery state -> count, for the households of `districts` (None: all)."""
    query = (
        select(
            Notice.kind,
            Notice.status,
            OutboxMessage.status,
            DeliveryStatus.status,
            func.count(),
        )
        .outerjoin(OutboxMessage, OutboxMessage.id == Notice.outbox_id)
        .outerjoin(DeliveryStatus, DeliveryStatus.message_sid == OutboxMessage.provider_id)
        .where(Notice.status != REPLACED)
        .group_by(Notice.kind, Notice.status, OutboxMessage.status, DeliveryStatus.status)
    )
    if districts is not None:
        query = query.join(Household, Household.id == Notice.household_id).where(
            Household.district.in_(sorted(districts))
        )
    table: Dict[str, Dict[str, int]] = {k: {s: 0 for s in STATES} for k in KINDS}
    for kind, status, outbox_status, report, count in session.execute(query):
        row = table.setdefault(kind, {s: 0 for s in STATES})
        row[delivery_state(status, outbox_status, report)] += count
    return table
