"""What the channels say themselves (domain.yml's channel_* and voice_* responses) and the
conversation's language."""

from __future__ import annotations

import logging
from typing import Any, Optional

from bot.language import i18n

logger = logging.getLogger(__name__)


def say(name: str, language: Optional[str], channel: Optional[str] = None, **params: Any) -> str:
    """Render one of the channel texts in `language` (default language if unknown)."""
    lang = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return i18n.render(name, lang, channel, **params)


def _heard_in(text: Optional[str]) -> Optional[i18n.Heard]:
    """The language of a message Rasa has not parsed (it may be down), by the NLU's rule."""
    if not text:
        return None
    from bot.nlu.langid import detect_with_confidence

    guess = detect_with_confidence(text)
    return i18n.Heard(guess.code, sure=guess.confidence >= i18n.TENTATIVE_BELOW)


async def conversation_language(app: Any, sender_id: str, text: Optional[str] = None) -> str:
    """The language the assistant answers this conversation in (bot.language.i18n decides).

    The language slot when the person chose one, else the language of their latest
    message with words in it: the slot alone is empty for most conversations, which
    would put channel texts (the SMS "MORE" hint, errors) in the default language
    under replies in Urdu script. `text`: a message not in the conversation yet (Rasa
    may be down), counted as the latest.
    """
    now = _heard_in(text)
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # no agent (tests), store down: fall back, never fail
        tracker = None
    chosen = tracker.get_slot("language") if tracker is not None else None
    if now is not None and now.language is not None and chosen not in i18n.LANGUAGES:
        # A CNIC or a date alone has no language: the conversation's own decides.
        if now.sure or tracker is None:
            return i18n.effective_language(None, [now])
    if tracker is None:
        return i18n.DEFAULT_LANGUAGE
    return i18n.conversation_language(chosen, tracker.events)


async def keyword_reply_language(app: Any, sender_id: str, text: str) -> str:
    """The language to confirm a STOP or START in: the conversation's once she has said
    something (a bare "stop" keeps it), else the language the keyword is written in, so
    "Stop" as the very first message is answered in English."""
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # no agent (tests), store down: the message alone decides
        tracker = None
    chosen = tracker.get_slot("language") if tracker is not None else None
    if chosen in i18n.LANGUAGES or (tracker is not None and _said_something(tracker.events)):
        return await conversation_language(app, sender_id)
    now = _heard_in(text)
    return i18n.effective_language(None, [now] if now is not None else [])


def _said_something(events: Any) -> bool:
    """Whether the conversation has a user message (Rasa's events or serialised ones)."""
    for event in events or ():
        kind = event.get("event") if isinstance(event, dict) else getattr(event, "type_name", None)
        if kind == "user":
            return True
    return False
