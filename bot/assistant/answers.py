"""Whether a reply answers the question: "pata nahi", a bare "ji", "cancel", "start over".

The words are in bot/assistant/answer_words.yml and match on whole folded words
(bot.assistant.categories), so "wapas" in "paise wapas chahiye" is no "go back": a
command counts only in a short message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.assistant.categories import Phrase, fold_entry, folded_words, has_phrase

WORDS_FILE = Path(__file__).with_name("answer_words.yml")
COMMANDS = ("cancel", "restart", "back")
# A command is the whole message give or take a polite word: "ji cancel kar dein".
_COMMAND_MAX_WORDS = 5


@lru_cache(maxsize=1)
def _words() -> Dict[str, List[Phrase]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    return {key: [fold_entry(e) for e in entries] for key, entries in data.items()}


def _says(words: List[str], key: str) -> bool:
    return any(has_phrase(words, phrase) for phrase in _words()[key])


def is_dont_know(text: str) -> bool:
    """ "pata nahi", "I don't know", "یاد نہیں"."""
    return _says(folded_words(text), "dont_know")


def is_real_answer(text: str) -> bool:
    """Something more than "ji", "ok", "haan": a word that is no filler, or a number."""
    fillers = {p[0] for p in _words()["filler"]}
    return any(w not in fillers and (len(w) > 1 or w.isdigit()) for w in folded_words(text))


def says_what_happened(text: str) -> bool:
    """More than "I want to register a complaint": three words that tell what happened."""
    empty = {p[0] for key in ("filler", "complaint_request") for p in _words()[key]}
    return sum(1 for w in folded_words(text) if w not in empty and len(w) > 1) >= 3


def command(text: str) -> Optional[str]:
    """ "cancel", "restart" or "back" when a short message asks for it, else None."""
    words = folded_words(text)
    if not words or len(words) > _COMMAND_MAX_WORDS:
        return None
    for name in ("restart", "cancel", "back"):
        if _says(words, name):
            return name
    return None


FOLLOWUP_CUES = ("next_step", "when", "why")


def followup_cues(text: str) -> List[str]:
    """What a sentence asks about what was just told, of "next_step", "when" and "why":
    "to phir paise kis tarah milenge aur kab tak" asks how and when."""
    # A letter typed three times over ("qqqq", "zzzt") is noise, not the SMS "q" for kyun.
    kept = " ".join(w for w in (text or "").split() if not _NOISE.search(w))
    words = folded_words(kept)
    return [cue for cue in FOLLOWUP_CUES if _says(words, f"followup_{cue}")]


_NOISE = re.compile(r"(\w)\1\1")
