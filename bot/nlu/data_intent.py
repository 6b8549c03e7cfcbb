"""A message that carries a valid CNIC is giving it, whatever small talk comes with it.

"sorry wrong number. correct is 32303-9900001-2" reads like a "no" to a classifier; "ji
32303-9900001-2" like a "yes". Both give a CNIC, so they are `inform`, and the assistant
takes the number instead of answering the small talk. Questions that come with a CNIC
("meri qist nahi aayi 32303-…") keep their intent: the flow they start uses the CNIC.
"""

from __future__ import annotations

from typing import Iterable, Optional

# Intents that say nothing a CNIC next to them would not say better.
SMALL_TALK = frozenset(
    {
        "affirm",
        "deny",
        "greet",
        "thank",
        "goodbye",
        "bot_challenge",
        "out_of_scope",
        "nlu_fallback",
        "change_language",
    }
)


def intent_with_data(intent: Optional[str], entity_types: Iterable[str]) -> Optional[str]:
    """`inform` when a small-talk message carries a CNIC; otherwise `intent` unchanged."""
    if intent in SMALL_TALK and "cnic" in set(entity_types):
        return "inform"
    return intent
