"""A reply to a notice: "kahan jana hai?", "کب تک؟" answered from that notice and her household.

A notice (bot/outreach/notices.py) went to the phone on record; a reply from that address
within the reply window continues it. Before she is verified, nothing is said beyond
what the notice itself said: the notice again, then the usual identity check. Once
verified as a member of that household, the question is answered from her household
status, about the programme (and child) the notice was about: "where?" and "what do I
do?" by the next step, "until when?" by the timing, "why?" by the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.assistant.replies import Reply
from bot.assistant.status import line_params, part_response, status_replies
from bot.core.clock import utcnow
from bot.core.identifiers import normalise_cnic, normalise_phone
from bot.core.outbox import SENT, OutboxMessage
from bot.outreach.models import Notice
from bot.outreach.notices import QUEUED, config
from bot.privacy.vault import real_cnic
from bot.registry import service as registry
from bot.registry.household_status import HouseholdStatus, StatusLine
from bot.registry.models import Person, Transition

QUESTIONS = ("why", "next_step", "when")
_PART = {"why": "reason", "next_step": "step", "when": "when"}


@dataclass(frozen=True)
class NoticeContext:
    """The notice a reply continues: what it said, and which household and payment it was about."""

    notice_id: int
    response: str
    language: str
    params: Dict[str, Any]
    household_id: int
    kind: str
    programme: Optional[str]
    member_id: Optional[int]
    sent_at: datetime


def _addresses(address: str) -> List[str]:
    """The addresses of one phone: a reply by SMS continues a WhatsApp notice and so on."""
    phone = normalise_phone(address.replace("whatsapp:", ""))
    if not phone:
        return [address]
    return sorted({address, phone, f"whatsapp:{phone}"})


def pending_notice(
    session: Session, address: str, now: Optional[datetime] = None
) -> Optional[NoticeContext]:
    """The latest notice sent to this address (or another channel of its phone) within the
    reply window, or None: what a reply from it continues."""
    now = now or utcnow()
    since = now - timedelta(hours=float(config().get("reply_window_hours", 72)))
    row = session.execute(
        select(Notice, OutboxMessage.sent_at, Transition.programme, Transition.for_person_id)
        .join(OutboxMessage, OutboxMessage.id == Notice.outbox_id)
        .join(Transition, Transition.id == Notice.transition_id)
        .where(
            Notice.status == QUEUED,
            OutboxMessage.status == SENT,
            OutboxMessage.sent_at >= since,
            or_(*[Notice.recipient == a for a in _addresses(address)]),
        )
        .order_by(OutboxMessage.sent_at.desc(), Notice.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    notice, sent_at, programme, member = row
    return NoticeContext(
        notice.id,
        notice.response,
        notice.language,
        json.loads(notice.params or "{}"),
        notice.household_id,
        notice.kind,
        programme,
        member,
        sent_at,
    )


def _line(
    status: HouseholdStatus, context: NoticeContext, session: Session
) -> Optional[StatusLine]:
    """The status line of the payment the notice was about (else the one that matters most)."""
    if context.programme:
        member = session.get(Person, context.member_id) if context.member_id else None
        for line in status.lines:
            if line.programme != context.programme:
                continue
            if member is None or member.name in line.members:
                return line
    return status.focus


def answer(
    session: Session,
    context: NoticeContext,
    question: str,
    language: str,
    verified_cnic: Optional[str] = None,
) -> List[Reply]:
    """What to say to a reply to `context` asking `question` (why, next_step, when).

    `verified_cnic` (digits or a vault reference) only when the server proved her identity:
    without it, or for someone outside the notice's household, the notice is said again
    and nothing more (the caller then asks for her CNIC as for any payment question)."""
    if question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}")
    again = Reply(context.response, context.params)
    digits = (
        real_cnic(session, verified_cnic) or normalise_cnic(verified_cnic or "")
        if verified_cnic
        else None
    )
    person = (
        session.execute(select(Person).where(Person.cnic == digits)).scalar_one_or_none()
        if digits
        else None
    )
    if person is None or person.household_id != context.household_id:
        return [again]
    status = registry.household_status(session, digits)
    line = _line(status, context, session) if status else None
    if line is None:
        return [again]
    name = part_response(line, _PART[question])
    if name is None:  # a paid or ready line has no reason: its state says it all
        return status_replies(HouseholdStatus(status.verdicts, (line,)), language)
    return [Reply(name, line_params(line, language))]
