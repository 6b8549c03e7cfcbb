"""A webhook delivered again (Twilio and Telegram retry): each message answered once.

`bot.channels.store.claim` lets one delivery handle a message. Two cases need more:

* a retry while the first delivery is still being answered (the provider gave up waiting)
  waits a little for that answer and gives the same one (`wait_for_reply`);
* a retry after the first handler died before saving its answer (Rasa killed mid-message:
  `Claim.resumed`) must not feed the message to the assistant a second time when it had
  already reached the conversation: the answer is then read back from the conversation
  (`answered_in_conversation`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

from bot.channels import store
from bot.channels.store import run_db

WAIT_FOR_REPLY_SECONDS = 10.0


async def wait_for_reply(
    channel: str, key: str, timeout: float = WAIT_FOR_REPLY_SECONDS
) -> Optional[str]:
    """The reply of the delivery already handling `key`, once it is saved (or None)."""
    deadline = time.monotonic() + timeout
    while True:
        reply = await run_db(store.stored_reply, channel, key)
        if reply is not None or time.monotonic() >= deadline:
            return reply
        await asyncio.sleep(0.5)


def _bot_message(event: Any) -> Dict[str, Any]:
    data = {k: v for k, v in (getattr(event, "data", None) or {}).items() if v}
    return {"text": event.text, **data} if event.text else data


async def answered_in_conversation(
    app: Any, sender: str, message_id: str
) -> Optional[List[Dict[str, Any]]]:
    """The assistant's messages after the user message `message_id`, if the conversation
    has it; None when the message never reached the conversation."""
    from rasa.shared.core.events import BotUttered, UserUttered

    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - no store: treat as not reached (answer it now)
        return None
    if tracker is None:
        return None
    found = False
    messages: List[Dict[str, Any]] = []
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            messages.append(_bot_message(event))
    return messages if found else None
