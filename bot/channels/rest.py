"""The REST channel (terminal chat, tests) with CNICs vaulted before Rasa sees a message.

Same name and path as Rasa's stock `rest` (/webhooks/rest/webhook). `vaulted` wraps the
`on_new_message` callback of any of our connectors the same way.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.channels.store import run_db
from bot.core import logging_setup
from bot.privacy.vault import substitute_text

# Rasa imports this module when it starts (credentials.yml always enables `rest`): from
# then on every log record of the Rasa server is masked.
logging_setup.install()

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def vaulted(on_new_message: OnNewMessage) -> OnNewMessage:
    """`on_new_message` that first replaces each valid CNIC in the text by its reference."""

    async def handle(message: UserMessage) -> Any:
        if message.text:
            message.text = await run_db(substitute_text, message.text)
        return await on_new_message(message)

    return handle


class VaultedRestInput(RestInput):
    """Rasa's REST channel; the tracker store gets CNIC references, never the digits."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(vaulted(on_new_message))
