"""What nginx answers for Rasa when an action server is down or fails: apologise, forget the message.

nginx sends a failed action call here (error_page on the actions listener) with the original
request body. The reply always tells Rasa to say `utter_action_failed` ("send your message
again in a minute"), to forget the citizen's message (rewind) and to wait for the next one
(followup action_listen), so the re-sent message continues the conversation where it was.

Form validation (`validate_<form>`): Rasa's FormAction calls it from inside its own run and
adds its own events after ours (the next question), so the reply also stops the form first:

* form already active before the message (validating a reply): `action_execution_rejected`
  for the form - the FormAction neither asks its next slot nor deactivates;
* form being activated by this message: `active_loop null` - the FormAction ends instead of
  asking its first slot; the citizen's re-sent message starts the form again.

The slots taken from the message are set to null (none of them is carried past the rewind by
the FormAction).

A rewind does not always go back just one message: when a form ran in the same turn (e.g. the
form was completed and the submit action after it failed), Rasa's tracker folds the turns
inside the form (`DialogueStateTracker.applied_events`), so the rewind undoes the whole form
up to the message that started it. The reply therefore replays the tracker with Rasa's own
code and, after the rewind, sets back the slots and the active form the conversation had just
before the citizen's message.

    python -m bot.rasa_plugins.action_fallback --host 127.0.0.1 --port 7106

With `--upstream URL` it is also the proxy in front of the action server (the embedded
default has no nginx): each action call goes to the action server, and the same stand-in
reply is given when that fails as nginx's `error_page` would (connection refused, time-out,
5xx); 400 (a form's validation rejected) and 404 pass through as nginx passes them.

    python -m bot.rasa_plugins.action_fallback --port 5056 --upstream http://127.0.0.1:5055/webhook
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple

from bot.core.httpserve import HOP_BY_HOP, serve, threaded_server

logger = logging.getLogger(__name__)

APOLOGY = "utter_action_failed"
REQUESTED_SLOT = "requested_slot"
VALIDATE_PREFIX = "validate_"
FORGET: List[Dict[str, Any]] = [
    {"event": "rewind"},
    {"event": "followup", "name": "action_listen"},
]
Event = Dict[str, Any]
UPSTREAM_TIMEOUT = 10.0


def slots_since_last_user(events: List[Event]) -> List[str]:
    """Slots set after the latest user message (in order, each once), except requested_slot."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    names: List[str] = []
    for event in events[last_user + 1 :]:
        name = event.get("name")
        if event.get("event") == "slot" and name and name != REQUESTED_SLOT and name not in names:
            names.append(name)
    return names


def _form_marker(events: List[Event], form: str) -> Optional[int]:
    """Index of the last `action <form>` event (FormAction adds one before validating)."""
    found = [
        i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == form
    ]
    return found[-1] if found else None


def activated_in_this_call(events: List[Event], form: str) -> bool:
    """True when FormAction is validating while activating `form` (its `_activate_loop`).

    Rasa then builds the tracker as: ..., active_loop <form>, extracted slots, slot
    requested_slot, action <form>, prefilled slots. When validating a reply to an active form
    there is no `active_loop` event between the previous events and that marker."""
    marker = _form_marker(events, form)
    if marker is None:
        return False
    for event in reversed(events[:marker]):
        if event.get("event") == "slot":
            continue
        return event.get("event") == "active_loop" and event.get("name") == form
    return False


def _split_validation_call(events: List[Event], form: str) -> List[Event]:
    """The tracker as Rasa's processor has it, without what FormAction added for the call
    (`slot requested_slot`, `action <form>` and the slots to validate)."""
    marker = _form_marker(events, form)
    if marker is None:
        return list(events)
    before = events[marker - 1] if marker else {}
    if before.get("event") == "slot" and before.get("name") == REQUESTED_SLOT:
        marker -= 1
    return list(events[:marker])


def _state(events: List[Event], names: List[str]) -> Tuple[Dict[str, Any], Optional[str]]:
    """Slot values and active form after `events`, replayed by Rasa's own tracker."""
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    slots = [AnySlot(name, mappings=[]) for name in names]
    tracker = DialogueStateTracker.from_dict("action-fallback", events, slots)
    return {name: tracker.get_slot(name) for name in names}, tracker.active_loop_name


def restore_after_rewind(events: List[Event], logged: List[Event]) -> List[Event]:
    """Events that, after the rewind at the end of `logged`, give back the slots and active
    form of the conversation just before its latest user message (`events`)."""
    names: List[str] = []
    for event in events + logged:
        name = event.get("name")
        if event.get("event") == "slot" and name and name not in names:
            names.append(name)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    try:
        wanted, wanted_loop = _state(events[:last_user], names)
        got, got_loop = _state(logged, names)
    except Exception:  # noqa: BLE001 - an odd tracker must not cost the apology
        logger.exception("could not replay the tracker; plain rewind")
        return []
    restore: List[Event] = [
        {"event": "slot", "name": name, "value": wanted[name]}
        for name in names
        if got[name] != wanted[name]
    ]
    if got_loop != wanted_loop:
        restore.append({"event": "active_loop", "name": wanted_loop})
    return restore


def reply_for(request: Dict[str, Any]) -> Dict[str, Any]:
    """The action-server reply that stands in for `request`'s failed action."""
    action = str(request.get("next_action") or "")
    tracker = request.get("tracker") or {}
    events: List[Event] = [e for e in tracker.get("events") or [] if isinstance(e, dict)]
    stop: List[Event] = []
    if action.startswith(VALIDATE_PREFIX):
        form = action[len(VALIDATE_PREFIX) :]
        stop += [
            {"event": "slot", "name": name, "value": None} for name in slots_since_last_user(events)
        ]
        prefix = _split_validation_call(events, form)
        if activated_in_this_call(events, form):
            stop.append({"event": "active_loop", "name": None})
            # Rasa logs `action <form>` (not rejected) before the form's events.
            logged = [*prefix, {"event": "action", "name": form}]
        else:
            stop.append({"event": "action_execution_rejected", "name": form})
            logged = prefix  # a rejected form is not logged as executed
    else:
        logged = [*events, {"event": "action", "name": action}] if action else list(events)
    rewind, listen = FORGET
    restore = restore_after_rewind(events, [*logged, *stop, rewind]) if events else []
    return {
        "events": [*stop, rewind, *restore, listen],
        "responses": [{"response": APOLOGY}],
    }


def parse_body(body: bytes, encoding: Optional[str]) -> Dict[str, Any]:
    """The action request; {} if it cannot be read (the reply is then the plain rewind)."""
    try:
        if (encoding or "").lower() == "gzip":
            body = gzip.decompress(body)
        parsed = json.loads(body or b"{}")
    except (OSError, ValueError, EOFError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def forward(
    upstream: str, body: bytes, headers: Dict[str, str], timeout: float = UPSTREAM_TIMEOUT
) -> Optional[Tuple[int, bytes, str]]:
    """The action server's (status, body, content type); None when it failed as nginx
    counts a failure (no connection, time-out, 5xx)."""
    request = urllib.request.Request(upstream, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read(), r.headers.get("Content-Type", "application/json")
    except urllib.error.HTTPError as e:
        if e.code >= 500:
            return None
        return e.code, e.read(), e.headers.get("Content-Type", "application/json")
    except (OSError, ValueError):  # refused, reset, time-out (socket.timeout is an OSError)
        return None


class FallbackHandler(BaseHTTPRequestHandler):
    """POST (any path): the action server's answer, or the stand-in reply; GET /health: ok."""

    protocol_version = "HTTP/1.1"  # keep-alive with nginx's upstream pool
    server_version = "madadgar-action-fallback"
    upstream: Optional[str] = None

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.upstream:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            query = self.path.partition("?")[2]  # e.g. a token Rasa sends in the URL
            url = f"{self.upstream}?{query}" if query else self.upstream
            answered = forward(url, body, headers)
            if answered is not None:
                status, payload, content_type = answered
                self._send(status, payload, content_type)
                return
        request = parse_body(body, self.headers.get("Content-Encoding"))
        reply = reply_for(request)
        logger.warning(
            "action %s failed for a conversation; answered %s",
            request.get("next_action"),
            [e["event"] for e in reply["events"]],
        )
        self._send(200, json.dumps(reply).encode(), "application/json")

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?")[0] == "/health":
            self._send(200, b"ok\n", "text/plain")
        else:
            self._send(404, b"not found\n", "text/plain")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # no access log: nginx keeps one


def make_server(host: str, port: int, upstream: Optional[str] = None) -> ThreadingHTTPServer:
    """A threaded server bound to `host`:`port` (port 0: any free port); with `upstream`,
    the proxy in front of that action server."""
    return threaded_server(host, port, FallbackHandler, upstream=upstream)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", help="action server webhook URL to proxy to")
    args = parser.parse_args(argv)
    return serve(make_server(args.host, args.port, args.upstream), "action fallback")


if __name__ == "__main__":
    raise SystemExit(main())
