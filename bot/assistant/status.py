"""Eligibility and payment answers for a verified citizen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import List, Optional

from sqlalchemy.orm import Session

from bot.assistant.format import day_text, money
from bot.assistant.replies import Reply, counted
from bot.language.labels import label
from bot.privacy.vault import real_cnic
from bot.registry import service as registry
from bot.registry.programmes import get_programmes

_NOT_RECEIVED = re.compile(
    r"\b(nahi|nahin|nai|nhi|ni|nae|na|not|never|didn'?t|no)\b|نہیں|نئیں|نہی|نا\b|cut|kaat|کاٹ", re.I
)


@dataclass
class StatusAnswer:
    replies: List[Reply] = field(default_factory=list)
    offer_category: Optional[str] = None  # a complaint worth offering, if any


def _names(keys: List[str], language: str) -> str:
    cfg = get_programmes()
    joiner = {"en": " and ", "ur": " اور ", "roman_ur": " aur "}[language]
    return joiner.join(cfg.name(k, language) for k in keys)


def _score(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"


def eligibility_replies(report: registry.EligibilityReport, language: str) -> List[Reply]:
    if not report.found:
        return [Reply("utter_cnic_not_found")]
    kafaalat = report.programmes.get("kafaalat")
    replies: List[Reply] = []
    if kafaalat is not None:
        params = {
            "pmt": _score(kafaalat.pmt_score),
            "cutoff": _score(kafaalat.cutoff),
            "programmes": _names(["kafaalat"], language),
        }
        if kafaalat.eligible and kafaalat.reason == "waitlisted":
            replies.append(Reply("utter_waitlisted", params))
        elif kafaalat.eligible:
            base = get_programmes().programme("kafaalat")["eligibility"]["pmt_cutoff"]
            name = (
                "utter_eligible_disability"
                if (kafaalat.cutoff or 0) > base and (kafaalat.pmt_score or 0) > base
                else "utter_eligible"
            )
            replies.append(Reply(name, params))
        elif kafaalat.reason == "pmt_above_cutoff":
            resurvey = kafaalat.resurvey_from or date.today()
            replies.append(
                Reply(
                    "utter_not_eligible_pmt",
                    dict(params, resurvey_from=day_text(resurvey, language)),
                )
            )
        elif kafaalat.reason in (
            "excluded_government_employee",
            "excluded_spouse_government_employee",
        ):
            replies.append(Reply("utter_excluded_government_employee"))
        else:
            replies.append(
                Reply(
                    "utter_excluded_other",
                    {"reason": label("exclusion", kafaalat.reason, language)},
                )
            )
    wazaif = report.programmes.get("taleemi_wazaif")
    if wazaif is not None:
        children = [m for m in wazaif.members if m.eligible]
        if children:
            replies.append(
                counted("utter_eligible_children", len(children), {"children": len(children)})
            )
    nashonuma = report.programmes.get("nashonuma")
    if nashonuma is not None and nashonuma.eligible:
        replies.append(Reply("utter_eligible_nashonuma"))
    return replies


_WITHHELD = {
    "biometric_failure": ("utter_payment_withheld_biometric", "biometric_failure"),
    "cnic_expired": ("utter_payment_withheld_cnic_expired", None),
}


def payment_replies(
    inst: Optional[registry.InstalmentView], language: str, asked: str = ""
) -> StatusAnswer:
    if inst is None:
        return StatusAnswer([Reply("utter_payment_none")])
    params = {
        "programme": get_programmes().name(inst.programme, language),
        "quarter": inst.quarter,
        "amount": money(inst.amount),
        "date": day_text(inst.date, language),
        "bank": inst.bank or "-",
    }
    complained = bool(_NOT_RECEIVED.search(asked or ""))
    if inst.status == "paid":
        offer = "payment_not_received" if complained else None
        return StatusAnswer(
            [Reply("utter_payment_paid", params)]
            + ([Reply("utter_offer_complaint")] if offer else []),
            offer,
        )
    if inst.status == "ready_for_collection":
        return StatusAnswer([Reply("utter_payment_ready", params)])
    if inst.status == "withheld":
        response, offer = _WITHHELD.get(inst.reason or "", ("utter_payment_withheld_other", None))
        params["reason"] = label("withheld", inst.reason or "other", language)
        replies = [Reply(response, params)]
        if offer:
            replies.append(Reply("utter_offer_complaint"))
        return StatusAnswer(replies, offer)
    return StatusAnswer(
        [Reply("utter_payment_failed", params), Reply("utter_offer_complaint")],
        "payment_not_received",
    )


def answer(session: Session, cnic: str, flow: str, language: str, asked: str = "") -> StatusAnswer:
    """What to say for `flow` (eligibility, payment, or status = both) about a verified CNIC
    (the digits or their vault reference)."""
    cnic = real_cnic(session, cnic) or cnic
    result = StatusAnswer()
    if flow in ("eligibility", "status"):
        result.replies += eligibility_replies(registry.check_eligibility(session, cnic), language)
    if flow in ("payment", "status"):
        payment = payment_replies(registry.latest_instalment(session, cnic), language, asked)
        if (
            flow == "status"
            and payment.replies
            and payment.replies[0].response == "utter_payment_none"
        ):
            return result
        result.replies += payment.replies
        result.offer_category = payment.offer_category
    return result
