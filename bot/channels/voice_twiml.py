"""TwiML for the voice line: language menu, listening turns, read-back, dialling, goodbye."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.channels.config import setting
from bot.core.settings import Settings

MENU_LANGUAGES = {"1": "ur", "2": "en"}


@dataclass(frozen=True)
class VoiceProfile:
    """How one language is spoken and heard on the line."""

    say_language: str
    say_voice: str
    gather_language: str
    speech_model: str


RECORD_MAX_SECONDS = 120  # a spoken complaint; MP3 at Twilio's rate stays far under 5 MB


def voice_profile(language: Optional[str], settings: Optional[Settings] = None) -> VoiceProfile:
    """Urdu: heard as ur-PK, spoken with Google's Urdu voice (ur-IN); otherwise English (en-IN)."""
    key = "UR" if language == "ur" else "EN"
    return VoiceProfile(
        str(setting(f"VOICE_{key}_TTS_LANGUAGE", settings)),
        str(setting(f"VOICE_{key}_TTS_VOICE", settings)),
        str(setting(f"VOICE_{key}_STT_LANGUAGE", settings)),
        str(setting(f"VOICE_{key}_SPEECH_MODEL", settings) or ""),
    )


def _say(target: VoiceResponse | Gather, text: str, profile: VoiceProfile) -> None:
    if text:
        target.say(text, voice=profile.say_voice, language=profile.say_language)


def menu(
    action: str, urdu_prompt: str, english_prompt: str, settings: Optional[Settings] = None
) -> str:
    """The language menu: 1 Urdu, 2 English, each prompt in its own voice."""
    answer = VoiceResponse()
    gather = Gather(
        input="dtmf",
        num_digits=1,
        timeout=6,
        action=action,
        method="POST",
        action_on_empty_result=True,
    )
    _say(gather, urdu_prompt, voice_profile("ur", settings))
    _say(gather, english_prompt, voice_profile("en", settings))
    answer.append(gather)
    return str(answer)


def listen(
    action: str,
    before: List[str],
    prompt: str,
    language: Optional[str],
    settings: Optional[Settings] = None,
    hints: str = "",
) -> str:
    """Say `before`, then listen for speech or keypad digits (ended by #) while saying `prompt`.

    `hints` are the words the recogniser should expect for this question.
    """
    profile = voice_profile(language, settings)
    answer = VoiceResponse()
    for text in before:
        _say(answer, text, profile)
    gather = Gather(
        input="speech dtmf",
        action=action,
        method="POST",
        language=profile.gather_language,
        hints=hints or None,
        speech_model=profile.speech_model or None,
        speech_timeout="3",
        timeout=6,
        finish_on_key="#",
        action_on_empty_result=True,
    )
    _say(gather, prompt, profile)
    answer.append(gather)
    return str(answer)


def dial(
    action: str,
    before: List[str],
    number: str,
    language: Optional[str],
    settings: Optional[Settings] = None,
) -> str:
    """Say `before`, then connect the caller to `number`; Twilio reports back to `action`."""
    profile = voice_profile(language, settings)
    answer = VoiceResponse()
    for text in before:
        _say(answer, text, profile)
    answer.dial(number, action=action, method="POST", timeout=30)
    return str(answer)


def goodbye(texts: List[str], language: Optional[str], settings: Optional[Settings] = None) -> str:
    """Say `texts` and hang up."""
    profile = voice_profile(language, settings)
    answer = VoiceResponse()
    for text in texts:
        _say(answer, text, profile)
    answer.hangup()
    return str(answer)


def empty() -> str:
    return str(VoiceResponse())


def record(
    action: str, prompt: str, language: Optional[str], settings: Optional[Settings] = None
) -> str:
    """Say `prompt`, then record the caller (up to two minutes, # ends); Twilio posts the
    recording's URL to `action`."""
    profile = voice_profile(language, settings)
    answer = VoiceResponse()
    _say(answer, prompt, profile)
    answer.record(
        action=action,
        method="POST",
        max_length=RECORD_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
        timeout=5,
    )
    return str(answer)


def read_out(text: str, language: Optional[str], settings: Optional[Settings] = None) -> str:
    """An automated call: the notice read twice with a pause between, then goodbye."""
    profile = voice_profile(language, settings)
    answer = VoiceResponse()
    _say(answer, text, profile)
    answer.pause(length=2)
    _say(answer, text, profile)
    answer.hangup()
    return str(answer)
