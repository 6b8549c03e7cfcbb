"""Fitting replies to SMS and WhatsApp: plain text, numbered choices, segment budget."""

from __future__ import annotations

import math
import re
from typing import List, Optional, Sequence, Tuple

from bot.core.identifiers import ascii_digits

# GSM 03.38 basic character set; the extension characters cost two septets.
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = "^{}\\[~]|€\f"

WHATSAPP_MAX_CHARS = 1600  # Twilio's limit for one message body

Choices = List[Tuple[str, str]]


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet (else the SMS is UCS-2)."""
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def segment_count(text: str) -> int:
    """How many SMS segments `text` takes: GSM-7 160/153, UCS-2 70/67."""
    if not text:
        return 1
    if is_gsm7(text):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if units <= single else math.ceil(units / multi)


# ---------------------------------------------------------------- plain text

_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0000fe0f\U0001f1e6-\U0001f1ff\u200d]"
)


def plain_text(text: str, whatsapp: bool = False) -> str:
    """Markdown to plain text; WhatsApp keeps *bold*, SMS loses emoji (they force UCS-2)."""
    text = _LINK.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: _bold(m, whatsapp), text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^\s*[*+]\s+", "- ", text)
    if not whatsapp:
        text = re.sub(r"[ \t]{2,}", " ", _EMOJI.sub("", text))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _bold(m: re.Match, whatsapp: bool) -> str:
    inner = m.group(1) or m.group(2) or ""
    return f"*{inner}*" if whatsapp else inner


def numbered_choices(text: str, buttons: Sequence[dict]) -> Tuple[str, Choices]:
    """Buttons as "1. ..." lines under the text, and the (title, payload) they stand for."""
    choices: Choices = []
    lines = [text.rstrip()] if text else []
    for i, button in enumerate(buttons, start=1):
        title = str(button.get("title") or button.get("payload") or "")
        choices.append((title, str(button.get("payload") or title)))
        lines.append(f"{i}. {title}")
    return "\n".join(lines), choices


def choice_payload(text: Optional[str], choices: Choices) -> Optional[str]:
    """The payload of the choice a reply like "1" (or "۱", "2.") picks, if any."""
    if not text or not choices:
        return None
    m = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", ascii_digits(text))
    if not m:
        return None
    index = int(m.group(1))
    return choices[index - 1][1] if 1 <= index <= len(choices) else None


MORE_WORDS = {"more", "aur", "mazeed", "mazid", "اور", "مزید"}


def asks_for_more(text: Optional[str]) -> bool:
    return bool(text) and text.strip().strip(".!؟?۔").lower() in MORE_WORDS


# The words channel_sms_more_hint tells people to send. With nothing left to send they
# are answered by the channel: passed on, "MORE" would be read as English (switching
# the replies' language) or taken as the answer to the assistant's open question.
MORE_HINT_WORDS = {"more", "mazeed", "mazid", "مزید"}


def is_more_hint_word(text: Optional[str]) -> bool:
    return bool(text) and text.strip().strip(".!؟?۔").lower() in MORE_HINT_WORDS


# ---------------------------------------------------------------- sentences and budget

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[؟۔])\s*|\n+")


def sentences(text: str) -> List[str]:
    """Split at sentence ends (also Urdu "۔" and "؟") and line breaks."""
    return [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]


def fits(text: str, max_segments: int) -> bool:
    """Within `max_segments` SMS segments; a negative budget means that many characters."""
    if max_segments < 0:
        return len(text) <= -max_segments
    return segment_count(text) <= max_segments


def _cut_words(text: str, max_segments: int, suffix: str) -> Tuple[str, str]:
    """The longest head of `text`, cut between words, that fits with `suffix`; the rest."""
    words = text.split(" ")
    head = words[0]
    i = 1
    while i < len(words) and fits(f"{head} {words[i]}{suffix}", max_segments):
        head = f"{head} {words[i]}"
        i += 1
    n = len(head)
    while n > 1 and not fits(head[:n] + suffix, max_segments):  # one enormous word
        n -= 1
    rest = (head[n:] + " " + " ".join(words[i:])).strip()
    return head[:n], rest


def _pieces(text: str) -> List[Tuple[str, str]]:
    """Sentences with the separator that followed them (a space or a line break)."""
    pieces: List[Tuple[str, str]] = []
    for line in text.split("\n"):
        found = sentences(line)
        for i, sentence in enumerate(found):
            pieces.append((sentence, "\n" if i == len(found) - 1 else " "))
    return pieces


def paginate(text: str, max_segments: int, more_hint: str = "") -> List[str]:
    """Pages of `text`, each within `max_segments` SMS segments, split at sentence ends.

    Every page but the last ends with `more_hint` (e.g. "Reply MORE for the rest"),
    which counts towards the budget. A sentence too long for a page is cut between words.
    A negative `max_segments` is a budget in characters (WhatsApp: -1600).
    """
    suffix = f"\n{more_hint}" if more_hint else ""
    pieces = _pieces(text)
    pages: List[str] = []
    current, sep = "", ""
    i = 0
    while i < len(pieces):
        piece, piece_sep = pieces[i]
        candidate = f"{current}{sep}{piece}" if current else piece
        last = i == len(pieces) - 1
        if fits(candidate if last else candidate + suffix, max_segments):
            current, sep = candidate, piece_sep
            i += 1
        elif current:
            pages.append(current)
            current, sep = "", ""
        else:
            head, rest = _cut_words(piece, max_segments, suffix)
            pages.append(head)
            pieces[i] = (rest, piece_sep)
    if current:
        pages.append(current)
    if not pages:
        return [""]
    return [p + suffix for p in pages[:-1]] + [pages[-1]]
