"""SMS and WhatsApp through Twilio's messaging webhook, answered with TwiML."""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels import evidence, retries, sms_text, store
from bot.channels.config import missing_settings, setting, sms_max_segments, voice_line_number
from bot.channels.live_gate import staff_have_it
from bot.channels.rest import vaulted
from bot.channels.store import run_db
from bot.channels.texts import conversation_language, say
from bot.channels.twilio_security import form_params, is_from_twilio
from bot.channels.unanswered import apology_for, forget_unanswered, taken_over
from bot.core.conversations import twilio_conversation_id
from bot.core.identifiers import mask_phone, normalise_phone
from bot.core.settings import Settings, get_settings
from bot.evidence import service as evidence_service
from bot.evidence.media import Media
from bot.evidence.media import fetch as fetch_media
from bot.outreach import consent

logger = logging.getLogger(__name__)

CHANNEL = "twilio"
MAX_MEDIA = 10  # Twilio sends at most 10 media files with one message


def phone_of(address: str) -> str:
    """+923001234567 from "whatsapp:+923001234567" (the raw number if not Pakistani)."""
    bare = address.split(":", 1)[1] if address.startswith("whatsapp:") else address
    return normalise_phone(bare) or bare


class TwilioMessagingOutput(CollectingOutputChannel):
    """Collects the assistant's messages for the webhook's TwiML answer."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))


def format_reply(
    messages: List[Dict[str, Any]], whatsapp: bool, language: str, max_segments: int
) -> Tuple[List[str], sms_text.Choices]:
    """The pages to send and the numbered choices they offer.

    SMS: pages within `max_segments` each, the first sent now, the rest on "MORE".
    WhatsApp: every page is sent (Twilio takes up to 1600 characters a message).
    """
    parts: List[str] = []
    choices: sms_text.Choices = []
    for message in messages:
        text = sms_text.plain_text(str(message.get("text") or ""), whatsapp=whatsapp)
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            offset = len(choices)
            lines = [text] if text else []
            for i, button in enumerate(buttons, start=offset + 1):
                title = sms_text.plain_text(str(button.get("title") or ""), whatsapp=whatsapp)
                choices.append((title, str(button.get("payload") or title)))
                lines.append(f"{i}. {title}")
            text = "\n".join(lines)
        if message.get("image"):
            text = f"{text}\n{message['image']}".strip()
        if text:
            parts.append(text)
    body = "\n".join(parts)
    if not body:
        return [], choices
    if whatsapp:
        return sms_text.paginate(body, -sms_text.WHATSAPP_MAX_CHARS), choices
    hint = say("channel_sms_more_hint", language, CHANNEL)
    return sms_text.paginate(body, max_segments, hint), choices


def twiml_messages(bodies: List[str]) -> str:
    answer = MessagingResponse()
    for body in bodies:
        answer.message(body)
    return str(answer)


def _xml(twiml: str) -> HTTPResponse:
    return response.text(twiml, content_type="text/xml")


class TwilioMessagingInput(InputChannel):
    """Twilio SMS and WhatsApp: signed webhooks, once per MessageSid, replies in TwiML."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Secrets come from the environment (bot.core.settings), not from credentials.yml."""
        return cls.from_settings(get_settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioMessagingInput:
        missing = missing_settings(CHANNEL, settings)
        if missing:
            raise RasaException(f"The twilio channel needs {', '.join(missing)}")
        return cls(
            auth_token=str(setting("TWILIO_AUTH_TOKEN", settings)),
            public_base_url=str(setting("PUBLIC_BASE_URL", settings)),
            max_segments=sms_max_segments(settings),
            voice_number=voice_line_number(settings),
            settings=settings,
        )

    def __init__(
        self,
        auth_token: str,
        public_base_url: str,
        max_segments: int = 3,
        voice_number: str = "",
        settings: Optional[Settings] = None,
    ) -> None:
        self.auth_token = auth_token
        self.public_base_url = public_base_url
        self.max_segments = max_segments
        self.voice_number = voice_number
        self.settings = settings

    def get_metadata(self, request: Request) -> Optional[Dict[str, Any]]:
        sender = form_params(request).get("From") or ""
        medium = "whatsapp" if sender.startswith("whatsapp:") else "sms"
        return {"phone": phone_of(sender), "medium": medium}

    def get_output_channel(self) -> Optional[OutputChannel]:
        from bot.channels.senders import TwilioRestOutput, build_senders

        sender = build_senders(self.settings or get_settings()).get(CHANNEL)
        return TwilioRestOutput(sender) if sender else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = vaulted(on_new_message)  # the tracker gets CNIC references only
        bp = Blueprint("madadgar_twilio_messaging", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not is_from_twilio(request, self.auth_token, self.public_base_url):
                return response.text("forbidden", status=403)
            form = form_params(request)
            if "MessageStatus" in form:
                await self._record_status(form)
                return response.text("", status=204)
            return await self._incoming(request, form, on_new_message)

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            if not is_from_twilio(request, self.auth_token, self.public_base_url):
                return response.text("forbidden", status=403)
            await self._record_status(form_params(request))
            return response.text("", status=204)

        return bp

    async def _record_status(self, form: Dict[str, str]) -> None:
        sid = form.get("MessageSid") or form.get("SmsSid")
        if sid:
            await run_db(
                store.record_status,
                sid,
                CHANNEL,
                form.get("MessageStatus") or form.get("SmsStatus") or "unknown",
                mask_phone(phone_of(form.get("To") or "")),
                form.get("ErrorCode"),
            )

    async def _incoming(
        self,
        request: Request,
        form: Dict[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        sid = form.get("MessageSid") or form.get("SmsSid")
        sender = form.get("From")
        if not sid or not sender:
            return response.text("missing MessageSid or From", status=400)
        claim = await run_db(store.claim, CHANNEL, sid, sender)
        if not claim.first:
            logger.info("Repeated MessageSid %s from %s", sid, mask_phone(phone_of(sender)))
            reply = claim.reply or await retries.wait_for_reply(CHANNEL, sid)
            if reply is None:  # still being answered: that answer goes to a closed request
                text = form.get("Body") or ""
                reply = twiml_messages(
                    [await apology_for(request.app, CHANNEL, twilio_conversation_id(sender), text)]
                )
            return _xml(reply)
        try:
            twiml = await self._answer(request, form, sid, sender, on_new_message, claim.resumed)
        except Exception:
            logger.exception("Could not answer %s from %s", sid, mask_phone(phone_of(sender)))
            await run_db(store.release, CHANNEL, sid)
            lang = await conversation_language(request.app, twilio_conversation_id(sender))
            return _xml(twiml_messages([say("channel_error", lang, CHANNEL)]))
        await run_db(store.save_reply, CHANNEL, sid, twiml)
        return _xml(twiml)

    def _media_files(self, form: Dict[str, str]) -> List[Callable[[], Media]]:
        """A fetch for each MediaUrlN, with the account's credentials (Twilio's basic auth)."""
        try:
            count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
        except ValueError:
            return []
        settings = self.settings or get_settings()
        auth = (
            str(setting("TWILIO_ACCOUNT_SID", settings) or ""),
            str(setting("TWILIO_AUTH_TOKEN", settings) or ""),
        )
        urls = [form.get(f"MediaUrl{i}") or "" for i in range(count)]
        return [partial(fetch_media, url, auth, settings) for url in urls if url]

    async def _answer(
        self,
        request: Request,
        form: Dict[str, str],
        sid: str,
        sender: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        resumed: bool = False,
    ) -> str:
        whatsapp = sender.startswith("whatsapp:")
        text = (form.get("Body") or "").strip()
        choices, more = await run_db(store.load_sender_state, CHANNEL, sender)
        files = self._media_files(form)
        told: List[str] = []
        if files:
            conversation = twilio_conversation_id(sender)
            lang = await conversation_language(request.app, conversation)
            told = await evidence.receive(
                request.app, conversation, CHANNEL, phone_of(sender), text, lang, files
            )
            if not text or evidence_service.ticket_in_text(text):
                return twiml_messages(told)  # nothing more for the assistant to read
        if not text:
            if (int(form.get("NumMedia") or 0) and not files) or form.get("Latitude"):
                lang = await conversation_language(request.app, twilio_conversation_id(sender))
                kind = say(
                    "channel_media_not_supported", lang, CHANNEL, voice_number=self.voice_number
                )
                return twiml_messages([kind])
            return twiml_messages([])
        if sms_text.asks_for_more(text) and more:
            pages = json.loads(more)
            await run_db(
                store.save_sender_state,
                CHANNEL,
                sender,
                choices,
                json.dumps(pages[1:]) if pages[1:] else None,
            )
            return twiml_messages(pages[:1])
        if sms_text.is_more_hint_word(text):  # "MORE" with nothing left to send
            lang = await conversation_language(request.app, twilio_conversation_id(sender))
            return twiml_messages([say("channel_sms_no_more", lang, CHANNEL)])
        kind = consent.keyword(text)
        if kind:  # STOP / START: announcements only, recorded at once
            lang = consent.keyword_language(text) or await conversation_language(
                request.app, twilio_conversation_id(sender)
            )
            reply = await run_db(
                consent.record_keyword, CHANNEL, sender, kind, lang, phone_of(sender)
            )
            return twiml_messages([say(reply, lang, CHANNEL)])
        typed = text
        text = sms_text.choice_payload(text, choices) or text.replace("¡", "@")
        taken_over_now = await staff_have_it(request.app, twilio_conversation_id(sender))
        collector = TwilioMessagingOutput()
        earlier = None
        if resumed:  # an earlier delivery died: did the message reach the conversation?
            earlier = await retries.answered_in_conversation(
                request.app, twilio_conversation_id(sender), sid
            )
        if earlier is not None:
            collector.messages.extend(earlier)
        else:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    twilio_conversation_id(sender),
                    input_channel=CHANNEL,
                    message_id=sid,
                    metadata={
                        "phone": phone_of(sender),
                        "medium": "whatsapp" if whatsapp else "sms",
                    },
                )
            )
        if taken_over_now:  # staff answer through the outbox; the assistant says nothing
            return twiml_messages(told)
        if not collector.messages and not taken_over(CHANNEL, sender):
            await forget_unanswered(request.app, twilio_conversation_id(sender))
            apology = await apology_for(request.app, CHANNEL, twilio_conversation_id(sender), typed)
            collector.messages.append({"text": apology})
        lang = await conversation_language(request.app, twilio_conversation_id(sender), typed)
        await run_db(consent.notice_once, CHANNEL, sender, lang, phone_of(sender))
        said = [{"text": t} for t in told] + collector.messages
        pages, new_choices = format_reply(said, whatsapp, lang, self.max_segments)
        now, rest = (pages, []) if whatsapp else (pages[:1], pages[1:])
        await run_db(
            store.save_sender_state,
            CHANNEL,
            sender,
            new_choices,
            json.dumps(rest) if rest else None,
        )
        return twiml_messages(now)
