"""config/districts.yml and config/programmes.yml: complete, consistent, findable."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bot.core.districts import find_district, load_districts
from bot.registry.programmes import PROGRAMME_KEYS, get_programmes


def test_every_province_and_region_has_its_districts():
    districts = load_districts()
    assert len(districts) >= 160
    provinces = Counter(d.province for d in districts)
    assert provinces["Punjab"] >= 36 and provinces["Sindh"] >= 29
    assert provinces["Khyber Pakhtunkhwa"] >= 34 and provinces["Balochistan"] >= 33
    assert {"Islamabad", "Gilgit-Baltistan", "Azad Jammu and Kashmir"} <= set(provinces)
    assert all(len(d.tehsils) >= 1 and d.urdu and d.region for d in districts)
    assert len({d.name for d in districts}) == len(districts)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("mzg", "Muzaffargarh"),
        ("Muzaffar Garh", "Muzaffargarh"),
        ("مظفرگڑھ", "Muzaffargarh"),
        ("koita", "Quetta"),
        ("D.G. Khan", "Dera Ghazi Khan"),
        ("Bajaur", "Bajaur"),
    ],
)
def test_districts_are_found_by_the_names_people_use(typed, name):
    assert find_district(typed).name == name


def test_muzaffargarh_has_its_real_tehsils():
    assert find_district("Muzaffargarh").tehsils == ("Muzaffargarh", "Alipur", "Jatoi")
    assert find_district("Muzaffargarh").region == "South Punjab"


def test_programmes_config_has_every_programme_in_three_languages():
    cfg = get_programmes()
    for key in PROGRAMME_KEYS:
        assert set(cfg.programme(key)["names"]) == {"en", "ur", "roman_ur"}


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("kafalat", "kafaalat"),
        ("Benazir card", "kafaalat"),
        ("کفالت", "kafaalat"),
        ("school wale paise", "taleemi_wazaif"),
        ("وظائف", "taleemi_wazaif"),
        ("نشوونما", "nashonuma"),
        ("Bait-ul-Mal", "bait_ul_mal"),
        ("EOBI", "eobi"),
    ],
)
def test_programme_aliases_resolve(typed, key):
    assert get_programmes().resolve(typed) == key


def test_programme_named_inside_a_sentence():
    assert get_programmes().find_in("mujhe taleemi wazaif ke bare mein batao") == "taleemi_wazaif"


def test_amounts_and_helpline_facts():
    cfg = get_programmes()
    assert cfg.kafaalat_amount(date(2025, 1, 1)) == 13500
    assert cfg.kafaalat_amount(date(2024, 12, 31)) == 10500
    assert cfg.kafaalat_amount(date(2023, 5, 1)) == 9000
    assert cfg.helpline["call_centre"] == "0800-26477"
    assert cfg.helpline["sms_short_code"] == "8171"
    assert cfg.helpline["ombudsman_after_days"] == 30
