"""Every persona asks "where is my money?" over SMS in three languages and on the voice line.

Against the trained model (the session's `live_assistant`), over signed Twilio webhooks:
each conversation verifies with the CNIC and its issue date (typed, or keyed in on a call). The
tests check what she must hear: the state of each programme her household is in, the
amounts, the reason in plain words, the next step, dates from the payment schedule in
config, the script of the reply, and on the voice line quarters spoken as months. Follow-up
questions ("kyun?", "ab kya karun?", "kab?") get the reason, the step or the date.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Dict, List

import pytest

from bot.assistant.format import day_text
from bot.registry.personas import PERSONAS, persona
from bot.registry.programmes import get_programmes
from bot.registry.quarters import next_window
from tests.channels.test_live_channels import Phone, is_urdu_script, spoken

pytestmark = pytest.mark.model

ASK = {
    "en": "what is my payment status",
    "ur": "میری قسط کا کیا بنا",
    "roman_ur": "meri qist ka kya bana",
}
# Status questions asked by households whose answer used to be a dead end.
ISSUE_ASKS = {
    ("pmt_above", "en"): "what is my payment status",
    ("government_employee", "roman_ur"): "meri qist kyun nahi aa rahi",
    ("husband", "en"): "my payment status please",
    ("waitlisted", "ur"): "میری قسط کب آئے گی",
    ("waitlisted", "roman_ur"): "paise kab milen ge",
    ("nashonuma", "roman_ur"): "mujhe kitne paise mile hain",
}
VERIFIED = {"en": "identity is confirmed", "ur": "تصدیق ہو گئی", "roman_ur": "tasdeeq ho gayi"}


def _next_window(language: str) -> str:
    return day_text(next_window(date.today(), get_programmes().schedule)[1], language)


def facts(key: str, language: str) -> List[str]:
    """What persona `key` must be told in `language` when she asks about her payment."""
    en, ur = language == "en", language == "ur"
    kafaalat = "Rs 13,500" if not ur else "13,500 روپے"
    paid = "was paid on" if en else ("ادا ہو چکی" if ur else "ada ho chuki")
    count = "Count the cash" if en else ("رقم گن لیں" if ur else "paise gin lein")
    table: Dict[str, List[str]] = {
        "paid": [kafaalat, paid, "Madina Kiryana Store", count],
        "ready": [
            kafaalat,
            "ready" if en else ("تیار" if ur else "tayyar"),
            "original CNIC" if en else ("اصل شناختی کارڈ" if ur else "asal CNIC"),
            "BISP Campsite",
        ],
        "biometric": [
            "on hold" if en else ("روکے گئے" if ur else "roke gaye"),
            "fingerprint" if en else ("انگوٹھے" if ur else "angoothe"),
            "alternate verification" if en else ("متبادل تصدیق" if ur else "mutabadil tasdeeq"),
        ],
        "cnic_expired": [
            "expired" if en else ("میعاد ختم" if ur else "expire"),
            "NADRA" if not ur else "نادرا",
        ],
        "pmt_above": ["41.3", "32", "re-survey" if en else ("سروے" if ur else "survey")],
        "disability": [kafaalat, paid, "Bismillah Mobile Shop"],
        "waitlisted": [
            "waiting list" if not ur else "انتظار کی فہرست",
            "8171",
            "apply again" if en else ("دوبارہ درخواست" if ur else "dobara darkhwast"),
        ],
        "government_employee": [
            "government employee" if en else ("سرکاری ملازم" if ur else "sarkari mulazim"),
            "proof" if en else ("ثبوت" if ur else "saboot"),
        ],
        "transgender": [kafaalat, paid, "Usman Telecom"],
        "taleemi_wazaif": [kafaalat, "Iqra, Hassan Ali, Ayesha", "10,000", "Sana"],
        "nashonuma": [kafaalat, "Zarghuna Bibi, Maryam", "5,500"],
        # No membership oracle: the reply of a wrong issue date (or, after three, of the
        # lock-out), which sends her to the tehsil office either way.
        "not_in_registry": [
            "tehsil office" if en else ("تحصیل دفتر" if ur else "tehsil daftar"),
        ],
        "husband": [
            "woman of your household" if en else ("گھرانے کی خاتون" if ur else "gharane ki khatoon")
        ],
        "attendance": [kafaalat, "Usman Ali", "3,000", "70", "Rabia", "2,500"],
        "spouse_tax_payer": ["income tax" if not ur else "انکم ٹیکس"],
        "newly_enrolled": [
            "enrolled" if en else ("اندراج" if ur else "indraaj"),
            _next_window(language),
        ],
        "not_yet": [
            "not reached you yet" if en else ("نہیں پہنچی" if ur else "nahi pohanchi"),
            _next_window(language),
        ],
        "nashonuma_withheld": [
            kafaalat,
            "(Bibi Gul)",
            "2,500",
            "facilitation centre" if not ur else "سہولت مرکز",
        ],
    }
    return table[key]


def stranger() -> str:
    """A phone on nobody's record: each conversation its own, verified by the issue date."""
    return "+92321" + str(uuid.uuid4().int)[:7]


def verify_by_sms(live, key: str, language: str, ask: str) -> Phone:
    """Ask, give the CNIC and its issue date; the phone, its last reply is the answer."""
    p = persona(key)
    phone = Phone(live, "sms", stranger())
    asked = phone.text(ask)
    assert "13,500" not in asked
    phone.answer = phone.text(f"{p.cnic[:5]}-{p.cnic[5:12]}-{p.cnic[12]}")
    assert "13,500" not in phone.answer, "a payment told before the second factor"
    if re.search(r"date of issue|تاریخ", phone.answer):
        phone.answer = phone.text(p.cnic_issue_date.strftime("%d-%m-%Y"))
    return phone


STATUS_KEYS = [p.key for p in PERSONAS]


@pytest.mark.parametrize("language", ["en", "ur", "roman_ur"])
@pytest.mark.parametrize("key", STATUS_KEYS)
def test_sms_every_persona_hears_her_state_reason_and_next_step(live_assistant, key, language):
    ask = ISSUE_ASKS.get((key, language), ASK[language])
    answer = verify_by_sms(live_assistant, key, language, ask).answer
    if key != "not_in_registry":
        assert VERIFIED[language] in answer, answer
    for fact in facts(key, language):
        assert fact in answer, f"{key}/{language}: {fact!r} missing from {answer!r}"
    # Names and places come from the registry in Latin letters: the script is that of the rest.
    p = persona(key)
    written = (
        re.sub(r"\([^)]*\)|[A-Z][\w-]*(?:[ ,]+[A-Z][\w-]*)*", "", answer) if p.agent else answer
    )
    assert is_urdu_script(written) == (language == "ur"), answer
    assert re.search(r"\d{4}-Q\d", answer) is None, "a quarter label reached the citizen"
    if key == "husband":  # her payment is hers: nothing about amounts or dates
        assert "13,500" not in answer and "Shazia" not in answer


FOLLOW_UPS = {
    "en": ("why?", "what should I do?", "when?"),
    "ur": ("کیوں؟", "اب کیا کروں؟", "کب؟"),
    "roman_ur": ("kyun?", "ab kya karun?", "kab?"),
}
MARKERS = {  # how the reason and the step begin in each language
    "en": ("Reason:", "What to do:"),
    "ur": ("وجہ:", "کیا کریں:"),
    "roman_ur": ("Wajah:", "Kya karein:"),
}
# persona: words of the reason, of the step and of the "when" answer, by language
FOLLOW_UP_FACTS = {
    "waitlisted": {
        "en": ("funds", "apply again", "no date"),
        "ur": ("فنڈز", "دوبارہ درخواست", "کوئی تاریخ نہیں"),
        "roman_ur": ("funds", "dobara darkhwast", "koi tareekh nahi"),
    },
    "attendance": {
        "en": ("attendance below 70%", "head teacher", "NEXT"),
        "ur": ("حاضری 70 فیصد سے کم", "ہیڈ ٹیچر", "NEXT"),
        "roman_ur": ("hazri 70 feesad se kam", "head teacher", "NEXT"),
    },
    "pmt_above": {
        "en": ("41.3", "re-survey", "re-survey is possible"),
        "ur": ("41.3", "دوبارہ سروے", "دوبارہ سروے"),
        "roman_ur": ("41.3", "dobara survey", "Dobara survey"),
    },
    "not_yet": {
        "en": ("payment window", "8171", "NEXT"),
        "ur": ("ادائیگی مدت", "8171", "NEXT"),
        "roman_ur": ("adaigi muddat", "8171", "NEXT"),
    },
    "husband": {
        "en": ("woman of the household", "her own CNIC", "only to her"),
        "ur": ("گھرانے کی خاتون", "اپنے شناختی کارڈ", "صرف انہیں"),
        "roman_ur": ("gharane ki khatoon", "apne CNIC", "sirf unhein"),
    },
}


@pytest.mark.parametrize("language", ["en", "ur", "roman_ur"])
@pytest.mark.parametrize("key", sorted(FOLLOW_UP_FACTS))
def test_sms_follow_ups_get_the_reason_the_step_and_the_date(live_assistant, key, language):
    phone = verify_by_sms(live_assistant, key, language, ASK[language])
    first = phone.answer
    why, what, when = (phone.text(q) for q in FOLLOW_UPS[language])
    reason_words, step_words, when_words = FOLLOW_UP_FACTS[key][language]
    reason_mark, step_mark = MARKERS[language]
    assert reason_mark in why, why
    assert reason_words in why, why
    assert step_words in what, what
    assert when_words.replace("NEXT", _next_window(language)) in when, when
    for reply in (why, what, when):
        assert reply != first and reply.strip(), "a follow-up repeated the whole answer"
        assert is_urdu_script(reply) == (language == "ur"), reply


def test_a_follow_up_before_verification_asks_for_the_cnic_and_tells_nothing(live_assistant):
    p = persona("waitlisted")
    phone = Phone(live_assistant, "sms", "+923219876599")  # on nobody's record
    asked = phone.text("kab?")
    assert "CNIC" in asked and "waiting list" not in asked
    phone.text(p.cnic)
    answer = phone.text(p.cnic_issue_date.strftime("%d-%m-%Y"))
    assert "waiting list" in answer and "8171" in answer


# ------------------------------------------------------------------ voice line

VOICE_KEYS = [p.key for p in PERSONAS if p.in_registry]
SPOKEN_RANGE = {
    "en": r"(January|April|July|October) to (March|June|September|December) \d{4}",
    "ur": r"(جنوری|اپریل|جولائی|اکتوبر) سے (مارچ|جون|ستمبر|دسمبر) \d{4}",
}


SPOKEN_MONTHS = {"Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April",
                 "Jun": "June", "Jul": "July", "Aug": "August", "Sep": "September",
                 "Oct": "October", "Nov": "November", "Dec": "December"}  # fmt: skip


def spoken_facts(key: str, language: str) -> List[str]:
    """The written facts as the voice line says them: amounts without commas or Rs, the
    short code digit by digit."""
    out = []
    for fact in facts(key, language):
        fact = re.sub(r"(?<=\d),(?=\d{3})", "", fact)
        fact = fact.replace("Rs 13500", "13500 rupees").replace("8171", "8 1 7 1")
        for short, full in SPOKEN_MONTHS.items():  # dates are read with the month in full
            fact = re.sub(rf"\b{short}\b", full, fact)
        out.append(fact.lower())
    return out


@pytest.mark.parametrize("key", VOICE_KEYS)
def test_voice_every_persona_hears_her_status_with_quarters_as_months(live_assistant, key):
    language = "ur" if VOICE_KEYS.index(key) % 2 == 0 else "en"
    p = persona(key)
    phone = Phone(live_assistant, "voice", "+923219876598")  # caller id not on record
    phone.call(None)
    phone.call("dtmf:1" if language == "ur" else "dtmf:2")
    phone.call(ASK[language])
    phone.call(f"dtmf:{p.cnic}#")
    phone.call("dtmf:1")  # the CNIC read back is right
    phone.call(f"dtmf:{p.cnic_issue_date.strftime('%d%m%Y')}#")
    status = phone.call("dtmf:1")  # the date read back is right
    said = spoken(status)
    if language == "ur":  # names and places from the registry are in Latin letters
        assert all(el.get("language") == "ur-IN" for el in status.iter("Say"))
        assert is_urdu_script(said), said
    for fact in spoken_facts(key, language):
        if not re.search(r"[A-Za-z]", fact) or language == "en":
            assert fact in said.lower(), f"{key}/{language}: {fact!r} not said in {said!r}"
    assert "Rs" not in said and re.search(r"\d{4}-Q\d", said) is None
    if key not in ("pmt_above", "waitlisted", "government_employee", "spouse_tax_payer",
                   "husband", "newly_enrolled"):  # fmt: skip
        assert re.search(SPOKEN_RANGE[language], said), f"no quarter in months: {said!r}"
    when = spoken(phone.call("کب؟" if language == "ur" else "when?"))
    assert when.strip() and when != said
