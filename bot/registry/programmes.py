"""Loads config/programmes.yml: amounts, cut-offs, age bands, exclusions, helpline facts.

The one place where figures live is the YAML file; this module only reads it and
answers questions such as "what was the Kafaalat amount on 1 March 2024?" or
"which programme does 'school wale paise' mean?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

PROGRAMME_KEYS = (
    "kafaalat",
    "taleemi_wazaif",
    "nashonuma",
    "undergraduate_scholarship",
    "bait_ul_mal",
    "zakat",
    "wwf",
    "eobi",
    "ppaf",
    "akhuwat",
    "flood_relief",
)


@dataclass(frozen=True)
class ProgrammesConfig:
    """The parsed programmes file; `raw` is the YAML mapping for less common facts."""

    raw: Mapping[str, Any]

    @property
    def helpline(self) -> Mapping[str, Any]:
        return self.raw["helpline"]

    @property
    def registry(self) -> Mapping[str, Any]:
        return self.raw["registry"]

    @property
    def exclusions(self) -> Mapping[str, Any]:
        return self.raw["exclusions"]

    @property
    def banks(self) -> list[str]:
        return list(self.raw["payment"]["banks"])

    @property
    def schedule(self) -> Mapping[str, Any]:
        """The disbursement schedule: when each quarter's payment window opens."""
        return self.raw["payment"]["schedule"]

    def programme(self, key: str) -> Mapping[str, Any]:
        """The section of one programme; KeyError for an unknown key."""
        return self.raw["programmes"][key]

    def name(self, key: str, language: str = "en") -> str:
        """Display name of a programme in en, ur or roman_ur."""
        return self.programme(key)["names"][language]

    def amounts_on(self, key: str, day: date) -> Mapping[str, Any]:
        """The amounts entry in force on `day` (the earliest one before any history)."""
        entries = sorted(self.programme(key)["amounts"], key=lambda e: e["from"])
        current = entries[0]
        for entry in entries:
            if entry["from"] <= day:
                current = entry
        return current

    def kafaalat_amount(self, day: date) -> int:
        """Kafaalat rupees per quarter on `day`."""
        return int(self.amounts_on("kafaalat", day)["amount"])

    def taleemi_wazaif_amount(self, level: str, gender: str, day: date) -> int:
        """Stipend per quarter for a child at `level`; transgender children get the girls' rate."""
        rates = self.amounts_on("taleemi_wazaif", day)[level]
        return int(rates["male"] if gender == "male" else rates["female"])

    def nashonuma_amount(self, who: str, day: date) -> int:
        """Nashonuma per quarter for 'mother', 'male' (boy) or 'female' (girl)."""
        entry = self.amounts_on("nashonuma", day)
        return int(entry[who if who in ("mother", "male") else "female"])

    def resolve(self, text: str) -> Optional[str]:
        """The programme key that `text` names (alias, key or display name), else None."""
        return _alias_index(self).get(_fold(text))

    def find_in(self, text: str) -> Optional[str]:
        """The programme named anywhere inside `text` (longest alias wins), else None."""
        folded = f" {_fold(text)} "
        best: Optional[tuple[int, str]] = None
        for alias, key in _alias_index(self).items():
            if f" {alias} " in folded and (best is None or len(alias) > best[0]):
                best = (len(alias), key)
        return best[1] if best else None


def _fold(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces: how aliases are compared."""
    text = re.sub(r"[^\w\u0600-\u06ff]+", " ", (text or "").lower())
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=8)
def _alias_index_cached(path: str) -> dict[str, str]:
    cfg = load_programmes(path)
    index: dict[str, str] = {}
    for key, section in cfg.raw["programmes"].items():
        names = [key, key.replace("_", " "), *section["names"].values(), *section["aliases"]]
        for name in names:
            index.setdefault(_fold(str(name)), key)
    return index


def _alias_index(cfg: ProgrammesConfig) -> dict[str, str]:
    return _alias_index_cached(cfg.raw["__path__"])


@lru_cache(maxsize=8)
def load_programmes(path: Optional[str] = None) -> ProgrammesConfig:
    """Read the programmes file (default: settings.PROGRAMMES_FILE), cached per path."""
    if path is None:
        from bot.core.settings import get_settings

        path = get_settings().PROGRAMMES_FILE
    with Path(path).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    raw["__path__"] = str(path)
    missing = [k for k in PROGRAMME_KEYS if k not in raw.get("programmes", {})]
    if missing:
        raise ValueError(f"{path}: programmes missing: {', '.join(missing)}")
    return ProgrammesConfig(raw)


def get_programmes() -> ProgrammesConfig:
    """The programmes configuration named by the current settings."""
    from bot.core.settings import get_settings

    return load_programmes(get_settings().PROGRAMMES_FILE)
