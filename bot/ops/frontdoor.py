"""The embedded default's front door: passes every request to Rasa, apologises while Rasa is down.

On the production stack nginx stands before several Rasa replicas; the embedded default
(`make run`) has one Rasa, which takes a minute or more to load its model again after a
crash. This small server owns the public Rasa port and forwards everything to Rasa's
internal port. When Rasa cannot be reached it answers each channel the way the channel
expects, so the citizen is told to send again in a minute (or to call the helpline)
instead of meeting silence:

* SMS / WhatsApp: TwiML with `channel_unavailable`, in the language of the message;
* voice: the voice variant, then a pause and a redirect to the same step (the call waits);
* Telegram: a `sendMessage` method call as the webhook's answer;
* the REST channel (terminal chat): the same JSON list Rasa returns.

Twilio and Telegram requests are checked (signature, secret token) before anything is
answered; nothing is claimed, so the re-sent message is answered once, by Rasa. Like
nginx's public server, only the channel webhooks are forwarded for non-loopback clients.

    python -m bot.ops.frontdoor --port 5005 --upstream http://127.0.0.1:5006
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import json
import logging
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs

from bot.core.httpserve import HOP_BY_HOP, serve, threaded_server

logger = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/webhooks/twilio/", "/webhooks/twilio_voice/", "/webhooks/telegram/")
UPSTREAM_TIMEOUT = 120.0  # Rasa answers a message in seconds; a hung Rasa is "down"
VOICE_WAIT_SECONDS = 15


def _language_of(text: str) -> Optional[str]:
    from bot.nlu.langid import detect_language

    return detect_language(text) if text.strip() else None


def _apology(language: Optional[str], channel: str) -> str:
    from bot.channels.unanswered import apology

    return apology(language, channel)


def standin(
    path: str, query: str, body: bytes, headers: Dict[str, str], public_base_url: str
) -> Optional[Tuple[int, str, bytes]]:
    """(status, content type, body) answering a request Rasa could not take; None for
    requests that get a plain 503."""
    from bot.core.settings import get_settings

    settings = get_settings()
    route = path.rstrip("/")
    if route in ("/webhooks/twilio/webhook", "/webhooks/twilio_voice/webhook"):
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        if not _signed_by_twilio(path, query, form, headers, settings, public_base_url):
            return 403, "text/plain", b"forbidden"
        if route.endswith("twilio/webhook"):
            if "MessageStatus" in form:
                return 503, "text/plain", b"rasa restarting"  # Twilio retries status callbacks
            text = (form.get("Body") or "").strip()
            return (
                200,
                "text/xml",
                _twiml_message(_apology(_language_of(text), "twilio") if text else ""),
            )
        language = _call_language(form.get("CallSid") or "")
        url = public_base_url.rstrip("/") + path + (f"?{query}" if query else "")
        return 200, "text/xml", _twiml_voice(_apology(language, "twilio_voice"), language, url)
    if route == "/webhooks/telegram/webhook":
        given = headers.get("x-telegram-bot-api-secret-token", "")
        secret = settings.TELEGRAM_SECRET_TOKEN or ""
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return 403, "text/plain", b"forbidden"
        update = json.loads(body or b"{}")
        message = update.get("message") or update.get("edited_message") or {}
        chat = (message.get("chat") or {}).get("id")
        if chat is None:
            return 200, "text/plain", b"ok"
        text = str(message.get("text") or "")
        reply = {
            "method": "sendMessage",
            "chat_id": chat,
            "text": _apology(_language_of(text), "telegram"),
        }
        return 200, "application/json", json.dumps(reply, ensure_ascii=False).encode()
    if route == "/webhooks/rest/webhook":
        request = json.loads(body or b"{}")
        text = str(request.get("message") or "")
        if not text.strip():
            return 200, "application/json", b"[]"
        reply = [
            {"recipient_id": request.get("sender"), "text": _apology(_language_of(text), "rest")}
        ]
        return 200, "application/json", json.dumps(reply, ensure_ascii=False).encode()
    return None


def _signed_by_twilio(
    path: str,
    query: str,
    form: Dict[str, str],
    headers: Dict[str, str],
    settings: Any,
    public_base_url: str,
) -> bool:
    from twilio.request_validator import RequestValidator

    signature = headers.get("x-twilio-signature", "")
    token = settings.TWILIO_AUTH_TOKEN
    if not (signature and token):
        return False
    url = public_base_url.rstrip("/") + path + (f"?{query}" if query else "")
    return bool(RequestValidator(token).validate(url, form, signature))


def _call_language(call_sid: str) -> Optional[str]:
    try:
        from bot.channels.store import load_call

        return load_call(call_sid).language if call_sid else None
    except Exception:  # noqa: BLE001 - the database may be down too: default language
        return None


def _twiml_message(text: str) -> bytes:
    from twilio.twiml.messaging_response import MessagingResponse

    answer = MessagingResponse()
    if text:
        answer.message(text)
    return str(answer).encode()


def _twiml_voice(text: str, language: Optional[str], url: str) -> bytes:
    from twilio.twiml.voice_response import VoiceResponse

    from bot.channels.voice_text import speakable

    answer = VoiceResponse()
    answer.say(speakable(text, language), language="ur-IN" if language == "ur" else "en-IN")
    answer.pause(length=VOICE_WAIT_SECONDS)
    answer.redirect(url, method="POST")
    return str(answer).encode()


class FrontDoorHandler(BaseHTTPRequestHandler):
    """Forwards to `upstream`; stands in when it cannot be reached."""

    protocol_version = "HTTP/1.1"
    server_version = "madadgar-frontdoor"
    upstream = "http://127.0.0.1:5006"
    public_base_url = "http://127.0.0.1:5005"

    def _send(self, status: int, content_type: str, payload: bytes, extra: Any = ()) -> None:
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.client_address[0]).is_loopback
        except ValueError:
            return False

    def _handle(self) -> None:
        path, _, query = self.path.partition("?")
        if not path.startswith(PUBLIC_PREFIXES) and not self._loopback():
            self._send(403, "text/plain", b"forbidden")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        request = urllib.request.Request(
            self.upstream + self.path, data=body or None, headers=headers, method=self.command
        )
        try:
            with urllib.request.urlopen(request, timeout=UPSTREAM_TIMEOUT) as r:
                status, payload, reply_headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, payload, reply_headers = e.code, e.read(), e.headers
        except (OSError, ValueError) as e:  # refused, reset, timed out: Rasa is down
            self._stand_in(path, query, body, e)
            return
        passed = [
            (k, v)
            for k, v in reply_headers.items()
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-type"
        ]
        content_type = reply_headers.get("Content-Type", "application/octet-stream")
        self._send(status, content_type, payload, passed)

    def _stand_in(self, path: str, query: str, body: bytes, error: Exception) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            answer = standin(path, query, body, headers, self.public_base_url)
        except Exception:  # noqa: BLE001 - a bad body must not cost the reply
            logger.exception("could not stand in for %s", path)
            answer = None
        logger.warning(
            "Rasa unreachable (%s) for %s: %s",
            type(error).__name__,
            path,
            "answered the apology" if answer and answer[0] == 200 else "503",
        )
        if answer is None:
            self._send(503, "text/plain", b"the assistant is restarting\n")
        else:
            self._send(*answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # Rasa logs the requests it serves


def make_server(
    host: str, port: int, upstream: str, public_base_url: Optional[str] = None
) -> ThreadingHTTPServer:
    """The front door on `host`:`port` (0: any free port) for Rasa at `upstream`."""
    public = public_base_url or f"http://{host}:{port}"
    return threaded_server(
        host, port, FrontDoorHandler, upstream=upstream.rstrip("/"), public_base_url=public
    )


def main(argv: Optional[List[str]] = None) -> int:
    from bot.core.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="Rasa's internal URL")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.upstream, get_settings().PUBLIC_BASE_URL)
    return serve(server, f"front door for {args.upstream}")


if __name__ == "__main__":
    raise SystemExit(main())
