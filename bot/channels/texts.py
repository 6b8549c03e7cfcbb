"""Channel response texts (responses.yml) and the conversation's language."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

from bot.language import i18n

logger = logging.getLogger(__name__)

RESPONSES_FILE = str(Path(__file__).with_name("responses.yml"))


def say(name: str, language: Optional[str], channel: Optional[str] = None, **params: Any) -> str:
    """Render one of the channel texts in `language` (default language if unknown)."""
    lang = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return i18n.render(name, lang, channel, responses=i18n.load_responses(RESPONSES_FILE), **params)


async def conversation_language(app: Any, sender_id: str) -> str:
    """The language the assistant answers this conversation in (bot.language.i18n decides).

    The language slot when the person chose one, else the language of their latest
    message with words in it: the slot alone is empty for most conversations, which
    would put channel texts (the SMS "MORE" hint, errors) in the default language
    under replies in Urdu script.
    """
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return i18n.DEFAULT_LANGUAGE
        return i18n.conversation_language(tracker.get_slot("language"), tracker.events)
    except Exception:  # no agent (tests), store down: fall back, never fail
        return i18n.DEFAULT_LANGUAGE
