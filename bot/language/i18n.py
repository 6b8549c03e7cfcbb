"""Response texts in three languages: choosing the language and rendering a response.

The texts themselves live in `domain.yml` (Rasa response format, one variation per
language via `condition: [{type: slot, name: language, value: ur}]`, plus
`channel: twilio_voice` variations for the voice line). This module reads them as
plain YAML so that the ticket outbox, the console and the channels render exactly
the texts the assistant uses, without importing Rasa.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from bot.core.settings import ROOT

LANGUAGES = ("en", "ur", "roman_ur")
DEFAULT_LANGUAGE = "roman_ur"

Responses = Dict[str, List[Dict[str, Any]]]


@lru_cache(maxsize=4)
def load_responses(path: Optional[str] = None) -> Responses:
    """The `responses:` section of domain.yml (or another file of that format)."""
    file = Path(path) if path else ROOT / "domain.yml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return data.get("responses", {}) or {}


def _condition_language(variation: Mapping[str, Any]) -> Optional[str]:
    for cond in variation.get("condition", []) or []:
        if cond.get("name") == "language":
            return str(cond.get("value"))
    return None


def pick_variation(
    responses: Responses, name: str, language: str, channel: Optional[str] = None
) -> Optional[Dict[str, Any]]:
    """The variation of `name` for `language` and `channel`.

    A variation made for the channel wins; otherwise the channel-less one. A missing
    language falls back to English, then to any variation.
    """
    variations = responses.get(name) or []
    if not variations:
        return None

    def ranked(lang: str) -> Optional[Dict[str, Any]]:
        same_lang = [v for v in variations if _condition_language(v) == lang]
        if channel:
            for v in same_lang:
                if v.get("channel") == channel:
                    return v
        for v in same_lang:
            if not v.get("channel"):
                return v
        return None

    for lang in (language, "en"):
        found = ranked(lang)
        if found:
            return found
    return variations[0]


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, params: Mapping[str, Any]) -> str:
    """Replace {name} placeholders; unknown names stay as they are."""
    return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


def render(
    name: str,
    language: str,
    channel: Optional[str] = None,
    responses: Optional[Responses] = None,
    **params: Any,
) -> str:
    """The text of response `name` in `language` for `channel`, placeholders filled."""
    variation = pick_variation(responses or load_responses(), name, language, channel)
    if variation is None:
        raise KeyError(f"no response named {name!r}")
    return fill(str(variation.get("text", "")), params)


# ---------------------------------------------------------------- which language

_LANGUAGE_REQUEST = {
    "en": re.compile(r"\b(english|angrezi|angreezi|inglish|eng)\b|انگریزی|انگلش", re.I),
    "ur": re.compile(
        r"اردو|\burdu\s*(script|rasm ul khat|font|huroof|alphabet)|urdu\s*(m|me|mein|main|mai|mn)\b(?!.*roman)|\burdu\b",
        re.I,
    ),
    "roman_ur": re.compile(r"\broman\b|رومن", re.I),
}


def requested_language(text: str) -> Optional[str]:
    """Which language a change_language message asks for, if it names one."""
    if not text:
        return None
    if _LANGUAGE_REQUEST["roman_ur"].search(text):
        return "roman_ur"
    if _LANGUAGE_REQUEST["en"].search(text):
        return "en"
    if _LANGUAGE_REQUEST["ur"].search(text):
        return "ur"
    return None


# Under this confidence a message's language is a guess (a bare "ok sir", "thanks"):
# it does not move a conversation that already has a language.
TENTATIVE_BELOW = 0.6


@dataclass(frozen=True)
class Heard:
    """The language one user message was written in, and whether the NLU was sure."""

    language: Optional[str]
    sure: bool = True


def effective_language(
    chosen: Optional[str], recent_detected: Iterable[Union[None, str, Heard]]
) -> str:
    """The language to answer in.

    An explicit choice (change_language, the voice menu) holds until changed.
    Otherwise the language of the latest message that had words in it and whose
    language was clear; a short ambiguous message ("ok sir", "thanks") keeps the
    conversation's language, and only when nothing clearer was said does its guess
    count. Messages of digits only (a CNIC) say nothing about language.
    """
    if chosen in LANGUAGES:
        return str(chosen)
    guess: Optional[str] = None
    for item in recent_detected:
        heard = item if isinstance(item, Heard) else Heard(item)
        if heard.language not in LANGUAGES:
            continue
        if heard.sure:
            return str(heard.language)
        guess = guess or str(heard.language)
    return guess or DEFAULT_LANGUAGE


def heard_language(
    parse_data: Optional[Mapping[str, Any]], metadata: Optional[Mapping[str, Any]]
) -> Heard:
    """The language of one user message: the channel's word (voice menu) first, then the NLU's."""
    if metadata and metadata.get("language") in LANGUAGES:
        return Heard(str(metadata["language"]))
    detected = (parse_data or {}).get("language")
    confidence = 1.0
    if isinstance(detected, Mapping):
        try:
            confidence = float(detected.get("confidence", 1.0))
        except (TypeError, ValueError):
            confidence = 1.0
        detected = detected.get("name")
    if detected not in LANGUAGES:
        return Heard(None)
    if _is_data_message(parse_data):
        # "sorry wrong number, correct is 32303-…" in a Roman Urdu conversation is data,
        # not a switch to English: only a guess, used when nothing clearer was said.
        return Heard(str(detected), sure=False)
    return Heard(str(detected), sure=confidence >= TENTATIVE_BELOW)


def _is_data_message(parse_data: Optional[Mapping[str, Any]]) -> bool:
    """A message the NLU read as data (`inform`) that carries a CNIC."""
    intent = (parse_data or {}).get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    entities = (parse_data or {}).get("entities") or []
    has_cnic = any(isinstance(e, Mapping) and e.get("entity") == "cnic" for e in entities)
    return name == "inform" and has_cnic


# How many of the latest user messages are asked, at most.
RECENT_MESSAGES = 10


def _user_message(event: Any) -> Optional[Tuple[Any, Any]]:
    """(parse_data, metadata) of a user event, serialised (action server) or not (Rasa)."""
    if isinstance(event, Mapping):
        if event.get("event") == "user":
            return event.get("parse_data"), event.get("metadata")
        return None
    if getattr(event, "type_name", None) == "user":
        return getattr(event, "parse_data", None), getattr(event, "metadata", None)
    return None


def conversation_language(chosen: Optional[str], events: Sequence[Any]) -> str:
    """The language to answer this conversation in: the NLG, the actions and the channels
    all ask here. `chosen` is the language slot; `events` the tracker's, oldest first."""
    recent: List[Heard] = []
    for event in reversed(events):
        message = _user_message(event)
        if message is not None:
            recent.append(heard_language(*message))
            if len(recent) >= RECENT_MESSAGES:
                break
    return effective_language(chosen, recent)
