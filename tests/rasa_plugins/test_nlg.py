"""Rasa's NLG with our variation choice: replies follow the language the person writes in."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.core.settings import ROOT
from bot.language.i18n import render
from bot.rasa_plugins.nlg import LanguageAwareNLG


@pytest.fixture(scope="module")
def nlg() -> LanguageAwareNLG:
    return LanguageAwareNLG(domain=Domain.load(str(ROOT / "domain.yml")))


def said(text: str, lang: str) -> UserUttered:
    return UserUttered(text, parse_data={"language": {"name": lang, "confidence": 0.9}})


def reply(nlg: LanguageAwareNLG, events, **kwargs) -> str:  # type: ignore[no-untyped-def]
    tracker = DialogueStateTracker.from_events("t", events)
    return asyncio.run(nlg.generate("utter_greet", tracker, "rest", **kwargs))["text"]


def test_the_reply_is_in_the_language_of_the_latest_message(nlg) -> None:  # type: ignore[no-untyped-def]
    assert reply(nlg, [said("salam", "roman_ur"), said("مجھے قسط نہیں ملی", "ur")]) == render(
        "utter_greet", "ur"
    )


def test_a_chosen_language_holds_and_an_action_may_name_one(nlg) -> None:  # type: ignore[no-untyped-def]
    events = [SlotSet("language", "en"), said("mujhe qist nahi mili", "roman_ur")]
    assert reply(nlg, events) == render("utter_greet", "en")
    assert reply(nlg, events, language="roman_ur") == render("utter_greet", "roman_ur")


def test_the_helpline_number_comes_from_the_programmes_file(nlg) -> None:  # type: ignore[no-untyped-def]
    from bot.registry.programmes import get_programmes

    number = get_programmes().helpline["call_centre"]
    tracker = DialogueStateTracker.from_events("t", [SlotSet("language", "ur")])
    text = asyncio.run(nlg.generate("utter_ticket_lookups_limited", tracker, "rest"))["text"]
    assert number in text and "{call_centre}" not in text
