"""Telegram through python-telegram-bot: secret-token webhook, language buttons, shared contact."""

from __future__ import annotations

import hmac
import logging
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from rasa.shared.core.events import UserUttered
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError

from bot.channels import evidence, store
from bot.channels.config import missing_settings, setting, voice_line_number
from bot.channels.live_gate import staff_have_it
from bot.channels.rest import vaulted
from bot.channels.senders import telegram_bot
from bot.channels.store import run_db
from bot.channels.texts import conversation_language, keyword_reply_language, say
from bot.channels.unanswered import apology, forget_unanswered, taken_over
from bot.core.conversations import address_of, conversation_id, telegram_shared_phone
from bot.core.identifiers import normalise_phone
from bot.core.settings import get_settings
from bot.evidence import service as evidence_service
from bot.evidence.media import Media, MediaRefused
from bot.evidence.media import fetch as fetch_media
from bot.language.i18n import LANGUAGES
from bot.outreach import consent, contacts

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LANGUAGE_CHOSEN_TEXT = "/greet"
LANGUAGE_BUTTONS = (("English", "en"), ("اردو", "ur"), ("Roman Urdu", "roman_ur"))
MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(title, callback_data=f"lang:{code}")
                for title, code in LANGUAGE_BUTTONS
            ]
        ]
    )


def share_phone_keyboard(language: str) -> ReplyKeyboardMarkup:
    label = say("channel_telegram_share_phone_button", language, CHANNEL)
    return ReplyKeyboardMarkup(
        [[KeyboardButton(label, request_contact=True)]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )


class TelegramOutput(OutputChannel):
    """Sends the assistant's messages with the Bot object (async, no blocking calls)."""

    def __init__(self, bot: Bot, language: str = "roman_ur") -> None:
        self.bot = bot
        self.language = language
        self.sent = 0  # messages sent for this turn

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        chat_id = int(address_of(recipient_id))
        text = str(message.get("text") or "")
        buttons = message.get("buttons") or message.get("quick_replies") or []
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        markup: Any = None
        if buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(str(b.get("title", "")), callback_data=_callback_data(b))]
                    for b in buttons
                ]
            )
        if custom.get("request_phone"):
            markup = share_phone_keyboard(self.language)
            text = text or say("channel_telegram_share_phone", self.language, CHANNEL)
        if text:
            await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
            self.sent += 1
        if message.get("image"):
            await self.bot.send_photo(chat_id=chat_id, photo=message["image"])
            self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.bot.send_message(chat_id=int(address_of(recipient_id)), text=text)
        self.sent += 1


async def shared_phone(app: Any, chat_id: str) -> Optional[str]:
    """The phone number the user of this private chat shared earlier in the conversation.

    Telegram vouches for a contact only once, when it is shared; Twilio vouches for the
    sender on every message. So that the assistant can verify the user by the phone on
    record (it reads `metadata.phone` of the message that carries the CNIC), the number
    is looked up in the conversation's own tracker (the store every replica shares): the
    latest Telegram message of this chat that carried it.
    """
    try:
        tracker = await app.ctx.agent.tracker_store.retrieve(conversation_id(CHANNEL, chat_id))
    except Exception:  # no agent (tests), store down: no phone, never fail
        return None
    events = getattr(tracker, "events", None) or []
    return telegram_shared_phone(e.as_dict() for e in events if isinstance(e, UserUttered))


def _private(chat: Any, user: Any) -> bool:
    """A one-to-one chat with `user`: only there can a shared phone stand for the sender."""
    return chat is not None and user is not None and chat.id == user.id


def _callback_data(button: Dict[str, Any]) -> str:
    payload = str(button.get("payload") or button.get("title") or "")
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA:
        return payload
    return str(button.get("title", ""))[: MAX_CALLBACK_DATA // 4]


def _refuse(reason: str) -> Media:
    raise MediaRefused(reason)


class TelegramInput(InputChannel):
    """Telegram webhook: secret token checked, each update_id handled once."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Secrets come from the environment; no call to Telegram happens here."""
        settings = get_settings()
        missing = missing_settings(CHANNEL, settings)
        if missing:
            raise RasaException(f"The telegram channel needs {', '.join(missing)}")
        return cls(
            telegram_bot(settings),
            str(setting("TELEGRAM_SECRET_TOKEN", settings)),
            voice_line_number(settings),
        )

    _app: Any = None  # the Sanic app serving the webhooks (its agent's tracker store)

    def __init__(self, bot: Bot, secret_token: str, voice_number: str = "") -> None:
        self.bot = bot
        self.secret_token = secret_token
        self.voice_number = voice_number

    def get_output_channel(self) -> Optional[OutputChannel]:
        return TelegramOutput(self.bot)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = vaulted(on_new_message)  # the tracker gets CNIC references only
        bp = Blueprint("madadgar_telegram", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER) or ""
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                logger.warning("Refused a Telegram webhook without the right secret token")
                return response.text("forbidden", status=403)
            try:
                update = Update.de_json(request.json, self.bot)
            except Exception:
                return response.text("bad update", status=400)
            if update is None:
                return response.text("bad update", status=400)
            chat = update.effective_chat
            claim = await run_db(
                store.claim, CHANNEL, str(update.update_id), str(chat.id) if chat else None
            )
            if not claim.first:
                logger.info("Repeated Telegram update %s ignored", update.update_id)
                return response.text("ok")
            self._app = request.app  # the same Sanic app for every request
            try:
                await self.handle_update(update, on_new_message, request.app)
            except Exception:
                logger.exception("Could not handle Telegram update %s", update.update_id)
                if chat:
                    lang = await conversation_language(
                        request.app, conversation_id(CHANNEL, str(chat.id))
                    )
                    try:
                        await self.bot.send_message(
                            chat_id=chat.id, text=say("utter_action_failed", lang)
                        )
                    except Exception:
                        logger.exception("Could not tell chat about the failure")
            return response.text("ok")

        return bp

    async def handle_update(
        self,
        update: Update,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        app: Any = None,
    ) -> None:
        """Turn one Telegram update into a message for the assistant (or answer it here)."""
        if update.callback_query is not None:
            await self._button(update, on_new_message, app)
            return
        message = update.effective_message
        user = update.effective_user
        if message is None:
            return
        chat_id = str(message.chat_id)
        lang = await conversation_language(app, conversation_id(CHANNEL, chat_id))
        if message.contact is not None:
            contact = message.contact
            if user is not None and contact.user_id == user.id:
                phone = normalise_phone(contact.phone_number) or "+" + contact.phone_number.lstrip(
                    "+"
                )
                await self._to_assistant(
                    phone, chat_id, {"phone": phone}, on_new_message, lang, app
                )
            else:
                await self.bot.send_message(
                    chat_id=message.chat_id,
                    text=say("channel_telegram_contact_not_own", lang, CHANNEL),
                )
            return
        text = (message.text or "").strip()
        if text.split(" ")[0].split("@")[0] == "/start":
            await self.bot.send_message(
                chat_id=message.chat_id,
                text=say("channel_telegram_choose_language", lang, CHANNEL),
                reply_markup=language_keyboard(),
            )
            return
        files = await self._media_files(message)
        if files:
            caption = (message.caption or "").strip()
            phone = await shared_phone(app, chat_id)
            conversation = conversation_id(CHANNEL, chat_id)
            told = await evidence.receive(app, conversation, CHANNEL, phone, caption, lang, files)
            for reply in told:
                await self.bot.send_message(chat_id=message.chat_id, text=reply)
            if not caption or evidence_service.ticket_in_text(caption):
                return
            text = caption
        if not text:
            await self.bot.send_message(
                chat_id=message.chat_id,
                text=say(
                    "channel_media_not_supported", lang, CHANNEL, voice_number=self.voice_number
                ),
            )
            return
        if text.startswith("/"):  # a Telegram command is words, not an intent to trigger
            text = text[1:].split("@")[0]
        metadata = await self._phone_metadata(app, message.chat, user)
        kind = consent.keyword(text)
        if kind:  # STOP / START: announcements only, recorded at once
            lang = consent.keyword_language(text) or await keyword_reply_language(
                app, conversation_id(CHANNEL, chat_id), text
            )
            reply = await run_db(
                consent.record_keyword, CHANNEL, chat_id, kind, lang, metadata.get("phone")
            )
            await self.bot.send_message(chat_id=message.chat_id, text=say(reply, lang, CHANNEL))
            return
        await self._to_assistant(text, chat_id, metadata, on_new_message, lang, app)
        await run_db(consent.notice_once, CHANNEL, chat_id, lang, metadata.get("phone"))
        await run_db(contacts.seen, CHANNEL, chat_id, lang, metadata.get("phone"))

    async def _media_files(self, message: Any) -> List[Callable[[], Media]]:
        """A fetch for the photo (largest size), voice note, audio or document, via getFile."""
        item = (
            (message.photo[-1] if message.photo else None)
            or message.voice
            or message.audio
            or message.document
        )
        if item is None:
            return []
        settings = get_settings()
        if (item.file_size or 0) > settings.MEDIA_MAX_BYTES:
            return [partial(_refuse, "too_large")]
        try:
            found = await self.bot.get_file(item.file_id)
        except TelegramError:
            logger.warning("Telegram getFile failed for a file of chat %s", message.chat_id)
            return [partial(_refuse, "unreachable")]
        # The file URL carries the bot token: it is never logged, only fetched.
        return [partial(fetch_media, str(found.file_path), None, settings)]

    async def _phone_metadata(self, app: Any, chat: Any, user: Any) -> Dict[str, Any]:
        """{"phone": ...} when this private chat's user shared their own number earlier."""
        if not _private(chat, user):
            return {}
        phone = await shared_phone(app, str(chat.id))
        return {"phone": phone} if phone else {}

    async def _button(self, update: Update, on_new_message: Callable, app: Any) -> None:
        query = update.callback_query
        assert query is not None
        await self.bot.answer_callback_query(query.id)
        chat_id = str(query.message.chat.id if query.message else query.from_user.id)
        data = query.data or ""
        if data.startswith("lang:") and data[5:] in LANGUAGES:
            lang = data[5:]
            await self._to_assistant(
                LANGUAGE_CHOSEN_TEXT, chat_id, {"language": lang}, on_new_message, lang, app
            )
            await self.bot.send_message(
                chat_id=int(chat_id),
                text=say("channel_telegram_share_phone", lang, CHANNEL),
                reply_markup=share_phone_keyboard(lang),
            )
            return
        lang = await conversation_language(app, conversation_id(CHANNEL, chat_id))
        chat = query.message.chat if query.message else None
        metadata = await self._phone_metadata(app, chat, query.from_user)
        await self._to_assistant(data, chat_id, metadata, on_new_message, lang, app)

    async def _to_assistant(
        self,
        text: str,
        chat_id: str,
        metadata: Dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        language: str,
        app: Any = None,
    ) -> None:
        # While staff have the conversation, whatever would still be said is dropped.
        taken = await staff_have_it(app, conversation_id(CHANNEL, chat_id))
        output = CollectingOutputChannel() if taken else TelegramOutput(self.bot, language)
        await on_new_message(
            UserMessage(
                text,
                output,
                conversation_id(CHANNEL, chat_id),
                input_channel=CHANNEL,
                metadata=metadata,
            )
        )
        if not output.sent and not taken_over(CHANNEL, chat_id):
            # Nothing came back (the assistant is down or failed): never silence.
            await forget_unanswered(self._app, conversation_id(CHANNEL, chat_id))
            await self.bot.send_message(chat_id=int(chat_id), text=apology(language, CHANNEL))
