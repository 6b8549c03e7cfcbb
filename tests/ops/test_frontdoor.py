"""The embedded default's front door: Rasa's answers passed on, an apology while Rasa is down."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, Tuple

import httpx
import pytest

from bot.channels.twilio_security import sign
from bot.core.settings import reset_settings
from bot.ops.frontdoor import make_server
from tests.auxil.servers import free_port

TOKEN = "frontdoor-twilio-token"
SECRET = "frontdoor-telegram-secret"


def _serve(server: ThreadingHTTPServer) -> ThreadingHTTPServer:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Echo(BaseHTTPRequestHandler):
    """Stands in for Rasa: answers each POST with what it received."""

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        payload = json.dumps({"path": self.path, "body": body.decode()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def door(monkeypatch, db_url) -> Iterator[Tuple[str, int]]:
    """A front door whose Rasa port has nothing listening; (its URL, that port)."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
    reset_settings()
    rasa_port = free_port()
    server = _serve(make_server("127.0.0.1", 0, f"http://127.0.0.1:{rasa_port}"))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    server.RequestHandlerClass.public_base_url = url
    try:
        yield url, rasa_port
    finally:
        server.shutdown()
        server.server_close()
        reset_settings()


def _sms(url: str, body: str, token: str = TOKEN) -> httpx.Response:
    params = {"MessageSid": "SM1", "From": "+923001234567", "To": "+1500", "Body": body}
    path = "/webhooks/twilio/webhook"
    headers = {"X-Twilio-Signature": sign(token, url + path, params)}
    return httpx.post(url + path, data=params, headers=headers)


@pytest.mark.parametrize(
    ("body", "sorry"),
    [("mere paise nahi aaye", "Maazrat"), ("میری قسط نہیں آئی", "معذرت"), ("hello", "Sorry")],
)
def test_an_sms_while_rasa_is_down_gets_the_apology_in_its_language(door, body, sorry) -> None:
    url, _ = door
    reply = _sms(url, body)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/xml")
    [text] = [m.text for m in ET.fromstring(reply.text).iter("Message")]
    assert text.startswith(sorry) and "0800-26477" in text


def test_a_forged_sms_gets_nothing(door) -> None:
    url, _ = door
    assert _sms(url, "hello", token="wrong").status_code == 403


def test_telegram_voice_and_the_terminal_chat_are_answered_too(door) -> None:
    url, _ = door
    update = {"update_id": 1, "message": {"chat": {"id": 42}, "text": "my payment?"}}
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    reply = httpx.post(url + "/webhooks/telegram/webhook", json=update, headers=headers).json()
    assert reply["method"] == "sendMessage" and reply["chat_id"] == 42
    assert reply["text"].startswith("Sorry")
    refused = httpx.post(url + "/webhooks/telegram/webhook", json=update)
    assert refused.status_code == 403

    params = {"CallSid": "CA1", "From": "+923001234567", "SpeechResult": "qist"}
    path = "/webhooks/twilio_voice/webhook?step=3"
    headers = {"X-Twilio-Signature": sign(TOKEN, url + path, params)}
    twiml = ET.fromstring(httpx.post(url + path, data=params, headers=headers).text)
    assert "helpline" in twiml.find("Say").text  # numbers are spoken as words
    assert twiml.find("Redirect").text == url + path  # the call waits, then goes on

    chat = httpx.post(url + "/webhooks/rest/webhook", json={"sender": "t1", "message": "hi"})
    assert chat.json()[0]["recipient_id"] == "t1" and "Sorry" in chat.json()[0]["text"]
    assert httpx.get(url + "/").status_code == 503  # health: not up while Rasa is down


def test_everything_is_passed_to_rasa_while_it_is_up(door) -> None:
    url, rasa_port = door
    rasa = _serve(ThreadingHTTPServer(("127.0.0.1", rasa_port), Echo))
    try:
        reply = _sms(url, "hello")
        assert reply.json()["path"] == "/webhooks/twilio/webhook"
        assert "Body=hello" in reply.json()["body"]
    finally:
        rasa.shutdown()
        rasa.server_close()
