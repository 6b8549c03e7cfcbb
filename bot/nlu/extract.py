"""Deterministic entities: CNIC, phone, ticket number, district, programme, amount.

Every entity carries offsets into the text the person typed, so Rasa can line it up
with tokens, and a value in the project's canonical form (bot.core.identifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, List, Optional, Tuple

import yaml

from bot.core.identifiers import (
    TICKET_NUMBER,
    CnicCheck,
    check_cnic,
    check_ticket_number,
    normalise_phone,
)
from bot.core.reference import find_references
from bot.nlu.gazetteer import district_gazetteer, find_names, programme_gazetteer
from bot.nlu.normalise import Normalised, as_text, normalise_with_offsets
from bot.nlu.numbers import Span, find_amounts, find_number_runs
from bot.nlu.roman import WORDS_FILE, load_lexicon


@dataclass(frozen=True)
class Entity:
    """One entity: [start, end) in the original text, canonical value, text as typed."""

    start: int
    end: int
    value: str
    entity: str
    raw: str
    is_valid: bool = True


# Where two entities overlap, the more specific one stays.
_PRIORITY = {"cnic": 0, "phone": 0, "ticket_id": 0, "programme": 1, "district": 2, "amount": 3}


@lru_cache(maxsize=1)
def common_words() -> FrozenSet[str]:
    """Everyday words that fuzzy place matching must never turn into a district."""
    exact, _ = load_lexicon()
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    words = set(exact) | set(exact.values())
    for key in ("english", "roman_urdu", "neutral"):
        words.update(str(w).lower() for w in data.get(key) or [])
    return frozenset(words)


def _entity(
    norm: Normalised, start: int, end: int, value: str, kind: str, ok: bool = True
) -> Entity:
    o_start, o_end = norm.to_original(start, end)
    return Entity(o_start, o_end, value, kind, norm.original[o_start:o_end], ok)


def _overlaps(start: int, end: int, spans: List[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _identifier_entities(norm: Normalised) -> Tuple[List[Entity], List[Span]]:
    """CNIC references, tickets with a PCMS prefix, then CNICs, phones and bare tickets
    in digit runs."""
    folded = norm.text
    found: List[Entity] = []
    taken: List[Span] = []
    # A channel put a reference where the person typed a CNIC (bot.privacy.vault): it
    # is the cnic entity, and its value stays the reference.
    for start, end, reference in find_references(folded):
        found.append(_entity(norm, start, end, reference, "cnic"))
        taken.append((start, end))
    for m in TICKET_NUMBER.finditer(folded):
        digits = re.sub(r"\D", "", m.group(1))
        value = f"PCMS-{digits}"
        found.append(
            _entity(norm, m.start(), m.end(), value, "ticket_id", check_ticket_number(value).ok)
        )
        taken.append((m.start(), m.end()))
    for run in find_number_runs(folded):
        if _overlaps(run.start, run.end, taken):
            continue
        for start, end, digits, kind in run.segments:
            if kind == "cnic":
                found.append(_entity(norm, start, end, digits, "cnic"))
            elif kind == "phone":
                found.append(_entity(norm, start, end, normalise_phone(digits) or "", "phone"))
            elif kind == "ticket":
                value = f"PCMS-{digits}"
                found.append(
                    _entity(norm, start, end, value, "ticket_id", check_ticket_number(value).ok)
                )
        # A run that is a broken identifier must not turn into amounts either.
        taken.append((run.start, run.end))
    return found, taken


def _resolve(entities: List[Entity]) -> List[Entity]:
    kept: List[Entity] = []
    for ent in sorted(entities, key=lambda e: (_PRIORITY[e.entity], e.start - e.end, e.start)):
        if not any(k.start < ent.end and ent.start < k.end for k in kept):
            kept.append(ent)
    return sorted(kept, key=lambda e: (e.start, e.end))


def extract_entities(text: object) -> List[Entity]:
    """All entities in `text`, in order, none overlapping another."""
    try:
        norm = normalise_with_offsets(as_text(text))
    except Exception:  # the normaliser is total; this guards the bot, not the tests
        return []
    found, taken = _identifier_entities(norm)
    for start, end, value in find_amounts(norm.text, blocked=taken):
        found.append(_entity(norm, start, end, value, "amount"))
    for start, end, value in find_names(programme_gazetteer(), norm.text):
        found.append(_entity(norm, start, end, value, "programme"))
    for start, end, value in find_names(district_gazetteer(), norm.text, common_words()):
        found.append(_entity(norm, start, end, value, "district"))
    return _resolve(found)


def find_invalid_cnic(text: object) -> Optional[CnicCheck]:
    """What is wrong with a CNIC-like number in `text` (12 or 14 digits, bad first
    digit), or None when the text has a valid CNIC or nothing that looks like one."""
    norm = normalise_with_offsets(as_text(text))
    if any(e.entity == "cnic" for e in _identifier_entities(norm)[0]):
        return None
    for run in find_number_runs(norm.text):
        if run.cnic_attempt:
            return check_cnic(run.cnic_attempt)
    return None
