"""Channel response texts (responses.yml) and the conversation's language."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

from bot import i18n

logger = logging.getLogger(__name__)

RESPONSES_FILE = str(Path(__file__).with_name("responses.yml"))


def say(name: str, language: Optional[str], channel: Optional[str] = None, **params: Any) -> str:
    """Render one of the channel texts in `language` (default language if unknown)."""
    lang = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return i18n.render(name, lang, channel, responses=i18n.load_responses(RESPONSES_FILE), **params)


async def conversation_language(app: Any, sender_id: str) -> str:
    """The language slot of the sender's conversation, from Rasa's tracker store."""
    try:
        agent = app.ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
        value = tracker.get_slot("language") if tracker else None
    except Exception:  # no agent (tests), no slot, store down: fall back, never fail
        value = None
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
