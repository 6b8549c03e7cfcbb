"""The notification texts: every message in three languages, short enough for one SMS."""

from __future__ import annotations

import pytest

from bot.language.i18n import load_responses, render
from bot.tickets.notify import RESPONSES

PARAMS = dict(
    ticket_id="PCMS-12345674",
    deadline="14-03-2025",
    reference="WM-12345674",
    days=30,
    text="",
    done="x" * 40,  # the longest summary of what was done
)


@pytest.mark.parametrize("name", RESPONSES)
def test_each_message_exists_in_each_language_within_one_sms(name):
    responses = load_responses()
    variations = responses[name]
    languages = sorted(v["condition"][0]["value"] for v in variations)
    assert languages == ["en", "roman_ur", "ur"]
    for language in ("en", "ur", "roman_ur"):
        text = render(name, language, "twilio", responses=responses, **PARAMS)
        assert "{" not in text, text
        assert len(text) <= 160, text
    urdu = next(v["text"] for v in variations if v["condition"][0]["value"] == "ur")
    # Urdu script goes as UCS-2: 70 characters make one SMS.
    assert len(urdu) <= 70, urdu
    assert any("\u0600" <= ch <= "\u06ff" for ch in urdu)


def test_the_citizen_is_told_how_to_answer_in_their_language():
    responses = load_responses()
    roman = render("utter_notify_resolved_confirm", "roman_ur", responses=responses, **PARAMS)
    assert "1 (bura) se 5 (acha)" in roman and "NAHI" in roman
    english = render("utter_notify_resolved_confirm", "en", responses=responses, **PARAMS)
    assert "1 (bad) to 5 (good)" in english and "NO" in english
    urdu = render("utter_notify_resolved_confirm", "ur", responses=responses, **PARAMS)
    assert "1 تا 5" in urdu and "نہیں" in urdu
    assert "Wafaqi Mohtasib" in render(
        "utter_notify_ombudsman_referral", "roman_ur", responses=responses, **PARAMS
    )


def test_what_was_done_is_cut_to_fit_one_sms():
    from bot.tickets.notify import summary

    assert summary("Retailer's agent refunded Rs 2,000 to the citizen.") == (
        "Retailer's agent refunded Rs 2,000 to t…"
    )
    assert summary("  Paid  again. ") == "Paid  again".replace("  ", " ")
    assert summary(None) == "-"
