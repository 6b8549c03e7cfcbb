"""The cause of a grievance: the taxonomy in config/causes.yml and the cause of a complaint."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Tuple

import yaml

from bot.core.settings import get_settings
from bot.nlu.roman import fold_roman_text

OTHER = "other"


@dataclass(frozen=True)
class Cause:
    id: str
    label: str
    party: str
    categories: FrozenSet[str]
    refinable: bool
    words: Tuple[str, ...]  # folded


@dataclass(frozen=True)
class Taxonomy:
    causes: Tuple[Cause, ...]
    parties: Dict[str, str]  # party id -> how reports name it
    generic_point_words: FrozenSet[str]

    def get(self, cause_id: Optional[str]) -> Cause:
        for cause in self.causes:
            if cause.id == cause_id:
                return cause
        return self.get(OTHER) if cause_id != OTHER else self.causes[-1]

    @property
    def ids(self) -> Tuple[str, ...]:
        return tuple(c.id for c in self.causes)

    def label(self, cause_id: Optional[str]) -> str:
        return self.get(cause_id).label if cause_id else "not yet classified"

    def party_of(self, cause_id: Optional[str]) -> str:
        """The outside party concerned: partner_bank, nadra, district_office, survey_firm."""
        return self.get(cause_id).party


def _fold(text: str) -> str:
    return " " + " ".join(fold_roman_text(text or "").split()) + " "


def parse(data: dict) -> Taxonomy:
    parties = {str(k): str(v) for k, v in (data.get("parties") or {}).items()}
    causes = []
    for cause_id, raw in (data.get("causes") or {}).items():
        raw = raw or {}
        party = str(raw.get("party") or "district_office")
        if party not in parties:
            raise ValueError(f"causes.yml: cause {cause_id} names unknown party {party!r}")
        causes.append(
            Cause(
                id=str(cause_id),
                label=str(raw.get("label") or cause_id),
                party=party,
                categories=frozenset(str(c) for c in raw.get("categories") or []),
                refinable=bool(raw.get("refinable", False)),
                words=tuple(_fold(str(w)).strip() for w in raw.get("words") or []),
            )
        )
    if not any(c.id == OTHER for c in causes):
        raise ValueError("causes.yml: the taxonomy needs an 'other' cause")
    generic = frozenset(str(w).lower() for w in data.get("generic_point_words") or [])
    return Taxonomy(tuple(causes), parties, generic)


_cache: Dict[Tuple[str, str], Taxonomy] = {}
_lock = threading.Lock()


def load_taxonomy(path: Optional[str] = None) -> Taxonomy:
    """The taxonomy from CAUSES_FILE, re-read when the file changes."""
    file = Path(path or get_settings().CAUSES_FILE)
    raw = file.read_bytes()
    key = (str(file), hashlib.sha1(raw).hexdigest())
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = parse(yaml.safe_load(raw.decode("utf-8")) or {})
        return _cache[key]


def cause_of(category: str, text: str, taxonomy: Optional[Taxonomy] = None) -> str:
    """The cause of a complaint of `category` whose words are `text`.

    The category decides, unless its cause is refinable and the words name another cause
    (a payment "not received" because "my CNIC expired" is an expired CNIC).
    """
    taxonomy = taxonomy or load_taxonomy()
    by_category = next((c for c in taxonomy.causes if category in c.categories), None)
    base = by_category or taxonomy.get(OTHER)
    if not base.refinable:
        return base.id
    folded = _fold(text)
    for cause in taxonomy.causes:
        if cause.id != base.id and any(_said(word, folded) for word in cause.words):
            return cause.id
    return base.id


def _said(word: str, folded: str) -> bool:
    if not word:
        return False
    if word.isascii():
        return f" {word} " in folded
    return word in folded  # Urdu words take suffixes and are written joined
