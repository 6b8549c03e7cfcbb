"""When the assistant says nothing to a message: an apology with what to do, never silence.

Rasa answers nothing when an action fails and no fallback stood in for it, or when its
processing broke; the channels then send `channel_unavailable` (send again in a minute, or
the call centre's number and hours from config/programmes.yml) in the conversation's
language, or the language of the message itself when the conversation has none yet.

Silence stays right in two cases only: a blank message, which the channels handle before
asking Rasa, and a conversation staff have taken over (the console answers it). The live
takeover registers its check with `register_takeover_check`; until one is registered no
conversation counts as taken over.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, List, Optional

from bot.channels.texts import conversation_language, say

logger = logging.getLogger(__name__)

# (channel, sender) -> True while staff answer this conversation instead of the assistant.
TakeoverCheck = Callable[[str, str], bool]
_takeover_checks: List[TakeoverCheck] = []


def register_takeover_check(check: TakeoverCheck) -> None:
    """Hook for the live takeover: conversations it reports stay silent when unanswered."""
    if check not in _takeover_checks:
        _takeover_checks.append(check)


def taken_over(channel: str, sender: str) -> bool:
    return any(check(channel, sender) for check in _takeover_checks)


def apology(language: Optional[str], channel: str) -> str:
    """`channel_unavailable` with the call centre's number and hours filled in."""
    from bot.registry.programmes import get_programmes

    helpline = get_programmes().helpline
    hours = helpline.get("hours") or {}
    return say(
        "channel_unavailable",
        language,
        channel,
        call_centre=helpline.get("call_centre", ""),
        open=hours.get("open", ""),
        close=hours.get("close", ""),
    )


async def apology_for(app: Any, channel: str, sender: str, text: str) -> str:
    """The apology in the language this conversation is answered in."""
    return apology(await conversation_language(app, sender, text), channel)


async def forget_unanswered(app: Any, sender: str) -> None:
    """Take the message Rasa answered nothing to back out of the conversation, as the action
    fallback does (rewind, then the slots and form of the moment before), so the message
    the apology asks for continues the conversation where it was."""
    from rasa.shared.core.events import Event, UserUtteranceReverted

    from bot.rasa_plugins.action_fallback import restore_after_rewind

    try:
        agent = app.ctx.agent
        async with agent.lock_store.lock(sender):
            tracker = await agent.tracker_store.retrieve(sender)
            if tracker is None:
                return
            events = [e.as_dict() for e in tracker.events]
            if not any(e.get("event") == "user" for e in events):
                return
            restore = restore_after_rewind(events, [*events, {"event": "rewind"}])
            tracker.update(UserUtteranceReverted())
            for event in restore:
                tracker.update(Event.from_parameters(event))
            await agent.tracker_store.save(tracker)
    except Exception as e:  # noqa: BLE001 - the apology still goes out
        logger.warning("Could not take an unanswered message back: %s", type(e).__name__)
