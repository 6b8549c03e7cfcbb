"""Rasa stands in for a failed action call itself: the apology, the message taken back.

The embedded default used to put a proxy (bot.rasa_plugins.action_fallback --upstream)
between Rasa and the action server, only to answer for the action server when it fails:
one more process and HTTP hop on every action call (4.7 ms CPU per message measured from
outside, docs/PERFORMANCE.md). Here Rasa's own action call does it: when the call fails as
nginx counts a failure (no connection, a 5xx, no answer within `UPSTREAM_TIMEOUT`) the
reply is the one that proxy gives (`action_fallback.reply_for`: `utter_action_failed`, the
message rewound, a form stopped and its slots set back), so the citizen is never left
without an answer. A form's validation rejecting (400) and an unknown action (404) are
passed on as before.

Enabled by `stand_in: true` in the endpoints file's `action_endpoint` (bot.rasa_plugins.
endpoints writes it); applied when Rasa loads the project's NLG, like
bot.rasa_plugins.action_validation. On the production stack nginx stands in first.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, List

from aiohttp import ClientResponseError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, deserialise_events
from rasa.shared.exceptions import RasaException

from bot.rasa_plugins.action_fallback import UPSTREAM_TIMEOUT, reply_for

logger = logging.getLogger(__name__)

STAND_IN = "stand_in"
_call_action_server = RemoteAction.run


def _passed_on(error: BaseException) -> bool:
    """Failures nginx passes to Rasa rather than standing in: 4xx answers."""
    cause = error.__cause__
    return isinstance(cause, ClientResponseError) and cause.status < 500


async def run(
    self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any, *args: Any
) -> List[Event]:
    """RemoteAction.run; with `stand_in`, a failed call gets the fallback's reply."""
    endpoint = self.action_endpoint
    if endpoint is None or not (endpoint.kwargs or {}).get(STAND_IN):
        return await _call_action_server(self, output_channel, nlg, tracker, domain, *args)
    try:
        return await asyncio.wait_for(
            _call_action_server(self, output_channel, nlg, tracker, domain, *args),
            UPSTREAM_TIMEOUT,
        )
    except RasaException as e:
        if _passed_on(e) or type(e).__name__ == "ActionExecutionRejection":
            raise
        failure = type(e.__cause__ or e).__name__
    except asyncio.TimeoutError:
        failure = "TimeoutError"
    reply = reply_for(self._action_call_format(tracker, domain))
    logger.warning(
        "action %s failed (%s); answered %s",
        self.name(),
        failure,
        [e["event"] for e in reply["events"]],
    )
    said = await self._utter_responses(reply["responses"], output_channel, nlg, tracker)
    return [*said, *deserialise_events(reply["events"])]


def apply() -> None:
    RemoteAction.run = run  # type: ignore[method-assign]


apply()
