"""The REST channel (terminal chat, tests): loopback callers with the token only, its own
conversations (`rest:<sender>`), CNICs vaulted before Rasa sees a message.

Same name and path as Rasa's stock `rest` (/webhooks/rest/webhook). Rasa's takes the
sender, the input channel and the metadata from the request body, so anyone who reached
it could speak in an SMS citizen's conversation, claim her phone as metadata, and be
verified by the phone on record. Here the sender only names a REST conversation, the
channel is always `rest` and the body's metadata is dropped. `vaulted` wraps the
`on_new_message` callback of any of our connectors the same way.

When Rasa answers a message with nothing (an action failed with no fallback standing in,
or its processing broke), the caller gets the `channel_unavailable` apology and the message
is taken back out of the conversation, as on the other channels (bot.channels.unanswered).
"""

from __future__ import annotations

import contextvars
import hmac
import ipaddress
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.store import run_db
from bot.channels.unanswered import apology_for, forget_unanswered, taken_over
from bot.core import logging_setup
from bot.core.conversations import REST, conversation_id
from bot.core.settings import get_settings
from bot.privacy.vault import substitute_text

# Rasa imports this module when it starts (credentials.yml always enables `rest`): from
# then on every log record of the Rasa server is masked.
logging_setup.install()

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
TOKEN_HEADER = "Authorization"
# The Sanic app of the request being answered (set by the blueprint's middleware, which
# runs in the handler's task): the apology reads the conversation's language through it.
_current_app: contextvars.ContextVar[Any] = contextvars.ContextVar("rest_app", default=None)


def token_header(token: str) -> Dict[str, str]:
    """The header a REST client sends (bot.cli.chat, the tests)."""
    return {TOKEN_HEADER: f"Bearer {token}"}


def is_loopback(address: Optional[str]) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def may_send(request: Request, token: str) -> bool:
    """A caller on this machine (the peer address, not a forwarded one) with the token."""
    given = (request.headers.get(TOKEN_HEADER) or "").encode()
    expected = token_header(token)[TOKEN_HEADER].encode()
    return is_loopback(request.ip) and hmac.compare_digest(given, expected)


def vaulted(on_new_message: OnNewMessage) -> OnNewMessage:
    """`on_new_message` that first replaces each valid CNIC in the text by its reference."""

    async def handle(message: UserMessage) -> Any:
        if message.text:
            message.text = await run_db(substitute_text, message.text)
        return await on_new_message(message)

    return handle


def never_silent(on_new_message: OnNewMessage) -> OnNewMessage:
    """`on_new_message` after which a message Rasa left unanswered gets the apology."""

    async def handle(message: UserMessage) -> Any:
        typed = message.text or ""
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - Rasa's REST channel would answer [] here
            logger.exception("Could not answer a REST message")
        collector = message.output_channel
        if getattr(collector, "messages", None) or not typed.strip():
            return None
        sender = message.sender_id or ""
        if await run_db(taken_over, REST, sender):
            return None  # staff answer this conversation
        logger.warning("Rasa answered nothing to a REST message; sending the apology")
        app = _current_app.get()
        await forget_unanswered(app, sender)
        text = await apology_for(app, REST, sender, typed)
        await collector.send_text_message(sender, text)
        return None

    return handle


class VaultedRestInput(RestInput):
    """Rasa's REST channel; the tracker store gets CNIC references, never the digits."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> RestInput:
        """Rasa builds every connector at start: the first place our code runs in it, so
        Rasa refuses to start here with a placeholder secret outside demo mode."""
        get_settings().check_production()
        return cls()

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = req.json.get("sender")
        return conversation_id(REST, str(sender)) if sender else None

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(never_silent(vaulted(on_new_message)))
        token = get_settings().REST_CHANNEL_TOKEN

        @bp.middleware("request")
        async def loopback_with_token(request: Request) -> Optional[HTTPResponse]:
            _current_app.set(request.app)
            if request.method == "GET" or may_send(request, token):
                return None  # GET is the connector's health check
            logger.warning("Refused a REST message from %s", request.ip)
            return response.json({"error": "unauthorised"}, status=401)

        return bp
