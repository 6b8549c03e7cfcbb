"""SMS and WhatsApp through Twilio's messaging webhook, answered with TwiML."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
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
from bot.channels.texts import conversation_language, keyword_reply_language, say
from bot.channels.twilio_security import form_params, is_from_twilio
from bot.channels.unanswered import apology_for, forget_unanswered, taken_over
from bot.core.conversations import twilio_conversation_id
from bot.core.identifiers import mask_phone, normalise_phone
from bot.core.settings import Settings, get_settings
from bot.evidence import service as evidence_service
from bot.evidence.media import Media
from bot.evidence.media import fetch as fetch_media
from bot.outreach import consent, contacts

logger = logging.getLogger(__name__)

CHANNEL = "twilio"
# Twilio waits this long for the webhook's answer, then delivers it again or gives up (the
# citizen is asked to send again). A handler that only reaches Rasa later (its host was cut
# off from the network) leaves the message to that retry, or it would be answered twice.
TWILIO_WAITS = 15.0
MAX_MEDIA = 10  # Twilio sends at most 10 media files with one message


def phone_of(address: str) -> str:
    """+923001234567 from "whatsapp:+923001234567" (the raw number if not Pakistani)."""
    bare = address.split(":", 1)[1] if address.startswith("whatsapp:") else address
    return normalise_phone(bare) or bare


class TooLate(Exception):
    """The message would reach the assistant after Twilio stopped waiting for the answer."""


@dataclass(frozen=True)
class Turn:
    """One incoming message: who sent it, on which conversation, and what it says."""

    app: Any
    sender: str  # "whatsapp:+92..." or "+92..."
    text: str
    received: Optional[float] = None  # time.monotonic() when the webhook arrived

    @property
    def conversation(self) -> str:
        return twilio_conversation_id(self.sender)

    @property
    def phone(self) -> str:
        return phone_of(self.sender)

    @property
    def whatsapp(self) -> bool:
        return self.sender.startswith("whatsapp:")


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
            request.ctx.received = time.monotonic()
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
        except TooLate:
            logger.warning(
                "%s from %s reached Rasa after Twilio gave up", sid, mask_phone(phone_of(sender))
            )
            await run_db(store.release, CHANNEL, sid)
            return response.text("", status=504)
        except Exception:
            logger.exception("Could not answer %s from %s", sid, mask_phone(phone_of(sender)))
            await run_db(store.release, CHANNEL, sid)
            lang = await conversation_language(request.app, twilio_conversation_id(sender))
            return _xml(twiml_messages([say("utter_action_failed", lang, CHANNEL)]))
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
        """One message, step by step: evidence, an empty message, paging, consent keywords,
        then the assistant (or the staff who took the conversation over) and the reply."""
        turn = Turn(
            request.app,
            sender,
            (form.get("Body") or "").strip(),
            getattr(request.ctx, "received", None),
        )
        choices, more = await run_db(store.load_sender_state, CHANNEL, sender)
        told = await self._evidence(turn, form)
        if told is not None and (not turn.text or evidence_service.ticket_in_text(turn.text)):
            return twiml_messages(told)  # nothing more for the assistant to read
        told = told or []
        if not turn.text:
            return twiml_messages(await self._without_text(turn, form))
        page = await self._page(turn, choices, more)
        if page is not None:
            return twiml_messages(page)
        keyword = await self._consent_keyword(turn)
        if keyword is not None:
            return twiml_messages(keyword)
        said = await self._ask(turn, sid, choices, on_new_message, resumed)
        if said is None:  # staff answer through the outbox; the assistant says nothing
            return twiml_messages(told)
        return twiml_messages(await self._reply(turn, [{"text": t} for t in told] + said))

    async def _evidence(self, turn: Turn, form: Dict[str, str]) -> Optional[List[str]]:
        """Photos and voice notes are kept as evidence; what she is told, or None without any."""
        files = self._media_files(form)
        if not files:
            return None
        lang = await conversation_language(turn.app, turn.conversation)
        return await evidence.receive(
            turn.app, turn.conversation, CHANNEL, turn.phone, turn.text, lang, files
        )

    async def _without_text(self, turn: Turn, form: Dict[str, str]) -> List[str]:
        """A location or a file that is not kept: say what the channel takes; else silence."""
        if (int(form.get("NumMedia") or 0) and not self._media_files(form)) or form.get("Latitude"):
            lang = await conversation_language(turn.app, turn.conversation)
            return [
                say("channel_media_not_supported", lang, CHANNEL, voice_number=self.voice_number)
            ]
        return []

    async def _page(
        self, turn: Turn, choices: Optional[str], more: Optional[str]
    ) -> Optional[List[str]]:
        """MORE: the next SMS page of the last reply (or that nothing is left); else None."""
        if sms_text.asks_for_more(turn.text) and more:
            pages = json.loads(more)
            rest = json.dumps(pages[1:]) if pages[1:] else None
            await run_db(store.save_sender_state, CHANNEL, turn.sender, choices, rest)
            return pages[:1]
        if sms_text.is_more_hint_word(turn.text):  # "MORE" with nothing left to send
            lang = await conversation_language(turn.app, turn.conversation)
            return [say("channel_sms_no_more", lang, CHANNEL)]
        return None

    async def _consent_keyword(self, turn: Turn) -> Optional[List[str]]:
        """STOP / START: announcements only, recorded at once; None for any other text."""
        kind = consent.keyword(turn.text)
        if not kind:
            return None
        lang = consent.keyword_language(turn.text) or await keyword_reply_language(
            turn.app, turn.conversation, turn.text
        )
        reply = await run_db(consent.record_keyword, CHANNEL, turn.sender, kind, lang, turn.phone)
        return [say(reply, lang, CHANNEL)]

    async def _ask(
        self,
        turn: Turn,
        sid: str,
        choices: Optional[str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        resumed: bool,
    ) -> Optional[List[Dict[str, Any]]]:
        """The assistant's answer (an apology rather than silence); None when staff took the
        conversation over before the message arrived."""
        text = sms_text.choice_payload(turn.text, choices) or turn.text.replace("¡", "@")
        taken_over_now = await staff_have_it(turn.app, turn.conversation)
        collector = TwilioMessagingOutput()
        earlier = None
        if resumed:  # an earlier delivery died: did the message reach the conversation?
            earlier = await retries.answered_in_conversation(turn.app, turn.conversation, sid)
        if earlier is not None:
            collector.messages.extend(earlier)
        else:
            if turn.received is not None and time.monotonic() - turn.received > TWILIO_WAITS:
                raise TooLate(sid)
            medium = "whatsapp" if turn.whatsapp else "sms"
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    turn.conversation,
                    input_channel=CHANNEL,
                    message_id=sid,
                    metadata={"phone": turn.phone, "medium": medium},
                )
            )
        if taken_over_now:
            return None
        if not collector.messages and not taken_over(CHANNEL, turn.sender):
            await forget_unanswered(turn.app, turn.conversation)
            apology = await apology_for(turn.app, CHANNEL, turn.conversation, turn.text)
            collector.messages.append({"text": apology})
        return collector.messages

    async def _reply(self, turn: Turn, said: List[Dict[str, Any]]) -> List[str]:
        """The first SMS page now (the rest on MORE), WhatsApp whole; the consent notice is
        queued after the answer at her first message."""
        lang = await conversation_language(turn.app, turn.conversation, turn.text)
        await run_db(consent.notice_once, CHANNEL, turn.sender, lang, turn.phone)
        await run_db(contacts.seen, CHANNEL, turn.sender, lang, turn.phone)
        pages, new_choices = format_reply(said, turn.whatsapp, lang, self.max_segments)
        now, rest = (pages, []) if turn.whatsapp else (pages[:1], pages[1:])
        await run_db(
            store.save_sender_state,
            CHANNEL,
            turn.sender,
            new_choices,
            json.dumps(rest) if rest else None,
        )
        return now
