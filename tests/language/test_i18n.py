"""Every response in three languages, short enough for SMS, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from bot.language.i18n import (
    LANGUAGES,
    effective_language,
    load_responses,
    pick_variation,
    render,
    requested_language,
)

RESPONSES = load_responses()
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# GSM-7 text: 3 segments of 153; Urdu (UCS-2): 3 segments of 67.
SMS_LIMIT = {"en": 3 * 153, "roman_ur": 3 * 153, "ur": 3 * 67}


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_each_response_exists_in_english_urdu_and_roman_urdu(name):
    for lang in LANGUAGES:
        variation = pick_variation(RESPONSES, name, lang)
        assert variation and variation["condition"][0]["value"] == lang, (
            f"{name} has no {lang} text"
        )


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_the_three_languages_use_the_same_placeholders(name):
    found = {
        lang: set(PLACEHOLDER.findall(pick_variation(RESPONSES, name, lang)["text"]))
        for lang in LANGUAGES
    }
    assert found["en"] == found["ur"] == found["roman_ur"], found


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_texts_fit_three_sms_segments(name):
    for lang in LANGUAGES:
        text = pick_variation(RESPONSES, name, lang)["text"]
        assert len(text) <= SMS_LIMIT[lang], f"{name}/{lang} is {len(text)} characters"


# Asked before anyone knows her language, so written in all three scripts at once.
IN_ALL_THREE = {"channel_telegram_choose_language"}


def test_urdu_texts_are_in_urdu_script_and_roman_texts_are_not():
    for name in set(RESPONSES) - IN_ALL_THREE:
        ur = pick_variation(RESPONSES, name, "ur")["text"]
        roman = pick_variation(RESPONSES, name, "roman_ur")["text"]
        assert re.search(r"[\u0600-\u06ff]", ur), name
        letters = [c for c in PLACEHOLDER.sub("", roman) if c.isalpha()]
        assert sum("\u0600" <= c <= "\u06ff" for c in letters) < 0.2 * len(letters), name


def test_voice_variations_avoid_links_and_emoji():
    for name, variations in RESPONSES.items():
        for v in variations:
            if v.get("channel") == "twilio_voice":
                assert not re.search(r"https?://|[\U0001F300-\U0001FAFF]", v["text"]), name


def test_render_fills_placeholders_in_the_chosen_language():
    text = render(
        "utter_ticket_created", "ur", ticket_id="PCMS-12345671", queue_name="x", deadline="y"
    )
    assert "PCMS-12345671" in text and "شکایت" in text
    spoken = render(
        "utter_ticket_created", "en", "twilio_voice", ticket_id_spoken="1 2 3", deadline="y"
    )
    assert "1 2 3" in spoken and "PCMS" not in spoken


@pytest.mark.parametrize(
    "text, lang",
    [
        ("english please", "en"),
        ("urdu mein likho", "ur"),
        ("roman urdu mein baat karo", "roman_ur"),
        ("انگریزی میں بتائیں", "en"),
        ("اردو میں جواب دیں", "ur"),
        ("what is this", None),
    ],
)
def test_a_language_request_is_understood(text, lang):
    assert requested_language(text) == lang


def test_an_explicit_choice_wins_then_the_latest_message_with_words():
    assert effective_language("en", ["ur", "roman_ur"]) == "en"
    assert effective_language(None, [None, "ur", "en"]) == "ur"
    assert effective_language(None, [None, None]) == "roman_ur"


def test_a_short_ambiguous_message_keeps_the_conversations_language():
    from bot.language.i18n import Heard, heard_language

    english = {"language": {"name": "en", "confidence": 0.8}}
    unsure = {"language": {"name": "roman_ur", "confidence": 0.5}}
    # "I have not received my payment", then "ok sir": still English.
    recent = [heard_language(unsure, None), heard_language(english, None)]
    assert recent[0] == Heard("roman_ur", sure=False)
    assert effective_language(None, recent) == "en"
    # Nothing clearer said yet: the guess is better than the default.
    assert effective_language(None, [Heard("en", sure=False)]) == "en"
    # The voice menu's choice is always sure.
    assert heard_language(unsure, {"language": "ur"}) == Heard("ur")


def test_the_reply_follows_a_clear_switch_but_not_a_bare_ok():
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.language.i18n import conversation_language

    def said(text, lang, confidence):
        return UserUttered(text, parse_data={"language": {"name": lang, "confidence": confidence}})

    def tracker_language(tracker):
        # Rasa's events (the NLG, the channels) and their serialised form (the actions)
        # give the same answer.
        serialised = [e.as_dict() for e in tracker.events]
        assert conversation_language(None, serialised) == conversation_language(
            None, tracker.events
        )
        return conversation_language(tracker.get_slot("language"), tracker.events)

    tracker = DialogueStateTracker.from_events(
        "t1",
        [said("paise nahi mile", "roman_ur", 0.9), said("ok sir", "roman_ur", 0.5)],
    )
    assert tracker_language(tracker) == "roman_ur"
    tracker = DialogueStateTracker.from_events(
        "t2",
        [said("I have not received my money", "en", 0.86), said("hi bhai", "roman_ur", 0.5)],
    )
    assert tracker_language(tracker) == "en"
    tracker.update(said("mujhe meri qist nahi mili", "roman_ur", 0.88))
    assert tracker_language(tracker) == "roman_ur"


def test_queue_names_are_written_in_the_reply_language():
    from bot.language.labels import queue_label

    assert queue_label("integrity:Muzaffargarh", "en") == "integrity desk, Muzaffargarh"
    assert queue_label("payments:Muzaffargarh", "ur") == "ادائیگی ڈیسک مظفرگڑھ"
    assert queue_label("tehsil:Muzaffargarh/Alipur", "roman_ur") == "tehsil daftar Alipur"
    assert queue_label("head_office", "ur") == "ہیڈ آفس"


@pytest.mark.parametrize(
    "lang, read_back",
    [("en", "4 out of 5"), ("ur", "5 میں سے 4"), ("roman_ur", "5 mein se 4")],
)
def test_a_rating_of_4_is_read_back_as_4_out_of_5(lang, read_back):
    # Urdu says the whole first: "5 میں سے 4" is 4 out of 5, "4 میں سے 5" would be 5 out of 4.
    text = render("utter_resolution_rated", lang, rating=4, ticket_id="PCMS-00000042")
    assert read_back in text
    assert "4 mein se 5" not in text and "4 میں سے 5" not in text


def test_a_corrected_cnic_in_english_keeps_a_roman_urdu_conversation():
    from bot.language.i18n import conversation_language

    def said(language: str, intent: str, cnic: bool = False) -> dict:
        entities = [{"entity": "cnic", "value": "CNIC#x"}] if cnic else []
        parse = {
            "language": {"name": language, "confidence": 0.95},
            "intent": {"name": intent},
            "entities": entities,
        }
        return {"event": "user", "parse_data": parse, "metadata": {}}

    events = [
        said("roman_ur", "payment_status"),
        said("en", "inform", cnic=True),  # "sorry wrong number. correct is 32303-…"
    ]
    assert conversation_language(None, events) == "roman_ur"
    # The same words as a first message still give the reply its language.
    assert conversation_language(None, events[1:]) == "en"
