"""A phone simulator: plays Twilio (SMS, WhatsApp, voice) or Telegram against a local Rasa server.

    python -m bot.channels.simulate sms --from +923001234567
    python -m bot.channels.simulate voice --say "dtmf:1" --say "meri qist nahi aayi"
    python -m bot.channels.simulate telegram --say /start --say lang:ur
    python -m bot.channels.simulate outbound     # the phones the helpline writes to or calls

Requests are signed with the server's own TWILIO_AUTH_TOKEN / TELEGRAM_SECRET_TOKEN
(and PUBLIC_BASE_URL for the URL Twilio would sign). Voice input: words are speech,
"dtmf:123#" or "#123" are keypad digits, an empty line is silence. Telegram replies
are caught by a local stand-in for the Bot API: start the server with
TELEGRAM_API_BASE_URL=http://127.0.0.1:8099/bot (see --bot-api-port).
"""

from __future__ import annotations

import argparse
import sys
import threading
import uuid
import xml.etree.ElementTree as ET
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import httpx

from bot.channels.simulate_telegram import FakeBotApi
from bot.channels.twilio_security import sign
from bot.core.settings import get_settings

PATHS = {
    "sms": "/webhooks/twilio/webhook",
    "whatsapp": "/webhooks/twilio/webhook",
    "voice": "/webhooks/twilio_voice/webhook",
    "telegram": "/webhooks/telegram/webhook",
}
Output = Callable[[str], None]


def _server_value(name: str) -> str:
    """The server's secret or URL: from the settings, else (demo mode) the demo value
    `make run` gives the server, so a second terminal needs no exports."""
    value = str(getattr(get_settings(), name) or "")
    if not value and get_settings().DEMO_MODE:
        from bot.core.environment import DEMO_CHANNEL_ENV

        value = DEMO_CHANNEL_ENV.get(name, "")
    return value


class Simulator:
    """One simulated phone talking to the server at `url`."""

    def __init__(self, mode: str, url: str, phone: str, out: Output = print) -> None:
        self.mode = mode
        self.url = url.rstrip("/")
        self.phone = phone
        self.out = out
        self.public = (_server_value("PUBLIC_BASE_URL") or self.url).rstrip("/")
        self.token = _server_value("TWILIO_AUTH_TOKEN")
        self.secret = _server_value("TELEGRAM_SECRET_TOKEN")
        self.client = httpx.Client(timeout=60)
        self.call_sid = "CA" + uuid.uuid4().hex
        self.next_action: Optional[str] = None
        self.ended = False
        self.update_id = int(uuid.uuid4().int % 1_000_000)

    def missing_env(self) -> List[str]:
        if self.mode == "telegram":
            return [] if self.secret else ["TELEGRAM_SECRET_TOKEN"]
        return [] if self.token else ["TWILIO_AUTH_TOKEN"]

    # ------------------------------------------------------------ Twilio

    def _post_twilio(self, public_url: str, params: Dict[str, str]) -> httpx.Response:
        local = (
            self.url + public_url[len(self.public) :]
            if public_url.startswith(self.public)
            else public_url
        )
        headers = {"X-Twilio-Signature": sign(self.token, public_url, params)}
        return self.client.post(local, data=params, headers=headers)

    def send_text(self, text: str, media: Optional[List[Tuple[str, str]]] = None) -> List[str]:
        """An SMS or WhatsApp message, with (url, content type) media; the TwiML reply's texts."""
        sender = f"whatsapp:{self.phone}" if self.mode == "whatsapp" else self.phone
        params = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": _server_value("TWILIO_SMS_FROM") or "+15005550006",
            "Body": text,
            "NumMedia": str(len(media or [])),
        }
        for i, (url, content_type) in enumerate(media or []):
            params[f"MediaUrl{i}"] = url
            params[f"MediaContentType{i}"] = content_type
        reply = self._post_twilio(self.public + PATHS["sms"], params)
        if reply.status_code != 200:
            return [f"[HTTP {reply.status_code}] {reply.text}"]
        root = ET.fromstring(reply.text)
        return [m.text or "" for m in root.iter("Message")]

    def voice(self, said: Optional[str]) -> List[str]:
        """One step of a call: None starts it; returns what the caller would hear."""
        params = {
            "CallSid": self.call_sid,
            "From": self.phone,
            "To": "+15005550006",
            "AccountSid": "AC" + "0" * 32,
        }
        if said is None:
            params["CallStatus"] = "ringing"
            target = self.public + PATHS["voice"]
        else:
            params["CallStatus"] = "in-progress"
            digits = _digits(said)
            if digits is not None:
                params["Digits"] = digits
            elif said.strip():
                params["SpeechResult"] = said.strip()
                params["Confidence"] = "0.9"
            target = self.next_action or self.public + PATHS["voice"]
        reply = self._post_twilio(target, params)
        if reply.status_code != 200:
            return [f"[HTTP {reply.status_code}] {reply.text}"]
        return self._read_twiml(reply.text)

    def _read_twiml(self, twiml: str) -> List[str]:
        heard: List[str] = []
        self.next_action = None
        for el in ET.fromstring(twiml).iter():
            if el.tag == "Say":
                heard.append(f"[{el.get('language', '')}] {el.text or ''}")
            elif el.tag == "Gather":
                self.next_action = el.get("action")
                heard.append(f"(listening: {el.get('input')} {el.get('language', '')})")
            elif el.tag == "Dial":
                heard.append(f"(dialling {el.text})")
                self.next_action = el.get("action")
                self.ended = True
            elif el.tag == "Hangup":
                heard.append("(hangs up)")
                self.ended = True
        return heard

    # ------------------------------------------------------------ Telegram

    def telegram(self, text: str, bot_api: Optional[FakeBotApi]) -> List[str]:
        """An update from this phone's Telegram user; returns the Bot API calls it caused."""
        self.update_id += 1
        user = {"id": int(self.phone.strip("+")[-9:]), "is_bot": False, "first_name": "Sim"}
        chat = {"id": user["id"], "type": "private"}
        if text.startswith("lang:") or text.startswith("button:"):
            data = text.split(":", 1)[1] if text.startswith("button:") else text
            update = {
                "update_id": self.update_id,
                "callback_query": {
                    "id": str(self.update_id),
                    "from": user,
                    "chat_instance": "1",
                    "data": data,
                    "message": {"message_id": 1, "date": 0, "chat": chat, "text": "..."},
                },
            }
        elif text == "contact":
            update = {
                "update_id": self.update_id,
                "message": {
                    "message_id": self.update_id,
                    "date": 0,
                    "chat": chat,
                    "from": user,
                    "contact": {
                        "phone_number": self.phone,
                        "first_name": "Sim",
                        "user_id": user["id"],
                    },
                },
            }
        else:
            update = {
                "update_id": self.update_id,
                "message": {
                    "message_id": self.update_id,
                    "date": 0,
                    "chat": chat,
                    "from": user,
                    "text": text,
                },
            }
        reply = self.client.post(
            self.url + PATHS["telegram"],
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
        )
        if reply.status_code != 200:
            return [f"[HTTP {reply.status_code}] {reply.text}"]
        return bot_api.drain() if bot_api else []


def _digits(said: str) -> Optional[str]:
    s = said.strip()
    if s.lower().startswith("dtmf:"):
        return s[5:].strip()
    if s.startswith("#"):
        return s[1:].strip()
    return None


def _inputs(says: List[str]) -> Iterator[str]:
    if says:
        yield from says
        return
    while True:
        try:
            yield input("you> ")
        except EOFError:
            return


def run(
    mode: str, url: str, phone: str, says: List[str], bot_api_port: int, out: Output = print
) -> int:
    sim = Simulator(mode, url, phone, out)
    missing = sim.missing_env()
    if missing:
        out(f"Set {', '.join(missing)} to the value the server uses (make run sets demo values).")
        return 2
    bot_api: Optional[FakeBotApi] = None
    if mode == "telegram":
        bot_api = FakeBotApi(bot_api_port).start()
        out(
            f"(Bot API stand-in on {bot_api.base_url}: run the server with "
            f"TELEGRAM_API_BASE_URL={bot_api.base_url})"
        )
    try:
        if mode == "voice":
            _show(out, sim.voice(None))
        for said in _inputs(says):
            if mode == "voice":
                if sim.ended:
                    break
                _show(out, sim.voice(said))
            elif mode == "telegram":
                _show(out, sim.telegram(said, bot_api))
            else:
                _show(out, sim.send_text(said))
    finally:
        if bot_api:
            bot_api.stop()
    return 0


def _show(out: Output, lines: List[str]) -> None:
    for line in lines:
        out(f"bot> {line}")


def outbound(port: int, out: Output = print) -> int:
    """Play the phones the helpline writes to or calls on its own (notices, ticket updates)."""
    from bot.channels.simulate_twilio import FakeTwilioRest

    api = FakeTwilioRest(port, out).start()
    out(f"(Twilio stand-in on {api.base_url}: the demo worker sends here; Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        api.stop()
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar simulate", description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=sorted([*PATHS, "outbound"]))
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument("--from", dest="phone", default="+923001234567", help="caller's number")
    parser.add_argument("--say", action="append", default=[], help="non-interactive input (repeat)")
    parser.add_argument("--bot-api-port", type=int, default=8099)
    parser.add_argument("--twilio-api-port", type=int, default=8098, help="for outbound")
    args = parser.parse_args(argv)
    if args.mode == "outbound":
        return outbound(args.twilio_api_port)
    return run(args.mode, args.url, args.phone, args.say, args.bot_api_port)


if __name__ == "__main__":
    sys.exit(main())
