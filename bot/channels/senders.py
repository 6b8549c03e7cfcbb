"""Outbox senders: messages that start on our side (ticket updates) by SMS, WhatsApp, Telegram.

Each sender's `send(recipient, text)` blocks until the message is accepted and raises
on failure; the ticket outbox calls it from a worker, never inside an event loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Optional, Protocol

from rasa.core.channels.channel import OutputChannel

from bot.channels import store
from bot.channels.config import missing_settings, setting
from bot.core.conversations import address_of
from bot.core.identifiers import mask_phone, normalise_phone
from bot.core.settings import Settings

logger = logging.getLogger(__name__)


class Sender(Protocol):
    def send(self, recipient: str, text: str) -> Optional[str]: ...


class SendError(RuntimeError):
    """A message could not be handed over to Twilio or Telegram."""


TWILIO_API = "https://api.twilio.com"
# Clocks differ: look a little before the claim for a message Twilio created.
RECONCILE_SLACK = timedelta(minutes=2)


def _twilio_client(account_sid: str, auth_token: str, api_base: Optional[str] = None) -> Any:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    if not api_base:
        return Client(account_sid, auth_token)
    base = api_base.rstrip("/")

    class RebasedHttpClient(TwilioHttpClient):
        """Sends what the library addresses to api.twilio.com to `api_base` instead."""

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            if url.startswith(TWILIO_API):
                url = base + url[len(TWILIO_API) :]
            return super().request(method, url, *args, **kwargs)

    return Client(account_sid, auth_token, http_client=RebasedHttpClient(timeout=30))


class TwilioSmsSender:
    """Plain SMS through Twilio's REST API."""

    def __init__(
        self,
        client_factory: Callable[[], Any],
        from_number: str,
        status_callback: Optional[str] = None,
    ) -> None:
        self._client_factory = client_factory
        self._client: Any = None
        self.from_number = from_number
        self.status_callback = status_callback

    @property
    def client(self) -> Any:
        if self._client is None:  # created on first send, never at import or start-up
            self._client = self._client_factory()
        return self._client

    def _create(self, **params: Any) -> str:
        if self.status_callback:
            params["status_callback"] = self.status_callback
        message = self.client.messages.create(**params)
        if getattr(message, "error_code", None):
            raise SendError(f"Twilio refused the message: {message.error_code}")
        return str(getattr(message, "sid", ""))

    def send(self, recipient: str, text: str, template: Optional[str] = None) -> Optional[str]:
        to = normalise_phone(recipient) or recipient.replace("whatsapp:", "")
        sid = self._create(to=to, from_=self.from_number, body=text)
        logger.info("SMS %s sent to %s", sid, mask_phone(to))
        return sid

    def sent_already(self, recipient: str, text: str, since: datetime) -> Optional[str]:
        to = normalise_phone(recipient) or recipient.replace("whatsapp:", "")
        return self.find(to, text, since)

    def find(self, to: str, text: str, since: datetime) -> Optional[str]:
        """The SID of `text` to `to` from our number that Twilio accepted since `since`."""
        # Newest first; a queued message has no DateSent yet, so filter on creation here.
        for message in self.client.messages.list(to=to, from_=self.from_number, limit=50):
            created = getattr(message, "date_created", None)
            if created is not None and created < since - RECONCILE_SLACK:
                break
            if (message.body or "") == text:
                return str(message.sid)
        return None


class TwilioWhatsAppSender:
    """WhatsApp through Twilio: free text inside the 24-hour window, else the template or SMS."""

    def __init__(
        self,
        client_factory: Callable[[], Any],
        from_number: str,
        template_sid: Optional[str] = None,
        sms_fallback: Optional[TwilioSmsSender] = None,
        status_callback: Optional[str] = None,
        in_window: Callable[[str], bool] = lambda to: store.within_window("twilio", to),
    ) -> None:
        self._sms = TwilioSmsSender(client_factory, _wa(from_number), status_callback)
        self.template_sid = template_sid
        self.sms_fallback = sms_fallback
        self.in_window = in_window

    def send(self, recipient: str, text: str, template: Optional[str] = None) -> Optional[str]:
        """`template`: an approved template (Content SID) for this message, else the default."""
        phone = normalise_phone(recipient) or recipient.replace("whatsapp:", "")
        to = _wa(phone)
        template = template or self.template_sid
        if self.in_window(to):
            sid = self._sms._create(to=to, from_=self._sms.from_number, body=text)
        elif template:
            variables = json.dumps({"1": text}, ensure_ascii=False)
            sid = self._sms._create(
                to=to,
                from_=self._sms.from_number,
                content_sid=template,
                content_variables=variables,
            )
        elif self.sms_fallback is not None:
            logger.info("WhatsApp window closed for %s: sending SMS", mask_phone(phone))
            return self.sms_fallback.send(phone, text)
        else:
            raise SendError("WhatsApp window closed and no template or SMS number configured")
        logger.info("WhatsApp %s sent to %s", sid, mask_phone(phone))
        return sid


def _wa(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


class TwilioMessagingSender:
    """The "twilio" channel: WhatsApp for whatsapp: recipients, SMS otherwise."""

    def __init__(
        self, sms: Optional[TwilioSmsSender], whatsapp: Optional[TwilioWhatsAppSender]
    ) -> None:
        self.sms = sms
        self.whatsapp = whatsapp

    def send(self, recipient: str, text: str, template: Optional[str] = None) -> Optional[str]:
        whatsapp = recipient.startswith("whatsapp:")
        sender = (self.whatsapp if whatsapp else self.sms) or self.sms
        if sender is None:
            raise SendError("no Twilio number configured for this recipient")
        if whatsapp and sender is self.whatsapp:
            return sender.send(recipient, text, template=template)
        return sender.send(recipient, text)

    def sent_already(self, recipient: str, text: str, since: datetime) -> Optional[str]:
        """Whether Twilio already has this SMS (a worker died before recording it).

        WhatsApp is not looked up (a template message's body is not our text): it is
        sent again."""
        if recipient.startswith("whatsapp:") or self.sms is None:
            return None
        return self.sms.sent_already(recipient, text, since)


class TwilioCallSender:
    """A short automated call reading a notice, by Twilio's outbound call API.

    For households that only ever called the helpline: the text (the voice form of the
    notice) is spoken in Urdu when written in Urdu script, else in English, twice."""

    def __init__(
        self,
        client_factory: Callable[[], Any],
        from_number: str,
        settings: Optional[Settings] = None,
        status_callback: Optional[str] = None,
    ) -> None:
        self._sms = TwilioSmsSender(client_factory, from_number, status_callback)
        self.settings = settings

    def send(self, recipient: str, text: str, template: Optional[str] = None) -> Optional[str]:
        from bot.channels.voice_text import speakable
        from bot.channels.voice_twiml import read_out

        to = normalise_phone(recipient) or recipient
        language = "ur" if re.search(r"[\u0600-\u06ff]", text) else "en"
        twiml = read_out(speakable(text, language), language, self.settings)
        call = self._sms.client.calls.create(to=to, from_=self._sms.from_number, twiml=twiml)
        if getattr(call, "status", None) in ("failed", "canceled"):
            raise SendError(f"Twilio refused the call: {call.status}")
        sid = str(getattr(call, "sid", "") or "")
        logger.info("call %s placed to %s", sid, mask_phone(to))
        return sid or None


def run_coroutine_blocking(factory: Callable[[], Any]) -> Any:
    """Run `factory()`'s coroutine to completion from sync code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    result: Dict[str, Any] = {}

    def worker() -> None:
        try:
            result["value"] = asyncio.run(factory())
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


class TelegramSender:
    """Telegram messages through python-telegram-bot's Bot."""

    def __init__(self, bot_factory: Callable[[], Any]) -> None:
        self._bot_factory = bot_factory

    def send(self, recipient: str, text: str) -> Optional[str]:
        async def go() -> Optional[str]:
            bot = self._bot_factory()
            try:
                sent = await bot.send_message(chat_id=int(recipient), text=text)
                return str(getattr(sent, "message_id", "") or "") or None
            finally:
                await bot.shutdown()

        return run_coroutine_blocking(go)


def telegram_bot(settings: Settings, request: Any = None) -> Any:
    """A python-telegram-bot Bot for our token (no network until it is used)."""
    from telegram import Bot

    kwargs: Dict[str, Any] = {}
    base = setting("TELEGRAM_API_BASE_URL", settings)
    if base:
        kwargs["base_url"] = base
    if request is not None:
        kwargs["request"] = request
    return Bot(str(setting("TELEGRAM_BOT_TOKEN", settings)), **kwargs)


def status_callback_url(settings: Settings) -> Optional[str]:
    base = setting("PUBLIC_BASE_URL", settings)
    return f"{str(base).rstrip('/')}/webhooks/twilio/status" if base else None


def build_senders(settings: Settings) -> Dict[str, Sender]:
    """Senders for the channels whose settings are present, by channel name."""
    senders: Dict[str, Sender] = {}
    sid, token = setting("TWILIO_ACCOUNT_SID", settings), setting("TWILIO_AUTH_TOKEN", settings)
    if sid and token:
        api_base = setting("TWILIO_API_BASE_URL", settings)

        def factory() -> Any:
            return _twilio_client(str(sid), str(token), api_base)

        callback = status_callback_url(settings)
        sms_from, wa_from = (
            setting("TWILIO_SMS_FROM", settings),
            setting("TWILIO_WHATSAPP_FROM", settings),
        )
        sms = TwilioSmsSender(factory, str(sms_from), callback) if sms_from else None
        whatsapp = (
            TwilioWhatsAppSender(
                factory,
                str(wa_from),
                setting("TWILIO_WHATSAPP_TEMPLATE_SID", settings),
                sms,
                callback,
            )
            if wa_from
            else None
        )
        if sms or whatsapp:
            senders["twilio"] = TwilioMessagingSender(sms, whatsapp)
        if sms:
            senders["twilio_voice"] = sms  # a caller is answered by SMS to their number
            # a household that only ever called is told a notice by an automated call
            senders["twilio_call"] = TwilioCallSender(factory, str(sms_from), settings)
    if not missing_settings("telegram", settings):
        senders["telegram"] = TelegramSender(lambda: telegram_bot(settings))
    return senders


class TwilioRestOutput(OutputChannel):
    """Rasa output channel for messages Rasa starts itself (e.g. trigger_intent)."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await asyncio.to_thread(self.sender.send, address_of(recipient_id), text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list, **kwargs: Any
    ) -> None:
        from bot.channels.sms_text import numbered_choices

        body, _ = numbered_choices(text, buttons)
        await self.send_text_message(recipient_id, body)
