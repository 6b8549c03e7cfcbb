"""Localised short labels (ticket status, desks, reasons) used inside responses."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

import yaml

from bot.core.settings import CONFIG_DIR


@lru_cache(maxsize=1)
def _labels() -> Dict[str, Dict[str, Dict[str, str]]]:
    return yaml.safe_load((CONFIG_DIR / "labels.yml").read_text(encoding="utf-8"))


def label(group: str, key: str, language: str) -> str:
    """The label of `key` in `group` for `language`, falling back to English, then the key."""
    entry: Dict[str, Any] = _labels().get(group, {}).get(key) or {}
    return str(entry.get(language) or entry.get("en") or key.replace("_", " "))


def queue_label(queue: str, language: str) -> str:
    """'integrity:Muzaffargarh' -> 'integrity desk, Muzaffargarh' in the language."""
    desk, _, place = queue.partition(":")
    name = label("desk", desk, language)
    if not place:
        return name
    district_name, _, tehsil = place.partition("/")
    place = tehsil or district_name
    if language == "ur":
        # Tehsils have no Urdu-script names in config/districts.yml: an Urdu reply names
        # the district, in Urdu script, rather than a tehsil in English letters.
        from bot.core.districts import find_district

        district = find_district(district_name)
        place = district.urdu if district else place
    return f"{name} {place}" if language != "en" else f"{name}, {place}"
