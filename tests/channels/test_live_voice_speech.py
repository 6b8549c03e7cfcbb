"""A caller who only speaks: verification, her answer and a complaint on the voice line.

Played as Twilio plays a call (signed webhooks, `SpeechResult` for every answer, no key
pressed after the language menu) against the running helpline with the trained model.
Every number she says is read back and confirmed with a spoken yes, and everything she
hears passes the spoken-form check (bot.channels.voice_text.screen_only).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bot.channels.voice_text import screen_only
from bot.registry.personas import PERSONAS
from tests.channels.test_live_channels import (
    STRANGER_PHONE,
    Phone,
    spoken,
    ticket_row,
)

pytestmark = pytest.mark.model

RUKHSANA = next(p for p in PERSONAS if p.key == "ready")  # 02-11-2020, Muzaffargarh
ALLAH_RAKHI = next(p for p in PERSONAS if p.key == "biometric")  # 21-07-2018


class Caller(Phone):
    """A phone whose every answer is spoken; each reply must be fit to be heard."""

    def __init__(self, live, language: str) -> None:
        super().__init__(live, "voice", STRANGER_PHONE)
        self.language = language

    def says(self, words: str) -> str:
        twiml = self.call(words)
        heard = spoken(twiml)
        assert screen_only(heard, self.language) == [], heard
        if self.language == "ur":  # the Urdu voice (place names may be in English)
            assert {el.get("language") for el in twiml.iter("Say")} == {"ur-IN"}
            assert twiml.find("Gather").get("language") == "ur-PK"
        assert twiml.find("Gather") is not None, f"the call ended after {words!r}: {heard}"
        return heard

    def hints(self) -> str:
        assert self.last is not None
        return ET.fromstring(self.last.text).find("Gather").get("hints") or ""


def ticket_spoken(heard: str) -> str:
    digits = re.search(r"\d(?:[ ،,]*\d){7}", heard) or re.search(
        r"((?:(?:zero|one|two|three|four|five|six|seven|eight|nine)[ ,]*){8})", heard
    )
    assert digits, f"no ticket number spoken in {heard!r}"
    words = "zero one two three four five six seven eight nine".split()
    text = digits.group(0)
    for i, w in enumerate(words):
        text = text.replace(w, str(i))
    return "PCMS-" + re.sub(r"\D", "", text)


def assert_deduction_ticket(live, heard: str, language: str, district: str) -> None:
    """The ticket number she heard exists: a Rs 500 deduction from this call."""
    ticket = ticket_row(live.database_url, ticket_spoken(heard))
    assert (ticket["category"], ticket["amount"]) == ("deduction", 500)
    assert (ticket["channel"], ticket["language"]) == ("twilio_voice", language)
    assert ticket["district"] == district


def test_a_caller_who_only_speaks_urdu_is_verified_answered_and_files_a_complaint(
    live_assistant,
):
    caller = Caller(live_assistant, "ur")
    caller.call(None)
    caller.says("dtmf:1")  # the language menu is the one key she presses

    asked = caller.says("میری قسط کا پتہ کرنا ہے")
    assert "شناختی کارڈ" in asked
    heard = caller.says("تین دو تین صفر تین، نو نو صفر صفر صفر صفر دو، چار")
    assert "تین دو تین صفر تین، نو نو صفر صفر صفر صفر دو، چار" in heard
    assert "13500" not in heard

    asked = caller.says("جی ہاں")
    assert "تاریخ" in asked and "بولیں" in asked  # she is told she can say it
    assert "نومبر" in caller.hints() and "اکیس" in caller.hints()
    heard = caller.says("دو نومبر دو ہزار بیس")
    assert "2 نومبر 2020" in heard

    answer = caller.says("جی ہاں")
    assert "تصدیق ہو گئی" in answer
    assert "13500 روپے" in answer and "Q4" not in answer
    assert re.search(r"(جنوری|اپریل|جولائی|اکتوبر) (تا|سے) (مارچ|جون|ستمبر|دسمبر) \d{4}", answer)

    heard = caller.says("ایجنٹ نے پانچ سو روپے کاٹ لیے")
    assert "500 روپے" in heard  # the amount is read back before it is used
    asked = caller.says("جی ہاں")
    assert "کب اور کہاں" in asked
    done = caller.says("علی پور کی مدینہ دکان پر کل")
    assert "شکایت درج ہو گئی" in done
    assert_deduction_ticket(live_assistant, done, "ur", RUKHSANA.district)


def test_a_caller_who_only_speaks_english_is_verified_answered_and_files_a_complaint(
    live_assistant,
):
    caller = Caller(live_assistant, "en")
    caller.call(None)
    caller.says("dtmf:2")

    asked = caller.says("I want to know about my payment")
    assert "CNIC" in asked
    heard = caller.says("three two three zero three double nine zero zero zero zero three six")
    assert "three two three zero three, nine nine zero zero zero zero three, six" in heard

    asked = caller.says("yes")
    assert "date of issue" in asked and "Say the day" in asked
    assert "July" in caller.hints()
    heard = caller.says("twenty first of july two thousand eighteen")
    assert "21 July 2018" in heard

    answer = caller.says("yes that's right")
    assert "fingerprint" in answer and "13500 rupees" in answer and "Q4" not in answer
    assert re.search(r"(January|April|July|October) to (March|June|September|December)", answer)

    heard = caller.says("the agent took five hundred rupees from my payment")
    assert "500 rupees" in heard
    asked = caller.says("yes")
    assert "Where and when" in asked
    done = caller.says("at the Madina shop in Alipur yesterday")
    assert "complaint is registered" in done
    assert_deduction_ticket(live_assistant, done, "en", ALLAH_RAKHI.district)
