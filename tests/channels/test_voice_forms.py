"""Every response, rendered for the voice line in each language, is fit to be heard.

A caller cannot send, type into a form, follow a link, read "15-08-2016 (day-month-year)"
or "2026-Q4". This renders every response of domain.yml and the channel texts the way
the voice line does (the twilio_voice variation when there is one, then `speakable`),
with parameters as the actions fill them, and refuses screen-only forms.
"""

from __future__ import annotations

import re
from typing import Dict, List

import pytest

from bot.assistant.format import quarter_text
from bot.channels.voice_text import screen_only, speakable
from bot.language import i18n

# Parameters as the actions fill them (bot.assistant.*): the raw values a reply carries.
PARAMS: Dict[str, str] = {
    "amount": "13,500",
    "plw_amount": "2,500",
    "girl_amount": "3,000",
    "allowance": "2,000",
    "income_limit": "60,000",
    "ticket_id": "PCMS-48210934",
    "ticket_id_spoken": "4 8 2 1 0 9 3 4",
    "quarter": "2026-Q4",
    "programme": "Benazir Kafaalat",
    "programmes": "Benazir Kafaalat, Taleemi Wazaif",
    "deadline": "9 Dec 2026",
    "updated": "2 Dec 2026",
    "date": "2 Dec 2026",
    "resurvey_from": "1 Jan 2027",
    "bank": "HBL",
    "digits": "three two three",
    "voice_number": "+92800026477",
    "district": "Muzaffargarh",
    "office": "BISP Tehsil Office, Alipur",
    "queue_name": "Payments desk",
    "status": "in progress",
    "reason": "biometric failure",
    "title": "Payment status",
}


# Channel texts of the other channels (SMS paging, Telegram buttons, pictures sent by
# WhatsApp, the answer to a typed STOP or START) are never said on the voice line; ticket
# notifications reach a voice caller by SMS (bot.tickets.notify).
OTHER_CHANNELS = (
    "channel_sms_",
    "channel_telegram_",
    "channel_media_",
    "channel_consent_",
    "utter_notify_",
)


def voice_texts() -> List[tuple]:
    out = []
    responses = i18n.load_responses()
    for name in sorted(responses):
        if name.startswith(OTHER_CHANNELS):
            continue
        for language in i18n.LANGUAGES:
            out.append((name, language, None))
    return out


@pytest.mark.parametrize("name, language, path", voice_texts())
def test_every_response_is_fit_to_be_heard(name, language, path):
    responses = i18n.load_responses(path)
    text = i18n.render(name, language, "twilio_voice", responses=responses, **PARAMS)
    heard = speakable(re.sub(r"\{\w+\}", "3", text), language)
    assert screen_only(heard, language) == [], heard


@pytest.mark.parametrize(
    "heard, language",
    [
        ("Please send it like 15-08-2016 (day-month-year).", "en"),
        ("براہ کرم اس طرح بھیجیں: 15-08-2016", "ur"),
        ("Apna CNIC number likhein.", "roman_ur"),
        ("Your instalment for 2026-Q4 was paid.", "en"),
        ("See https://8171.bisp.gov.pk for details.", "en"),
        ("It was paid through HBL.", "en"),
    ],
)
def test_screen_only_forms_are_refused(heard, language):
    assert screen_only(heard, language)


def test_a_quarter_is_said_as_its_months():
    assert quarter_text("2026-Q4", "ur", spoken=True) == "اکتوبر سے دسمبر 2026"
    assert quarter_text("2026-Q4", "en", spoken=True) == "October to December 2026"
    assert quarter_text("2027-Q1", "roman_ur", spoken=True) == "January se March 2027"
    assert "اکتوبر سے دسمبر 2026" in speakable("آپ کی 2026-Q4 کی قسط", "ur")
    assert "paid through Habib Bank on 2 December 2026" in speakable(
        "paid through HBL on 2 Dec 2026", "en"
    )
