"""Reads config/districts.yml: districts, their tehsils, regions and aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

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
    office: Optional[str] = None


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
            office=d.get("office"),
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
