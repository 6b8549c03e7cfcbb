"""Keeps the assistant silent in a conversation staff have taken over (bot.live).

Each channel asks `staff_have_it` before passing a message to Rasa. The conversation's
tracker is paused (Rasa's ConversationPaused event) while staff have it and resumed
(ConversationResumed) once it is handed back, so Rasa itself logs the citizen's messages
without predicting a reply; the channel also drops anything that would still be said.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.shared.core.events import ConversationPaused, ConversationResumed

from bot.channels.store import run_db
from bot.channels.unanswered import register_takeover_check
from bot.core.conversations import TELEGRAM, conversation_id, twilio_conversation_id
from bot.core.db import session_scope
from bot.live import service as live
from bot.live.models import TAKEN_OVER

logger = logging.getLogger(__name__)


def _state(sender_id: str) -> Optional[str]:
    """The live state (None: never with staff, so the tracker needs no look)."""
    with session_scope() as session:
        row = live.get(session, sender_id)
        return row.state if row else None


def _taken_over_check(channel: str, sender: str) -> bool:
    """For bot.channels.unanswered: the channel's own sender, qualified as Rasa's id."""
    if channel == "twilio":
        conversation = twilio_conversation_id(sender)
    elif channel == "telegram":
        conversation = conversation_id(TELEGRAM, sender)
    else:
        conversation = sender
    with session_scope() as session:
        return live.is_taken_over(session, conversation)


register_takeover_check(_taken_over_check)


async def staff_have_it(app: Any, sender_id: str) -> bool:
    """True while staff answer this conversation; Rasa's tracker is paused to match."""
    state = await run_db(_state, sender_id)
    taken = state == TAKEN_OVER
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    processor = getattr(agent, "processor", None)
    if state is None or processor is None:  # never with staff; or the tests' stand-in
        return taken
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await processor.get_tracker(sender_id)
            if tracker.is_paused() != taken:
                tracker.update(ConversationPaused() if taken else ConversationResumed())
                await processor.save_tracker(tracker)
    except Exception:  # the channel still keeps the assistant silent
        logger.exception("Could not %s the conversation", "pause" if taken else "resume")
    return taken
