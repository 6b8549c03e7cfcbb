"""Eligibility and payment answers for a verified citizen, both from one household status.

`answer` says, for every programme the household is in, the payment's state, its reason
and the next step (bot.registry.household_status decides them); `followup` answers "why?",
"what should I do?" and "when?" about the line that matters most, without repeating it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from sqlalchemy.orm import Session

from bot.assistant.format import day_text, money, quarter_text
from bot.assistant.replies import Reply
from bot.privacy.vault import real_cnic
from bot.registry import service as registry
from bot.registry.household_status import HouseholdStatus, StatusLine
from bot.registry.programmes import get_programmes

_NOT_RECEIVED = re.compile(
    r"\b(nahi|nahin|nai|nhi|ni|nae|na|not|never|didn'?t|no)\b|نہیں|نئیں|نہی|نا\b|cut|kaat|کاٹ", re.I
)

# What the first answer says about a line after its state: the reason and/or the next
# step (or, for a payment not yet due, when). The rest is kept for the follow-ups.
MAIN_PARTS = {
    "paid": ("step",),
    "ready": ("step",),
    "withheld": ("reason", "step"),
    "failed": ("reason", "step"),
    "not_yet": ("when",),
    "newly_enrolled": ("step",),
    "waiting_list": ("reason", "step"),
    "not_eligible": ("reason", "step"),
    "excluded": ("reason", "step"),
    "paid_to_other": ("step",),
}
FOLLOWUPS = ("why", "next_step", "when")


@dataclass
class StatusAnswer:
    replies: List[Reply] = field(default_factory=list)
    offer_category: Optional[str] = None  # a complaint worth offering, if any


def _score(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"


def _place(line: StatusLine) -> str:
    if line.agent and line.bank:
        return f"{line.agent} ({line.bank})"
    return line.agent or line.bank or "-"


def line_params(line: StatusLine, language: str) -> Dict[str, Any]:
    """Every placeholder a status, reason, step or when response may use."""
    cfg = get_programmes()
    name = cfg.name(line.programme, language)
    short_code = str(cfg.helpline["sms_short_code"])
    wazaif = cfg.programme("taleemi_wazaif")["eligibility"]
    return {
        "programme": f"{name} ({', '.join(line.members)})" if line.members else name,
        "period": quarter_text(line.quarter, language),
        "period_spoken": quarter_text(line.quarter, language, spoken=True),
        "amount": money(line.amount),
        "date": day_text(line.day, language),
        "place": _place(line),
        "next_window": day_text(line.next_window, language),
        "window_closes": day_text(line.window_closes, language),
        "resurvey_from": day_text(line.resurvey_from, language),
        "pmt": _score(line.pmt_score),
        "cutoff": _score(line.cutoff),
        "attendance": wazaif["attendance_min_percent"],
        "min_age": cfg.programme("kafaalat")["eligibility"]["min_age"],
        "short_code": short_code,
        "short_code_spoken": " ".join(short_code),
    }


def part_response(line: StatusLine, part: str) -> Optional[str]:
    """The response name of one part of a line: its reason, next step or timing."""
    if part == "reason":
        return f"utter_reason_{line.reason}" if line.reason else None
    if part == "step":
        return f"utter_step_{line.step}"
    return f"utter_when_{line.when}"


def status_replies(status: HouseholdStatus, language: str) -> List[Reply]:
    """Each line's state with its reason and/or next step; a step shared by two lines once."""
    replies: List[Reply] = []
    said: set[tuple[str, tuple]] = set()
    for line in status.lines:
        params = line_params(line, language)
        names = [f"utter_status_{line.state}"]
        names += [part_response(line, part) for part in MAIN_PARTS[line.state]]
        for name in filter(None, names):
            key = (name, tuple(sorted(params.items())) if name.startswith("utter_status") else ())
            if key not in said:
                said.add(key)
                replies.append(Reply(name, params))
    return replies


def _headline(status: HouseholdStatus, language: str) -> List[Reply]:
    """'You are eligible (PMT x within y)' when Kafaalat is being paid or about to be."""
    kafaalat = status.verdicts.get("kafaalat")
    if kafaalat is None or not kafaalat.eligible or kafaalat.reason == "waitlisted":
        return []
    cfg = get_programmes()
    params = {
        "pmt": _score(kafaalat.pmt_score),
        "cutoff": _score(kafaalat.cutoff),
        "programmes": cfg.name("kafaalat", language),
    }
    base = cfg.programme("kafaalat")["eligibility"]["pmt_cutoff"]
    disability = (kafaalat.cutoff or 0) > base and (kafaalat.pmt_score or 0) > base
    return [Reply("utter_eligible_disability" if disability else "utter_eligible", params)]


def _offer(status: HouseholdStatus, asked: str) -> Optional[str]:
    focus = status.focus
    if focus is None:
        return None
    if focus.state == "withheld" and focus.reason == "biometric_failure":
        return "biometric_failure"
    if focus.state == "failed":
        return "payment_not_received"
    if focus.state == "paid" and _NOT_RECEIVED.search(asked or ""):
        return "payment_not_received"
    return None


def _status(session: Session, cnic: str) -> Optional[HouseholdStatus]:
    return registry.household_status(session, real_cnic(session, cnic) or cnic)


def answer(session: Session, cnic: str, flow: str, language: str, asked: str = "") -> StatusAnswer:
    """What to say for `flow` (eligibility, payment, or status = both) about a verified CNIC
    (the digits or their vault reference): the same household status for all three, led by
    the eligibility verdict when eligibility was asked."""
    status = _status(session, cnic)
    if status is None:
        return StatusAnswer([Reply("utter_cnic_not_found")])
    replies = _headline(status, language) if flow in ("eligibility", "status") else []
    replies += status_replies(status, language)
    offer = _offer(status, asked)
    if offer:
        replies.append(Reply("utter_offer_complaint"))
    return StatusAnswer(replies, offer)


def followup(session: Session, cnic: str, question: str, language: str) -> StatusAnswer:
    """The reason, the next step or the date (question: why, next_step, when) of the line
    the status answer was mostly about."""
    status = _status(session, cnic)
    if status is None:
        return StatusAnswer([Reply("utter_cnic_not_found")])
    line = status.focus
    if line is None:
        return StatusAnswer([])
    part = {"why": "reason", "next_step": "step", "when": "when"}[question]
    name = part_response(line, part)
    if name is None:  # paid or ready: the reason is that the household qualifies
        return StatusAnswer(_headline(status, language))
    return StatusAnswer([Reply(name, line_params(line, language))])
