"""A message that carries a valid CNIC is giving it, whatever else the classifier reads in it.

"sorry wrong number. correct is 32303-9900001-2" reads like a "no" to a classifier; "ji
32303-9900001-2" like a "yes". Both give a CNIC, so they are `inform`, and the assistant
takes the number instead of answering the small talk. Questions that come with a CNIC
("meri qist nahi aayi 32303-…") keep their intent: the flow they start uses the CNIC.
"""

from __future__ import annotations

from typing import Iterable, Optional

# Intents whose flow uses a CNIC given with them; any other intent carrying a CNIC
# ("sorry wrong number", "ji", a stray "update my details") is the person giving it.
USES_CNIC = frozenset(
    {
        "payment_status",
        "check_eligibility",
        "report_deduction",
        "report_biometric_failure",
        "register_complaint",
        "talk_to_human",
        "ticket_status",
        "inform",
    }
)


def intent_with_data(intent: Optional[str], entity_types: Iterable[str]) -> Optional[str]:
    """`inform` when a message carries a CNIC its intent would not use; else `intent`."""
    if intent not in USES_CNIC and "cnic" in set(entity_types):
        return "inform"
    return intent
