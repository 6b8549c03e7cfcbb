"""The voice line: Twilio Voice webhooks answered with TwiML (language menu, speech, keypad)."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.assistant import arbiter
from bot.channels import evidence, store, voice_twiml
from bot.channels.config import missing_settings, setting
from bot.channels.rest import vaulted
from bot.channels.store import CallState, run_db
from bot.channels.texts import say
from bot.channels.twilio_messaging import phone_of
from bot.channels.twilio_security import form_params, is_from_twilio
from bot.channels.unanswered import apology, forget_unanswered, taken_over
from bot.channels.voice_text import (
    KeypadEntry,
    hints,
    keypad_entry,
    mostly_digits,
    speakable,
    spoken_amounts,
    spoken_entry,
)
from bot.core.identifiers import mask_phone, normalise_phone
from bot.core.settings import Settings, get_settings
from bot.evidence.media import fetch as fetch_media
from bot.nlu.spoken import lexicon, voice_words
from bot.outreach import contacts

logger = logging.getLogger(__name__)

CHANNEL = "twilio_voice"
PATH = "/webhooks/twilio_voice/webhook"
LANGUAGE_CHOSEN_TEXT = "/greet"  # sent to the assistant once the caller picks a language
HUMAN_TEXT = "/talk_to_human"  # key 0
MAX_NO_INPUT = 2
MAX_MISUNDERSTOOD = 3
RECORD_KEY = "7"  # record a spoken complaint, offered while a complaint's questions are asked
COMPLAINT_QUESTIONS = {
    "utter_ask_complaint_place",
    "utter_ask_complaint_details",
    "utter_ask_amount",
}
# Responses that mean "I did not understand"; repeated ones end the call with a callback.
MISUNDERSTOOD_RESPONSES = {"utter_default", "utter_ask_rephrase", "utter_out_of_scope"}


def conversation_id(call_sid: str) -> str:
    """The assistant's conversation (sender id) for one call: every call starts afresh.

    Not the caller's number: SMS uses the bare number as its sender id, so a call would
    continue that SMS conversation, with its verification and any half-answered question,
    and every call from a number would continue the last one (caller ids are easily
    forged). The number still reaches the assistant as `metadata.phone`.
    """
    return f"voice:{call_sid}"


class TwilioVoiceOutput(OutputChannel):
    """Collects the assistant's messages (text, buttons, custom payloads) for one turn."""

    def __init__(self) -> None:
        self.messages: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})


class TwilioVoiceInput(InputChannel):
    """Signed Twilio Voice webhooks, one state per CallSid, each step answered once."""

    _app: Any = None  # the Sanic app serving the webhooks (its agent's tracker store)

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Secrets come from the environment (bot.core.settings), not from credentials.yml."""
        settings = get_settings()
        missing = missing_settings(CHANNEL, settings)
        if missing:
            raise RasaException(f"The twilio_voice channel needs {', '.join(missing)}")
        return cls(
            str(setting("TWILIO_AUTH_TOKEN", settings)),
            str(setting("PUBLIC_BASE_URL", settings)),
            str(setting("CALL_CENTRE_NUMBER", settings)),
            settings,
        )

    def __init__(
        self,
        auth_token: str,
        public_base_url: str,
        call_centre_number: str = "+92800026477",
        settings: Optional[Settings] = None,
    ) -> None:
        self.auth_token = auth_token
        self.public_base_url = public_base_url.rstrip("/")
        self.call_centre_number = call_centre_number
        self.settings = settings

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = vaulted(on_new_message)  # the tracker gets CNIC references only
        lexicon(), voice_words()  # read the word lists now, not during a caller's first turn
        bp = Blueprint("madadgar_twilio_voice", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            self._app = request.app  # the same Sanic app for every request
            if not is_from_twilio(request, self.auth_token, self.public_base_url):
                return response.text("forbidden", status=403)
            form = form_params(request)
            call_sid = form.get("CallSid")
            if not call_sid:
                return response.text("missing CallSid", status=400)
            key = f"{call_sid}:{request.args.get('step', 'start')}"
            claim = await run_db(store.claim, CHANNEL, key, form.get("From"))
            if not claim.first:
                return _xml(claim.reply or voice_twiml.empty())
            state = await run_db(store.load_call, call_sid)
            self.app = request.app
            try:
                twiml = await self.turn(form, state, on_new_message)
            except Exception:
                logger.exception("Voice turn failed for %s", mask_phone(form.get("From")))
                await run_db(store.release, CHANNEL, key)
                twiml = self._listen(
                    state, [say("utter_action_failed", state.language)], state.last_prompt or ""
                )
            await run_db(store.save_call, state)
            caller = normalise_phone(form.get("From") or "")
            if caller and state.language:  # a household that only calls is told by a call
                await run_db(contacts.seen, CHANNEL, caller, state.language, caller)
            await run_db(store.save_reply, CHANNEL, key, twiml)
            return _xml(twiml)

        return bp

    # ------------------------------------------------------------ one turn

    def _action(self, state: CallState) -> str:
        state.step += 1
        return f"{self.public_base_url}{PATH}?step={state.step}"

    def _listen(self, state: CallState, before: List[str], prompt: str) -> str:
        state.last_prompt = prompt
        pending = state.pending_entry or ""
        asked = "confirm" if pending and not pending.startswith("expect:") else None
        return voice_twiml.listen(
            self._action(state),
            before,
            prompt,
            state.language,
            self.settings,
            hints(asked or self._expected(state), state.language),
        )

    @staticmethod
    def _expected(state: CallState) -> Optional[str]:
        """What the last question asked for ("cnic", "ticket", "date"), if anything."""
        pending = state.pending_entry or ""
        if pending.startswith("expect:"):
            return pending[len("expect:") :] or None
        return None

    def _read_back(self, state: CallState, entry: KeypadEntry) -> str:
        """Say the number back and wait for 1/yes or 2/no."""
        state.pending_entry = entry.encode()
        name = "voice_heard" if entry.heard else "voice_readback"
        return self._listen(
            state, [], say(name, state.language, CHANNEL, digits=entry.read_back(state.language))
        )

    def _menu(self, state: CallState) -> str:
        return voice_twiml.menu(
            self._action(state),
            say("voice_language_menu", "ur", CHANNEL),
            say("voice_language_menu", "en", CHANNEL),
            self.settings,
        )

    async def turn(
        self,
        form: Dict[str, str],
        state: CallState,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> str:
        """The TwiML answering one webhook of a call, updating `state`."""
        if form.get("RecordingUrl") and state.language:
            return await self._recorded(form, state)
        if "DialCallStatus" in form:
            if form["DialCallStatus"] in ("completed", "answered"):
                return voice_twiml.goodbye([], state.language, self.settings)
            return voice_twiml.goodbye(
                [say("voice_dial_failed", state.language, CHANNEL)], state.language, self.settings
            )
        digits = (form.get("Digits") or "").strip("#* ")
        speech = (form.get("SpeechResult") or "").strip()
        if state.language is None:
            if digits in voice_twiml.MENU_LANGUAGES:
                state.language = voice_twiml.MENU_LANGUAGES[digits]
                state.no_input = 0
                return await self._ask(form, state, LANGUAGE_CHOSEN_TEXT, on_new_message)
            if state.step > 0:  # the menu was played and got no usable key
                state.no_input += 1
                if state.no_input >= MAX_NO_INPUT:
                    return await self._end(form, state, "voice_goodbye_no_input", on_new_message)
            return self._menu(state)
        if not digits and not speech:
            state.no_input += 1
            if state.no_input >= MAX_NO_INPUT:
                return await self._end(form, state, "voice_goodbye_no_input", on_new_message)
            return self._listen(
                state, [say("voice_no_input", state.language, CHANNEL)], state.last_prompt or ""
            )
        state.no_input = 0
        pending = state.pending_entry or ""
        if pending and not pending.startswith("expect:"):
            return await self._confirm(form, state, digits, speech, on_new_message)
        if digits:
            return await self._keys(form, state, digits, on_new_message)
        return await self._speech(form, state, speech, on_new_message)

    async def _speech(
        self, form: Dict[str, str], state: CallState, speech: str, on_new_message: Callable
    ) -> str:
        """Words: a number or date in them is read back first; the rest goes to the assistant."""
        expected = self._expected(state)
        entry = spoken_entry(speech, expected)
        if entry is None and expected is None:
            entry = spoken_amounts(speech)
        if entry is not None:
            return self._read_back(state, entry)
        if expected in ("cnic", "ticket") and mostly_digits(speech):
            return self._listen(state, [], say("voice_heard_unclear", state.language, CHANNEL))
        return await self._ask(form, state, speech, on_new_message)

    async def _keys(
        self, form: Dict[str, str], state: CallState, digits: str, on_new_message: Callable
    ) -> str:
        if digits == "9":
            return self._listen(state, [], state.last_prompt or "")
        if digits == "0":
            return await self._ask(form, state, HUMAN_TEXT, on_new_message)
        if digits == RECORD_KEY:
            prompt = say("voice_record_prompt", state.language, CHANNEL)
            return voice_twiml.record(self._action(state), prompt, state.language, self.settings)
        choices = state.choices or []
        if len(digits) <= 2 and digits.isdigit() and 1 <= int(digits) <= len(choices):
            return await self._ask(form, state, choices[int(digits) - 1][1], on_new_message)
        expected = (state.pending_entry or "")[len("expect:") :] or None
        entry = keypad_entry(digits, expected)
        if entry is None:
            return self._listen(state, [], say("voice_keypad_unclear", state.language, CHANNEL))
        return self._read_back(state, entry)

    async def _confirm(
        self,
        form: Dict[str, str],
        state: CallState,
        digits: str,
        speech: str,
        on_new_message: Callable,
    ) -> str:
        """The answer to a read-back: 1 or yes sends it, 2 or no asks again."""
        entry = KeypadEntry.decode(state.pending_entry)
        assert entry is not None
        # The same table as every other question (bot.assistant.arbiter): "start over" or
        # "a person" at a read-back is a repair for the assistant, not a "no".
        decision = arbiter.decide(
            arbiter.Message(digits or speech), [arbiter.Pending(arbiter.READBACK, entry.kind)]
        )
        if decision.step == arbiter.REPAIR and speech:
            state.pending_entry = None
            return await self._ask(form, state, speech, on_new_message)
        agreed = decision.value if decision.step == arbiter.ANSWER else None
        if agreed:
            state.pending_entry = None
            return await self._ask(form, state, entry.value, on_new_message)
        if agreed is False:
            if entry.kind == "said":
                state.pending_entry = None
                return self._listen(state, [], say("voice_say_again", state.language, CHANNEL))
            state.pending_entry = f"expect:{entry.kind}"
            again = "voice_say_again" if entry.heard else "voice_keypad_prompt"
            return self._listen(state, [], say(again, state.language, CHANNEL))
        if digits and len(digits) > 2:  # typed a new number straight away
            state.pending_entry = f"expect:{entry.kind}"
            return await self._keys(form, state, digits, on_new_message)
        if speech and entry.kind == "said":  # went on talking: these are her words now
            state.pending_entry = None
            return await self._speech(form, state, speech, on_new_message)
        if speech:  # said the number again instead of yes
            new = spoken_entry(speech, entry.kind)
            if new is not None:
                return self._read_back(state, new)
        return self._read_back(state, entry)

    async def _recorded(self, form: Dict[str, str], state: CallState) -> str:
        """A spoken complaint: the recording (as MP3) becomes evidence, like a voice note."""
        settings = self.settings or get_settings()
        auth = (
            str(setting("TWILIO_ACCOUNT_SID", settings) or ""),
            str(setting("TWILIO_AUTH_TOKEN", settings) or ""),
        )
        url = form["RecordingUrl"] + ".mp3"  # Twilio serves the recording as MP3 on request
        told = await evidence.receive(
            getattr(self, "app", None),
            conversation_id(state.call_sid),
            CHANNEL,
            phone_of(form.get("From") or ""),
            "",
            state.language or "ur",
            [partial(fetch_media, url, auth, settings)],
        )
        spoken = [speakable(t, state.language) for t in told]
        return self._listen(state, spoken, state.last_prompt or "")

    def _metadata(self, form: Dict[str, str], state: CallState, **extra: Any) -> Dict[str, Any]:
        meta = {
            "language": state.language,
            "phone": phone_of(form.get("From") or ""),
            "call_sid": state.call_sid,
        }
        meta.update(extra)
        return meta

    async def _ask(
        self, form: Dict[str, str], state: CallState, text: str, on_new_message: Callable
    ) -> str:
        """Pass the caller's words to the assistant and speak its answer."""
        collector = TwilioVoiceOutput()
        await on_new_message(
            UserMessage(
                text,
                collector,
                conversation_id(state.call_sid),
                input_channel=CHANNEL,
                message_id=f"{state.call_sid}:{state.step}",
                metadata=self._metadata(form, state),
            )
        )
        if not collector.messages and not taken_over(CHANNEL, conversation_id(state.call_sid)):
            # Nothing came back (the assistant is down or failed): never silence on a call.
            await forget_unanswered(self._app, conversation_id(state.call_sid))
            sorry = speakable(apology(state.language, CHANNEL), state.language)
            return self._listen(state, [sorry], state.last_prompt or "")
        return await self.speak(form, state, collector.messages, on_new_message)

    async def speak(
        self,
        form: Dict[str, str],
        state: CallState,
        messages: List[Dict[str, Any]],
        on_new_message: Callable,
    ) -> str:
        """TwiML for the assistant's messages: speech, numbered keys, dialling or hanging up."""
        lang = state.language
        if any(m.get("utter_action") in MISUNDERSTOOD_RESPONSES for m in messages):
            state.misunderstood += 1
            if state.misunderstood >= MAX_MISUNDERSTOOD:
                return await self._end(form, state, "voice_goodbye_misunderstood", on_new_message)
        else:
            state.misunderstood = 0
        texts: List[str] = []
        choices: List[tuple] = []
        dial_to: Optional[str] = None
        hang_up = False
        state.pending_entry = None
        for m in messages:
            if m.get("text"):
                texts.append(speakable(str(m["text"]), lang))
            for button in m.get("buttons") or []:
                choices.append((str(button.get("title", "")), str(button.get("payload", ""))))
                texts.append(
                    say(
                        "voice_choice",
                        lang,
                        CHANNEL,
                        title=speakable(choices[-1][0], lang),
                        number=len(choices),
                    )
                )
            custom = m.get("custom") or {}
            if isinstance(custom, dict):
                if custom.get("dial"):
                    dial_to = self._dial_number(custom["dial"])
                hang_up = hang_up or bool(custom.get("hangup"))
                if custom.get("keypad"):
                    state.pending_entry = f"expect:{custom['keypad']}"
        state.choices = choices
        texts = [t for t in texts if t]
        if dial_to:
            return voice_twiml.dial(
                self._action(state),
                texts + [say("voice_dial", lang, CHANNEL)],
                dial_to,
                lang,
                self.settings,
            )
        if hang_up:
            return voice_twiml.goodbye(texts, lang, self.settings)
        hints = [say("voice_repeat_hint", lang, CHANNEL)]
        if any(m.get("utter_action") in COMPLAINT_QUESTIONS for m in messages):
            hints.append(say("voice_record_offer", lang, CHANNEL))
        prompt = " ".join(texts[-1:] + hints)
        return self._listen(state, texts[:-1], prompt)

    def _dial_number(self, value: Any) -> str:
        if value is True or value in ("call_centre", "call_center"):
            return self.call_centre_number
        return str(value)

    async def _end(
        self, form: Dict[str, str], state: CallState, goodbye: str, on_new_message: Callable
    ) -> str:
        """End the call kindly, asking the assistant to open a callback ticket."""
        reason = "no_input" if goodbye == "voice_goodbye_no_input" else "misunderstood"
        logger.info("Ending call %s (%s) with a callback offer", state.call_sid, reason)
        if state.language:
            try:
                await on_new_message(
                    UserMessage(
                        HUMAN_TEXT,
                        TwilioVoiceOutput(),
                        conversation_id(state.call_sid),
                        input_channel=CHANNEL,
                        metadata=self._metadata(form, state, callback_only=True, reason=reason),
                    )
                )
            except Exception:
                logger.exception("Callback request failed for call %s", state.call_sid)
        lang = state.language or "ur"
        texts = [say(goodbye, lang, CHANNEL)]
        if state.language is None:  # still at the menu: say it in both languages
            texts.append(say(goodbye, "en", CHANNEL))
        return voice_twiml.goodbye(texts, lang, self.settings)


def _xml(twiml: str) -> HTTPResponse:
    return response.text(twiml, content_type="text/xml")
