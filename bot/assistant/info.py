"""Answers that need no identity: programme facts, office addresses, language choice."""

from __future__ import annotations

from datetime import date
from typing import List, Optional

from bot.assistant.format import money
from bot.assistant.replies import Reply
from bot.core.districts import find_district
from bot.registry.programmes import PROGRAMME_KEYS, get_programmes


def programme_params(key: str, today: Optional[date] = None) -> dict:
    """The figures a programme's response quotes, all from config/programmes.yml."""
    cfg = get_programmes()
    today = today or date.today()
    prog = cfg.programme(key)
    if key == "kafaalat":
        rules = prog["eligibility"]
        return {
            "amount": money(cfg.kafaalat_amount(today)),
            "cutoff": rules["pmt_cutoff"],
            "cutoff_disabled": rules["pmt_cutoff_disability"],
        }
    if key == "taleemi_wazaif":
        out = {}
        for level, short in (
            ("primary", "primary"),
            ("secondary", "secondary"),
            ("higher_secondary", "higher"),
        ):
            out[f"girls_{short}"] = money(cfg.taleemi_wazaif_amount(level, "female", today))
            out[f"boys_{short}"] = money(cfg.taleemi_wazaif_amount(level, "male", today))
        return out
    if key == "nashonuma":
        return {
            "plw_amount": money(cfg.nashonuma_amount("mother", today)),
            "girl_amount": money(cfg.nashonuma_amount("female", today)),
        }
    if key == "undergraduate_scholarship":
        amounts = cfg.amounts_on(key, today)
        return {
            "income_limit": money(prog["eligibility"]["max_family_income_per_month"]),
            "allowance": money(amounts["living_allowance_per_year"]),
        }
    if key == "flood_relief":
        return {"amount": money(cfg.amounts_on(key, today).get("per_family"))}
    return {}


def programme_info(programme: Optional[str], text: str = "") -> List[Reply]:
    key = programme or (get_programmes().find_in(text) if text else None)
    if key not in PROGRAMME_KEYS:
        return [Reply("utter_programme_list")]
    return [Reply(f"utter_programme_{key}", programme_params(str(key)))]


def office_location(district_text: str, language: str) -> List[Reply]:
    district = find_district(district_text or "")
    if district is None:
        return [Reply("utter_invalid_district")]
    return [
        Reply(
            "utter_office_location",
            {"district": district.name_in(language), "office": district.office_in(language)},
        )
    ]
