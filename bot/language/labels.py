"""Short labels said inside other responses (ticket states, desks, evidence kinds).

Their texts are domain.yml responses named label_<group>_<key>, so every citizen text has
one home."""

from __future__ import annotations

from bot.language.i18n import render


def label(group: str, key: str, language: str) -> str:
    """The label of `key` in `group` for `language` (English when the language has none;
    the key itself when there is no such label)."""
    try:
        return render(f"label_{group}_{key}", language)
    except KeyError:
        return key.replace("_", " ")


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
