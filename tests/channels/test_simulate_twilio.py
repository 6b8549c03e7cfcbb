"""The simulator's Twilio stand-in shows what the helpline sends on its own: an automated
call is heard, in its language, as the person called would hear it."""

from __future__ import annotations

from bot.channels.senders import build_senders
from bot.channels.simulate_twilio import FakeTwilioRest
from bot.core.settings import get_settings, reset_settings
from bot.language.i18n import render


def test_a_notice_call_and_an_sms_are_played_by_the_stand_in(channel_env, monkeypatch):
    shown = []
    api = FakeTwilioRest(0, shown.append).start()
    try:
        monkeypatch.setenv("TWILIO_API_BASE_URL", api.base_url)
        reset_settings()
        senders = build_senders(get_settings())
        text = render(
            "utter_notice_withheld_biometric_failure",
            "ur",
            "twilio_voice",
            programme="بینظیر کفالت",
            period="اکتوبر تا دسمبر 2026",
            amount="13,500",
        )
        assert senders["twilio_call"].send("+923006100036", text).startswith("CA")
        senders["twilio"].send("+923006100036", "Madadgar: test")
    finally:
        api.stop()
    assert shown[0] == "(call to +923006100036)"
    assert shown[1].startswith("  [ur-IN]") and "متبادل تصدیق" in shown[1]
    assert "13500 روپے" in shown[1]  # read as a number of rupees
    assert shown[3] == "  (hangs up)" and shown[4] == "(message to +923006100036) Madadgar: test"
