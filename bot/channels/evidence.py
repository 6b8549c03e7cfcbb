"""Media a citizen sends on a channel, placed as evidence (bot.evidence) and acknowledged.

The channel gives a way to fetch each file (Twilio's MediaUrlN with the account's
credentials, Telegram's getFile); this module fetches it off the event loop, places it
and returns the texts that tell the citizen, in her language, what went on which ticket.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, List, Optional

from bot.channels.store import run_db
from bot.core.db import session_scope
from bot.core.identifiers import mask_phone
from bot.evidence import service as evidence
from bot.evidence.media import Media, MediaRefused
from bot.language import i18n

logger = logging.getLogger(__name__)

Fetch = Callable[[], Media]


async def complaint_open(app: Any, sender_id: str) -> bool:
    """True while the assistant is asking the questions of a complaint."""
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    except Exception:  # no agent (tests), store down: treat as no complaint in progress
        return False
    return getattr(tracker, "active_loop_name", None) == "complaint_form"


def _place(
    sender_id: str,
    channel: str,
    phone: Optional[str],
    text: str,
    media: Media,
    language: str,
    open_complaint: bool,
) -> evidence.Placement:
    with session_scope() as session:
        return evidence.place(
            session, sender_id, channel, phone, text, media, language, open_complaint
        )


async def receive(
    app: Any,
    sender_id: str,
    channel: str,
    phone: Optional[str],
    text: str,
    language: str,
    files: List[Fetch],
) -> List[str]:
    """Fetch and place each file; the texts to answer (one refusal at most)."""
    open_complaint = await complaint_open(app, sender_id)
    replies: List[str] = []
    refused = False
    for fetch in files:
        try:
            media = await asyncio.to_thread(fetch)
        except MediaRefused as error:
            logger.warning("Media from %s refused: %s", mask_phone(phone or ""), error.reason)
            refused = True
            continue
        placed = await run_db(
            _place, sender_id, channel, phone, text, media, language, open_complaint
        )
        logger.info(
            "Evidence (%s, %d bytes) from %s: %s %s",
            media.content_type,
            media.size,
            mask_phone(phone or ""),
            placed.response,
            placed.ticket_number or "",
        )
        replies.append(i18n.render(placed.response, language, channel, **placed.params))
    if refused:
        replies.append(i18n.render("utter_evidence_refused", language, channel))
    return list(dict.fromkeys(replies))
