"""Whether a reply answers the question: non-answers, "don't know", cancel/start over/back."""

import pytest

from bot.assistant.answers import command, is_dont_know, is_real_answer, says_what_happened


@pytest.mark.parametrize("text", ["ji", "JI", "haan ji", "ok", "جی", "ہاں جی", "hmm", "theek hai"])
def test_a_bare_yes_is_no_answer(text):
    assert not is_real_answer(text)


@pytest.mark.parametrize(
    "text", ["Alipur ki Madina dukaan par kal", "kal", "ملتان کی مدینہ دکان پر", "campsite 3"]
)
def test_a_place_or_a_time_is_an_answer(text):
    assert is_real_answer(text)


@pytest.mark.parametrize(
    "text",
    ["pata nahi", "mujhe nahi pata", "I don't know", "i dont know my issue date", "پتہ نہیں"],
)
def test_dont_know_in_every_language(text):
    assert is_dont_know(text)


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("cancel", "cancel"),
        ("ji cancel kar dein", "cancel"),
        ("rehne do", "cancel"),
        ("رہنے دیں", "cancel"),
        ("start over", "restart"),
        ("shuru se", "restart"),
        ("دوبارہ شروع کریں", "restart"),
        ("go back", "back"),
        ("واپس", "back"),
        # the same words inside a longer account are part of it, not a command
        ("paise wapas chahiye abhi tak nahi mile bohat din ho gaye", None),
        ("retailer ne kaha stop karo aur line mein lago", None),
    ],
)
def test_commands_only_in_a_short_message(text, wanted):
    assert command(text) == wanted


@pytest.mark.parametrize(
    "text, told",
    [
        ("I want to register a complaint", False),
        ("mujhe shikayat darj karni hai", False),
        ("مجھے شکایت درج کرنی ہے", False),
        ("shikayat darj karni hai helpline par koi jawab nahi deta", True),
        ("the staff at the office were very rude to my mother", True),
    ],
)
def test_a_request_to_complain_does_not_say_what_happened(text, told):
    assert says_what_happened(text) is told
