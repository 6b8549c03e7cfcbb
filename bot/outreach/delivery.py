"""How citizen messages leave the outbox: the domain's texts, consent, SMS instead, history.

The core outbox sends and retries; these are the rules it is given: a message is
rendered from domain.yml for its channel (a call: the voice form), an announcement or a
notice goes only to someone who has not said STOP since it was queued, a notice waits out
the quiet hours (bot.outreach.notices), a failed WhatsApp announcement goes by SMS to
the same number once, and a ticket's message that went out is a line of its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping, Optional

from sqlalchemy.orm import Session

from bot.core import outbox
from bot.core.outbox import DeliverySummary, OutboxMessage, Rules, Sender, message_params
from bot.language.i18n import Responses, load_responses, render
from bot.outreach import notices
from bot.outreach.consent import may_announce
from bot.tickets.notify import ANNOUNCEMENT, record_sent

# An automated call (a notice to a household that only ever called) reads the voice form.
SPOKEN = {notices.CALL: "twilio_voice"}


def _allowed(session: Session, message: OutboxMessage, params: Mapping[str, Any]) -> bool:
    if notices.is_notice(message):
        return notices.still_wanted(session, message)
    if message.response != ANNOUNCEMENT:
        return True
    # Her STOP on WhatsApp still counts for the SMS sent instead.
    address = str(params.get("consent_address") or message.recipient)
    return may_announce(session, message.channel, address)


def _hold(session: Session, message: OutboxMessage, now: datetime) -> Optional[datetime]:
    """Notices wait out the quiet hours and keep to one a household a day."""
    return notices.hold_until(session, message, now) if notices.is_notice(message) else None


def _sms_instead(session: Session, message: OutboxMessage, now: datetime) -> bool:
    """A failed WhatsApp announcement goes by SMS to the same number, once."""
    if message.response != ANNOUNCEMENT or not message.recipient.startswith("whatsapp:"):
        return False
    phone = message.recipient[len("whatsapp:") :]
    params = {k: v for k, v in message_params(message).items() if k != "template"}
    params["consent_address"] = message.recipient
    session.add(
        outbox.message(
            message.channel,
            phone,
            message.language,
            message.response,
            f"{message.dedupe_key}:sms",
            now,
            params=params,
        )
    )
    return True


def rules(responses: Optional[Responses] = None) -> Rules:
    """The outbox rules for citizen messages, texts from `responses` (domain.yml by default)."""
    texts = responses or load_responses()

    def text(message: OutboxMessage, params: Mapping[str, Any]) -> str:
        channel = SPOKEN.get(message.channel, message.channel)
        return render(message.response, message.language, channel, responses=texts, **params)

    return Rules(render=text, allowed=_allowed, hold=_hold, instead=_sms_instead, sent=record_sent)


def deliver_one(
    session: Session,
    message_id: int,
    senders: Mapping[str, Sender],
    now: datetime,
    responses: Optional[Responses] = None,
) -> Optional[bool]:
    """Send one queued message now; True sent, False failed, None not ours to send."""
    return outbox.deliver_one(session, message_id, senders, now, rules(responses))


def deliver_pending(
    session_factory: Callable[[], Session],
    senders: Mapping[str, Sender],
    now: Optional[datetime] = None,
    responses: Optional[Responses] = None,
    limit: int = 100,
    worker: Optional[str] = None,
    clock: Optional[Callable[[], datetime]] = None,
) -> DeliverySummary:
    """Claim and send due citizen messages whose channel has a sender (bot.core.outbox)."""
    return outbox.deliver_pending(
        session_factory, senders, rules(responses), now, limit, worker=worker, clock=clock
    )
