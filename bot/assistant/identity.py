"""The identity check: reading a CNIC, the second factor, and locking out guessers."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.assistant import proof
from bot.assistant.format import moment_text
from bot.assistant.models import VerificationAttempt
from bot.assistant.replies import Reply, counted
from bot.core.db import session_scope
from bot.core.identifiers import CNIC_PROBLEM_LENGTH, CnicCheck, check_cnic, mask_cnic
from bot.core.reference import first_reference
from bot.core.settings import get_settings
from bot.privacy.vault import CnicVault, real_cnic
from bot.registry import verification


@dataclass
class Outcome:
    """Replies to send and slots to set after one step of the check."""

    replies: List[Reply] = field(default_factory=list)
    slots: Dict[str, Any] = field(default_factory=dict)


def read_cnic(text: str) -> CnicCheck:
    """The CNIC in `text`, as the conversation may keep it: `digits` is its vault reference.

    The channels already put a reference where the person typed a CNIC; a CNIC that
    reached here as digits (a test story, another channel) is vaulted now, so slots
    never hold the digits. A mistyped CNIC comes back with what is wrong with it.
    """
    reference = first_reference(text)
    if reference is not None:
        with session_scope() as session:
            digits = CnicVault(session).resolve(reference)
        # An unknown reference (a forged one, or HASH_KEY changed): ask for the CNIC again.
        if digits is None:
            return CnicCheck(None, CNIC_PROBLEM_LENGTH)
        # The channels vault mistyped CNICs too: say what is wrong with the digits.
        check = check_cnic(digits)
        return CnicCheck(reference, None, 13) if check.ok else check
    check = check_cnic(text)
    if not check.ok:
        return check
    with session_scope() as session:
        return CnicCheck(CnicVault(session).put(str(check.digits)), None, 13)


def masked(cnic: str) -> str:
    """The CNIC (or its vault reference) as a reply shows it: 35202-xxxxx67-1.

    Letters, not the console's asterisks: WhatsApp and SMS clients read "*…*" as bold."""
    with session_scope() as session:
        return mask_cnic(real_cnic(session, cnic) or cnic).replace("*", "x")


def cnic_problem(check: CnicCheck) -> List[Reply]:
    if check.problem == CNIC_PROBLEM_LENGTH:
        if check.found_digits == 0:
            return [Reply("utter_ask_cnic")]
        return [
            counted("utter_invalid_cnic_length", check.found_digits, {"found": check.found_digits})
        ]
    return [Reply("utter_invalid_cnic_prefix")]


def _key(value: str) -> str:
    secret = get_settings().HASH_KEY.encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def _failures_since(session: Session, column: Any, key: str, since: datetime) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(VerificationAttempt)
            .where(
                column == key, VerificationAttempt.at >= since, VerificationAttempt.ok.is_(False)
            )
        ).scalar_one()
    )


def _sender_locked(session: Session, sender_id: str, since: datetime) -> bool:
    key = _key(sender_id)
    failures = _failures_since(session, VerificationAttempt.sender_key, key, since)
    return failures >= get_settings().VERIFY_MAX_FAILURES_PER_SENDER


def is_locked(session: Session, cnic: str, sender_id: str, now: Optional[datetime] = None) -> bool:
    """Too many wrong answers for this CNIC, or from this sender, within the lock window."""
    settings = get_settings()
    now = now or datetime.utcnow()
    since = now - timedelta(hours=settings.VERIFY_LOCK_HOURS)
    by_cnic = _failures_since(session, VerificationAttempt.cnic_key, _key(cnic), since)
    return by_cnic >= settings.VERIFY_MAX_FAILURES or _sender_locked(session, sender_id, since)


# Ticket look-ups share the attempts table under one marker instead of a CNIC's key: a
# look-up refused (not the sender's ticket) counts like a wrong answer against the sender.
_TICKET_LOOKUP = "ticket-lookup"


def record_ticket_lookup(
    session: Session, sender_id: str, allowed: bool, now: Optional[datetime] = None
) -> None:
    session.add(
        VerificationAttempt(
            cnic_key=_key(_TICKET_LOOKUP),
            sender_key=_key(sender_id),
            at=now or datetime.utcnow(),
            ok=allowed,
        )
    )
    session.flush()


def ticket_lookups_exhausted(
    session: Session, sender_id: str, now: Optional[datetime] = None
) -> bool:
    """A locked sender, or too many ticket look-ups by number from it this hour."""
    now = now or datetime.utcnow()
    if _sender_locked(session, sender_id, now - timedelta(hours=get_settings().VERIFY_LOCK_HOURS)):
        return True
    lookups = session.execute(
        select(func.count())
        .select_from(VerificationAttempt)
        .where(
            VerificationAttempt.sender_key == _key(sender_id),
            VerificationAttempt.cnic_key == _key(_TICKET_LOOKUP),
            VerificationAttempt.at >= now - timedelta(hours=1),
        )
    ).scalar_one()
    return int(lookups) >= get_settings().TICKET_LOOKUPS_PER_HOUR


def locked_until(
    session: Session, cnic: str, sender_id: str, now: Optional[datetime] = None
) -> Optional[datetime]:
    """When the lock on this CNIC (or this sender) ends, or None when there is none.

    A lock lasts while the window holds the allowed number of wrong answers: it ends when
    the oldest of the latest that many leaves the window."""
    settings = get_settings()
    now = now or datetime.utcnow()
    window = timedelta(hours=settings.VERIFY_LOCK_HOURS)
    ends = []
    for column, key, limit in (
        (VerificationAttempt.cnic_key, _key(cnic), settings.VERIFY_MAX_FAILURES),
        (VerificationAttempt.sender_key, _key(sender_id), settings.VERIFY_MAX_FAILURES_PER_SENDER),
    ):
        times = (
            session.execute(
                select(VerificationAttempt.at)
                .where(
                    column == key,
                    VerificationAttempt.at >= now - window,
                    VerificationAttempt.ok.is_(False),
                )
                .order_by(VerificationAttempt.at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        if len(times) >= limit:
            ends.append(times[-1] + window)
    return max(ends) if ends else None


def locked_reply(until: Optional[datetime], language: str) -> Reply:
    """Locked, until when, and where to go meanwhile."""
    hours = get_settings().VERIFY_LOCK_HOURS
    until = until or datetime.utcnow() + timedelta(hours=hours)
    return Reply("utter_verification_locked", {"until": moment_text(until, language)})


def _locked_outcome(
    session: Session, cnic: str, sender_id: str, now: Optional[datetime], language: str
) -> Outcome:
    return Outcome(
        [locked_reply(locked_until(session, cnic, sender_id, now), language)],
        {
            "verification_answer": "locked",
            "verified": False,
            "verified_token": None,
            "pending_flow": "locked",
        },
    )


def start(
    session: Session, cnic: str, phone: Optional[str], sender_id: str, language: str = "en"
) -> Outcome:
    """After a valid CNIC: locked, verified by the phone on record, or ask the second factor.

    Registered or not, every well-formed CNIC is asked the same question: a different
    reply for a CNIC not in the registry would tell anyone who typed it whether the
    family is a beneficiary. `cnic` may be the vault reference; the slots get it back.
    """
    given, cnic = cnic, real_cnic(session, cnic) or cnic
    result = verification.verify(session, cnic, phone=phone) if phone else None
    if result is not None and result.ok:
        return _verified("utter_verified_by_phone", sender_id, given)
    if is_locked(session, cnic, sender_id):
        return _locked_outcome(session, cnic, sender_id, None, language)
    return Outcome([], {"verified": False, "verified_cnic": None, "verified_token": None})


def _verified(response: str, sender_id: str, given: str) -> Outcome:
    """Verified: the reply, and the signed proof the disclosing actions check."""
    return Outcome(
        [Reply(response)],
        {
            "verification_answer": "ok",
            "verified": True,
            "verified_cnic": given,
            "verified_token": proof.issue(sender_id, given),
        },
    )


def answer(
    session: Session,
    cnic: str,
    text: str,
    sender_id: str,
    now: Optional[datetime] = None,
    language: str = "en",
) -> Outcome:
    """Check the CNIC issue date the person typed (`cnic` may be the vault reference)."""
    given, cnic = cnic, real_cnic(session, cnic) or cnic
    now = now or datetime.utcnow()
    if is_locked(session, cnic, sender_id, now):
        return _locked_outcome(session, cnic, sender_id, now, language)
    issue_date = verification.parse_date(text)
    if issue_date is None:
        return Outcome([Reply("utter_invalid_date")], {"verification_answer": None})
    # A CNIC not in the registry is a wrong answer like any other: same reply, same count.
    result = verification.verify(session, cnic, issue_date=issue_date)
    session.add(
        VerificationAttempt(cnic_key=_key(cnic), sender_key=_key(sender_id), at=now, ok=result.ok)
    )
    session.flush()
    if result.ok:
        return _verified("utter_verified", sender_id, given)
    if is_locked(session, cnic, sender_id, now):
        return _locked_outcome(session, cnic, sender_id, now, language)
    since = now - timedelta(hours=get_settings().VERIFY_LOCK_HOURS)
    used = _failures_since(session, VerificationAttempt.cnic_key, _key(cnic), since)
    remaining = max(get_settings().VERIFY_MAX_FAILURES - used, 0)
    return Outcome(
        [counted("utter_verification_failed", remaining, {"remaining": remaining})],
        {"verification_answer": None},
    )
