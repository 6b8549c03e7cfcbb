"""The districts of config/districts.yml: names in both scripts, aliases, tehsils, regions, offices.

The one district look-up: the NLU gazetteer, the registry, ticket routing and the texts
all read districts through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

from bot.core.settings import CONFIG_DIR

DISTRICTS_FILE = CONFIG_DIR / "districts.yml"


@dataclass(frozen=True)
class District:
    """One district with the names people use for it."""

    name: str
    province: str
    region: str
    urdu: str
    aliases: tuple[str, ...]
    tehsils: tuple[str, ...]
    office: Optional[Tuple[Tuple[str, str], ...]] = None  # (language, address) pairs

    def office_in(self, language: str) -> str:
        """The office address in `language` (English when the file has no such line)."""
        texts = dict(self.office or ())
        return texts.get(language) or texts.get("en") or f"BISP District Office, {self.name}"

    def name_in(self, language: str) -> str:
        """The district's name in the script of `language`."""
        return self.urdu if language == "ur" else self.name


def _fold(text: str) -> str:
    return re.sub(r"[^\w\u0600-\u06ff]+", "", (text or "").lower())


@lru_cache(maxsize=4)
def load_districts(path: str = str(DISTRICTS_FILE)) -> tuple[District, ...]:
    """All districts in file order."""
    with Path(path).open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)["districts"]
    return tuple(
        District(
            name=d["name"],
            province=d["province"],
            region=d["region"],
            urdu=d["urdu"],
            aliases=tuple(d.get("aliases") or ()),
            tehsils=tuple(d["tehsils"]),
            office=tuple(sorted((d.get("office") or {}).items())) or None,
        )
        for d in raw
    )


@lru_cache(maxsize=4)
def _index(path: str) -> dict[str, District]:
    index: dict[str, District] = {}
    for d in load_districts(path):
        for name in (d.name, d.urdu, *d.aliases):
            index.setdefault(_fold(name), d)
    return index


def find_district(text: str, path: str = str(DISTRICTS_FILE)) -> Optional[District]:
    """The district named by `text` (canonical name, Urdu name or alias), else None."""
    return _index(path).get(_fold(text))
