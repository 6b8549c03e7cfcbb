"""Complaint conversations: choosing the category, filing the ticket, its status, hand-off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.assistant import identity
from bot.assistant.categories import category_from_words
from bot.assistant.format import day_text
from bot.assistant.people import PersonContext, person_context
from bot.assistant.replies import Reply, digit_by_digit
from bot.core.identifiers import ascii_digits, check_ticket_number
from bot.evidence import service as evidence
from bot.language.labels import label, queue_label
from bot.patterns.link import classify_and_link
from bot.privacy.vault import describe_references, real_cnic
from bot.tickets import service as tickets
from bot.tickets.constants import CHANNELS, PROTECTION
from bot.tickets.models import Ticket

INTENT_CATEGORY = {
    "report_deduction": "deduction",
    "report_biometric_failure": "biometric_failure",
    "payment_status": "payment_not_received",
    "update_details": "update_details",
    "scam_check": "scam",
    "check_eligibility": "eligibility_dispute",
}

# The most of a complaint's description a ticket keeps (the form, the actions and the
# ticket all cut it here).
DESCRIPTION_LIMIT = 2000


def guess_category(intent: Optional[str], text: str) -> str:
    """The ticket category for a complaint started by `intent` with message `text`."""
    if intent in INTENT_CATEGORY and intent != "payment_status":
        return INTENT_CATEGORY[intent]
    return category_from_words(text) or INTENT_CATEGORY.get(intent or "", "other")


def amount_answer(text: str) -> Optional[int]:
    """The rupees in an answer to "how much?": the NLU's amount rule (bot.nlu.numbers),
    or the number alone when that is all the answer is ("50", "۵۰")."""
    from bot.nlu.extract import extract_entities

    amounts = [int(e.value) for e in extract_entities(text) if e.entity == "amount"]
    if amounts:
        return amounts[0]
    bare = ascii_digits(text or "").strip().rstrip(".")
    if bare.isdigit() and 0 < int(bare) <= 1_000_000:
        return int(bare)
    return None


@dataclass
class ComplaintDraft:
    category: str
    description: str
    cnic: Optional[str]
    district: Optional[str] = None
    programme: Optional[str] = None
    amount: Optional[int] = None
    place: str = ""
    language: str = "roman_ur"
    channel: str = "rest"
    sender_id: Optional[str] = None
    phone: Optional[str] = None
    escalated: bool = False
    # The conversation proved this CNIC: only then does the registry fill in the district,
    # phone and programme (told back as the ticket's desk, they would betray the record).
    verified: bool = False


def _new_ticket(draft: ComplaintDraft, person: Optional[PersonContext]) -> tickets.NewTicket:
    return tickets.NewTicket(
        category=draft.category,
        description=(draft.description or "").strip()[:DESCRIPTION_LIMIT],
        cnic=draft.cnic,
        phone=draft.phone or (person.phone if person else None),
        programme=draft.programme or (person.programme if person else None),
        district=(person.district if person else None) or draft.district,
        tehsil=person.tehsil if person else None,
        amount=draft.amount,
        location_text=(draft.place or "")[:500],
        channel=draft.channel if draft.channel in CHANNELS else "rest",
        sender_id=draft.sender_id,
        language=draft.language,
        escalated=draft.escalated,
        vulnerable=bool(person and person.vulnerable),
    )


def _open(
    session: Session,
    draft: ComplaintDraft,
    person: Optional[PersonContext],
    now: Optional[datetime],
    join_others: bool = True,
) -> tickets.OpenResult:
    """Open or join the ticket; a new one gets its cause and the payment point it names.

    With `join_others` False a repeat of another conversation's ticket gets its own,
    linked to that one (bot.tickets.service.open_ticket). A verified complainant who
    joins becomes a co-owner: her "joined" entry names her conversation."""
    new = _new_ticket(draft, person)
    if draft.verified and draft.sender_id:
        new.actor = co_owner_actor(draft.sender_id)
    result = tickets.open_ticket(session, new, now=now, join_others=join_others)
    session.flush()
    if not result.joined:
        classify_and_link(session, result.ticket, result.ticket.created_at)
        session.flush()
    return result


def co_owner_actor(conversation: str) -> str:
    """The history actor of a verified citizen's complaint; a "joined" entry by it makes
    that conversation a co-owner of the ticket."""
    return f"citizen:{conversation}"[:80]


def is_co_owner(session: Session, ticket: Ticket, conversation: str) -> bool:
    from bot.tickets.models import TicketEvent

    found = session.execute(
        select(TicketEvent.id).where(
            TicketEvent.ticket_id == ticket.id,
            TicketEvent.kind == "joined",
            TicketEvent.actor == co_owner_actor(conversation),
        )
    ).first()
    return found is not None


def ticket_params(ticket: Ticket, language: str) -> dict:
    return {
        "ticket_id": ticket.number,
        "ticket_id_spoken": digit_by_digit(ticket.number),
        "queue_name": queue_label(ticket.queue, language),
        "deadline": day_text(ticket.deadline_at, language),
    }


def _unvault(session: Session, draft: ComplaintDraft) -> None:
    """The ticket keeps the real CNIC (staff need it) where the conversation had a reference.

    A reference in the description becomes the masked CNIC a person can read."""
    if draft.cnic:
        draft.cnic = real_cnic(session, draft.cnic)
    draft.description = describe_references(session, draft.description or "")


def file_complaint(
    session: Session, draft: ComplaintDraft, now: Optional[datetime] = None
) -> List[Reply]:
    """Open (or join) the ticket. The caller commits before sending the replies.

    Only a complainant verified as the CNIC joins another conversation's ticket, and
    becomes its co-owner (she may ask its status from this conversation); anyone else
    gets a ticket of her own, linked to that one."""
    _unvault(session, draft)
    person = person_context(session, draft.cnic) if draft.cnic and draft.verified else None
    result = _open(session, draft, person, now, join_others=draft.verified)
    params = ticket_params(result.ticket, draft.language)
    told = Reply("utter_ticket_joined" if result.joined else "utter_ticket_created", params)
    return [told, *held_evidence(session, result.ticket, draft.sender_id, draft.language, now)]


def held_evidence(
    session: Session,
    ticket: Ticket,
    sender_id: Optional[str],
    language: str,
    now: Optional[datetime] = None,
) -> List[Reply]:
    """Files the conversation sent before the ticket was named, attached to it now."""
    if not sender_id:
        return []
    attached = evidence.claim_held(session, sender_id, ticket, now)
    if not attached:
        return []
    placed = evidence.attached_reply(attached, ticket, language)
    return [Reply(placed.response, placed.params)]


def report_to_protection(
    session: Session, draft: ComplaintDraft, now: Optional[datetime] = None
) -> List[Reply]:
    """A report of abuse, a demand for favours or a threat, for the protection desk only.

    The caller commits before sending the replies, which tell her who will see it.
    """
    draft.category = PROTECTION
    _unvault(session, draft)
    person = person_context(session, draft.cnic) if draft.cnic else None
    result = _open(session, draft, person, now, join_others=draft.verified)
    return [Reply("utter_protection_filed", ticket_params(result.ticket, draft.language))]


def hand_off(
    session: Session, draft: ComplaintDraft, now: Optional[datetime] = None
) -> List[Reply]:
    """An escalated ticket for a person who asked for (or needs) a human."""
    draft.escalated = True
    _unvault(session, draft)
    person = person_context(session, draft.cnic) if draft.cnic and draft.verified else None
    result = _open(session, draft, person, now, join_others=draft.verified)
    told = Reply("utter_handoff", ticket_params(result.ticket, draft.language))
    return [told, *held_evidence(session, result.ticket, draft.sender_id, draft.language, now)]


def ticket_status(
    session: Session,
    text: str,
    language: str,
    conversation: str,
    verified_cnic: Optional[str] = None,
) -> Tuple[List[Reply], bool]:
    """Status, queue and last update of the ticket numbered in `text`, told to its owner only.

    The owner is the conversation that opened it, or a citizen verified as its CNIC.
    Anyone else (and any number that is no ticket: saying so would confirm the others)
    is asked to verify first; the second value is True then. Every look-up counts
    against the sender (bot.assistant.identity.record_ticket_lookup): numbers are short
    enough to walk. Files the conversation sent and was asked to place go onto her ticket.
    """
    check = check_ticket_number(text)
    if not check.ok:
        return [Reply("utter_ticket_bad_number")], False
    if identity.ticket_lookups_exhausted(session, conversation):
        return [Reply("utter_ticket_lookups_limited")], False
    ticket = tickets.get_ticket(session, check.number or "")
    cnic = real_cnic(session, verified_cnic) if verified_cnic else None
    owner = ticket is not None and (
        ticket.sender_id == conversation
        or (cnic is not None and ticket.cnic == cnic)
        or is_co_owner(session, ticket, conversation)
    )
    identity.record_ticket_lookup(session, conversation, owner)
    if ticket is not None and owner:
        status = Reply("utter_ticket_status", _status_params(ticket, language))
        return [status, *held_evidence(session, ticket, conversation, language)], False
    if cnic is not None:  # verified as someone else: no such ticket of hers
        return [Reply("utter_ticket_not_found", {"ticket_id": check.number})], False
    return [Reply("utter_ticket_verify_first", {"ticket_id": check.number})], True


def _status_params(ticket: Ticket, language: str) -> dict:
    return {
        "ticket_id": ticket.number,
        "status": label("status", ticket.state, language),
        "queue_name": queue_label(ticket.queue, language),
        "updated": day_text(ticket.updated_at, language),
    }


def tickets_of_citizen(session: Session, cnic: str, language: str) -> List[Reply]:
    """The open tickets of a verified citizen, newest first (at most three)."""
    cnic = real_cnic(session, cnic) or cnic
    found = tickets.tickets_for_cnic(session, cnic, open_only=True)
    if not found:
        return [Reply("utter_no_open_tickets")]
    found.sort(key=lambda t: t.created_at, reverse=True)
    return [Reply("utter_ticket_status", _status_params(t, language)) for t in found[:3]]


def awaiting_confirmation(session: Session, channel: str, sender_id: str) -> Optional[Ticket]:
    """The ticket of this conversation that waits for the citizen to say whether it is solved."""
    return (
        session.execute(
            select(Ticket)
            .where(
                Ticket.sender_id == sender_id,
                Ticket.channel == channel,
                Ticket.state == "awaiting_citizen",
            )
            .order_by(Ticket.updated_at.desc())
        )
        .scalars()
        .first()
    )


@dataclass(frozen=True)
class Verdict:
    """The citizen's answer to a resolved ticket: a 1-5 rating, or solved yes/no."""

    solved: Optional[bool] = None
    rating: Optional[int] = None


def confirm(session: Session, ticket: Ticket, verdict: Verdict, language: str) -> List[Reply]:
    """Record the citizen's verdict: closed with thanks, or an appeal one level up."""
    tickets.confirm_resolution(
        session, ticket.number, verdict.solved, actor="citizen", rating=verdict.rating
    )
    session.flush()
    if ticket.state == "closed":
        if verdict.rating is not None:
            return [
                Reply(
                    "utter_resolution_rated",
                    {"ticket_id": ticket.number, "rating": verdict.rating},
                )
            ]
        return [Reply("utter_resolution_confirmed", {"ticket_id": ticket.number})]
    return [Reply("utter_resolution_reopened", ticket_params(ticket, language))]


_NOT_SOLVED = re.compile(
    r"nahi? hua|nai hua|ni hua|nahin hua|hal nahi|hal nai|not (been )?(solved|resolved|fixed)|"
    r"still (not|no)|abhi tak nahi|abhi tak nai|wapis nahi|نہیں ہوا|حل نہیں|ابھی تک نہیں|نئیں ہویا|nai hoya",
    re.I,
)
_SOLVED = re.compile(
    r"ho gaya|hogaya|ho gya|mil gaye|mil gae|hal ho|solved|resolved|received|ہو گیا|مل گئے|حل ہو",
    re.I,
)
# A rating on its own: "4", "۴", "4/5", "4 stars", "rating 4", "⭐⭐⭐⭐".
_RATING = re.compile(
    r"^\W*(?:rating|rate|score|number|nambar|نمبر|ریٹنگ)?\W*([1-5])\s*"
    r"(?:/\s*5|out of 5|stars?|sitar[ey]?|ستار[ےہ])?\W*$",
    re.I,
)
_STAR = "\u2b50"


def resolution_answer(intent: Optional[str], text: str) -> Optional[Verdict]:
    """The citizen's answer to 'please rate it / is it solved?', or None if this is not one."""
    text = text or ""
    folded = ascii_digits(text).replace("\ufe0f", "").strip()
    match = _RATING.match(folded)
    if match:
        return Verdict(rating=int(match.group(1)))
    stars = folded.count(_STAR)
    if 1 <= stars <= 5 and not folded.replace(_STAR, "").strip(" .!"):
        return Verdict(rating=stars)
    if _NOT_SOLVED.search(text):
        return Verdict(solved=False)
    if intent == "deny":
        return Verdict(solved=False)
    if intent == "affirm" or (intent in ("thank", "payment_status") and _SOLVED.search(text)):
        return Verdict(solved=True)
    return None
