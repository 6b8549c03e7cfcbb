"""Every text a citizen can get from a config file exists in English, Urdu script and Roman Urdu."""

from __future__ import annotations

import re

import pytest

from bot.assistant.info import office_location
from bot.core.districts import load_districts
from bot.language.i18n import render
from bot.language.labels import queue_label
from bot.registry.programmes import PROGRAMME_KEYS, get_programmes

LANGUAGES = ("en", "ur", "roman_ur")
LATIN = re.compile(r"[A-Za-z]")


def is_urdu_script(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not LATIN.search(text)


@pytest.mark.parametrize("district", load_districts(), ids=lambda d: d.name)
def test_every_office_address_in_three_scripts(district):
    offices = dict(district.office or ())
    assert set(offices) == set(LANGUAGES), district.name
    assert is_urdu_script(offices["ur"]), offices["ur"]
    assert not is_urdu_script(offices["roman_ur"]) and not is_urdu_script(offices["en"])


def test_the_urdu_office_answer_has_no_english_address():
    (reply,) = office_location("کوئٹہ", "ur")
    text = render(reply.response, "ur", call_centre="0800-26477", **reply.params)
    assert "BISP District Office" not in text and "Quetta" not in text
    assert "کوئٹہ" in text and not LATIN.search(text.replace("0800-26477", ""))


def test_every_label_in_three_scripts():
    from bot.language.i18n import load_responses, pick_variation
    from bot.language.labels import label

    names = [n for n in load_responses() if n.startswith("label_")]
    assert {"label_status_closed", "label_desk_tehsil", "label_evidence_photo"} <= set(names)
    for name in names:
        for language in LANGUAGES:
            variation = pick_variation(load_responses(), name, language)
            assert variation["condition"][0]["value"] == language, f"{name} has no {language}"
        letters = [c for c in render(name, "ur") if c.isalpha()]
        latin = sum(1 for c in letters if LATIN.match(c))
        assert latin <= 0.2 * len(letters), f"{name} ur is not Urdu script"
    assert label("desk", "tehsil", "ur") == "تحصیل دفتر"
    assert label("status", "no_such_state", "en") == "no such state"


@pytest.mark.parametrize(
    "queue", ["integrity:Muzaffargarh/Alipur", "payments:Quetta", "head_office"]
)
def test_desk_names_in_urdu_replies_are_in_urdu_script(queue):
    assert not LATIN.search(queue_label(queue, "ur")), queue_label(queue, "ur")


@pytest.mark.parametrize("key", PROGRAMME_KEYS)
def test_every_programme_name_in_three_scripts(key):
    names = get_programmes().programme(key)["names"]
    assert set(names) >= set(LANGUAGES)
    assert not LATIN.search(names["ur"]), names["ur"]
