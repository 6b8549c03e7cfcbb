"""The precedence table: repair, answer to the newest question, side question, new request."""

from __future__ import annotations

import itertools

import pytest

from bot.assistant import arbiter
from bot.assistant.arbiter import Message, Pending, decide, question_for
from bot.assistant.complaints import Verdict

# Every kind of pending question, as the actions and the voice line build them.
QUESTIONS = {
    "cnic": Pending(arbiter.SLOT, "cnic", 1),
    "amount": Pending(arbiter.SLOT, "amount", 1),
    "place": Pending(arbiter.SLOT, "complaint_place", 1),
    "details": Pending(arbiter.SLOT, "complaint_details", 1),
    "ticket": Pending(arbiter.SLOT, "ticket_id", 1),
    "issue_date": Pending(arbiter.ISSUE_DATE, "verification_answer", 1),
    "district": Pending(arbiter.DISTRICT, "district", 1),
    "menu": Pending(arbiter.MENU, "menu", 1),
    "language_menu": Pending(arbiter.MENU, "language", 1),
    "consent": Pending(arbiter.CONSENT, "complaint", 1),
    "rating": Pending(arbiter.RATING, "PCMS-00000013", 1),
    "readback": Pending(arbiter.READBACK, "cnic", 1),
    "followup": Pending(arbiter.FOLLOWUP, "status", 1),
}

# How people ask for each repair, in each script (intent as the NLU labels it).
REPAIR_WORDS = {
    (arbiter.CANCEL, "en"): Message("cancel", "deny", 0.9),
    (arbiter.CANCEL, "ur"): Message("رہنے دیں", "deny", 0.9),
    (arbiter.CANCEL, "roman_ur"): Message("chhoro isay", "deny", 0.9),
    (arbiter.RESTART, "en"): Message("start over", "nlu_fallback", 0.3),
    (arbiter.RESTART, "ur"): Message("دوبارہ شروع", "nlu_fallback", 0.3),
    (arbiter.RESTART, "roman_ur"): Message("shuru se karo", "inform", 0.5),
    (arbiter.BACK, "en"): Message("go back", "nlu_fallback", 0.3),
    (arbiter.BACK, "ur"): Message("پچھلا سوال", "inform", 0.4),
    (arbiter.BACK, "roman_ur"): Message("pichla sawal", "inform", 0.4),
    (arbiter.HUMAN, "en"): Message("I want to talk to a real person", "talk_to_human", 0.97),
    (arbiter.HUMAN, "ur"): Message("کسی انسان سے بات کروائیں", "talk_to_human", 0.95),
    (arbiter.HUMAN, "roman_ur"): Message("kisi insaan se baat karwa do", "talk_to_human", 0.95),
}


@pytest.mark.parametrize(
    "question, repair, language",
    list(itertools.product(QUESTIONS, arbiter.REPAIRS, ("en", "ur", "roman_ur"))),
)
def test_every_repair_wins_at_every_question_in_every_language(question, repair, language):
    decision = decide(REPAIR_WORDS[(repair, language)], [QUESTIONS[question]])
    assert (decision.step, decision.repair) == (arbiter.REPAIR, repair)
    assert decision.question == QUESTIONS[question]


def test_the_matrix_covers_every_kind_and_repair():
    assert {q.kind for q in QUESTIONS.values()} == set(arbiter.KINDS)
    assert {r for r, _ in REPAIR_WORDS} == set(arbiter.REPAIRS)


def test_a_leftover_menu_does_not_swallow_a_later_rating():
    menu = Pending(arbiter.MENU, "menu", 10)
    rating = Pending(arbiter.RATING, "PCMS-00000013", 20)
    for four in ("4", "۴"):
        decision = decide(Message(four, "inform"), [menu, rating])
        assert (decision.step, decision.question, decision.value) == (
            arbiter.ANSWER,
            rating,
            Verdict(rating=4),
        )
    # Asked after the rating, the menu is the question a "4" answers.
    later_menu = Pending(arbiter.MENU, "menu", 30)
    assert decide(Message("4", "inform"), [later_menu, rating]).question == later_menu


def test_a_menu_expires_when_a_form_question_is_asked_after_it():
    menu = Pending(arbiter.MENU, "menu", 10)
    amount = Pending(arbiter.SLOT, "amount", 20)
    decision = decide(Message("۴", "inform"), [menu, amount])
    assert (decision.step, decision.question) == (arbiter.RETRY, amount)  # no Rs 4, no menu


def test_a_cnic_given_after_the_rating_question_is_still_the_cnic():
    cnic = Pending(arbiter.SLOT, "cnic", 10)
    rating = Pending(arbiter.RATING, "PCMS-00000013", 20)
    message = Message("35202-1234567-1", "inform", entities={"cnic": "3520212345671"})
    decision = decide(message, [cnic, rating])
    assert (decision.step, decision.question, decision.value) == (
        arbiter.ANSWER,
        cnic,
        "3520212345671",
    )


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ("agent ne 700 rupay kaate", "report_deduction", {"amount": "700"}),
        ("the agent took 500 rupees", "report_deduction", {"amount": "500"}),
        ("ایجنٹ نے 700 روپے کاٹے", "report_deduction", {"amount": "700"}),
    ],
)
def test_an_amount_while_the_cnic_is_asked_is_no_short_cnic(text, intent, entities):
    decision = decide(Message(text, intent, 0.9, entities), [QUESTIONS["cnic"]])
    assert decision.step == arbiter.NEW and decision.problem is None


@pytest.mark.parametrize("text", ["3520212345", "35202 1234567", "۳۵۲۰۲۱۲۳۴۵۶۷", "123"])
def test_digits_meant_as_a_cnic_are_told_what_is_wrong(text):
    decision = decide(Message(text, "inform"), [QUESTIONS["cnic"]])
    assert (decision.step, decision.problem) == (arbiter.RETRY, "cnic")


@pytest.mark.parametrize("text", ["4", "۴", "5", "teen mahine se"])
def test_a_lone_digit_or_a_duration_is_no_amount(text):
    decision = decide(Message(text, "inform"), [QUESTIONS["amount"]])
    assert (decision.step, decision.problem) == (arbiter.RETRY, "amount")


@pytest.mark.parametrize(
    "text, entities, amount",
    [("500", {}, "500"), ("500 rupay", {"amount": "500"}, "500"), ("۵۰۰", {}, "500")],
)
def test_an_amount_is_taken(text, entities, amount):
    decision = decide(Message(text, "inform", entities=entities), [QUESTIONS["amount"]])
    assert (decision.step, decision.value) == (arbiter.ANSWER, amount)


@pytest.mark.parametrize(
    "text, entities, district",
    [
        ("Muzaffargarh", {"district": "Muzaffargarh"}, "Muzaffargarh"),
        ("مظفرگڑھ", {}, "Muzaffargarh"),
        ("Madina shop in Alipur", {}, "Muzaffargarh"),
        ("pata nahi", {}, arbiter.UNKNOWN),
    ],
)
def test_a_district_by_name_tehsil_or_dont_know(text, entities, district):
    decision = decide(Message(text, "inform", entities=entities), [QUESTIONS["district"]])
    assert (decision.step, decision.value) == (arbiter.ANSWER, district)


def test_an_unknown_word_at_the_district_question_is_asked_again():
    decision = decide(Message("Blorpistan", "inform", 0.4), [QUESTIONS["district"]])
    assert (decision.step, decision.problem) == (arbiter.RETRY, "district")


@pytest.mark.parametrize("filler", ["ji", "ok", "جی", "haan ji"])
def test_a_bare_ji_is_no_place(filler):
    decision = decide(Message(filler, "affirm"), [QUESTIONS["place"]])
    assert (decision.step, decision.problem) == (arbiter.RETRY, "filler")


def test_a_place_that_names_a_district_is_the_place_not_an_office_question():
    message = Message("Multan ki Madina dukaan par", "office_location", 0.7, {"district": "Multan"})
    decision = decide(message, [QUESTIONS["place"]])
    assert (decision.step, decision.value) == (arbiter.ANSWER, "Multan ki Madina dukaan par")


def test_a_sure_question_at_a_free_text_question_is_answered_on_the_side():
    message = Message("how do I register for BISP?", "how_to_register", 0.95)
    decision = decide(message, [QUESTIONS["place"]])
    assert (decision.step, decision.side) == (arbiter.SIDE, "how_to_register")


def test_a_side_question_while_the_cnic_is_asked():
    message = Message("is this SMS from BISP real?", "scam_check", 0.9)
    assert decide(message, [QUESTIONS["cnic"]]).side == "scam_check"


@pytest.mark.parametrize(
    "text, intent, asked",
    [
        ("to phir paise kis tarah milenge aur kab tak", "payment_status", ("next_step", "when")),
        ("ok so do I have to go somewhere", "office_location", ("next_step",)),
        ("تو پھر پیسے کب تک ملیں گے", "payment_status", ("when",)),
        ("اچھا تو یہ کیوں رکی ہے", "nlu_fallback", ("why",)),
        ("kab?", "ask_when", ("when",)),
    ],
)
def test_a_follow_up_in_a_whole_sentence_is_a_follow_up(text, intent, asked):
    decision = decide(Message(text, intent, 0.9), [QUESTIONS["followup"]])
    assert (decision.step, decision.value) == (arbiter.ANSWER, asked)


def test_a_new_complaint_after_a_status_answer_is_a_new_request():
    message = Message("agent ne paise kaat liye, kab tak wapas milenge", "report_deduction", 0.9)
    assert decide(message, [QUESTIONS["followup"]]).step == arbiter.NEW


def test_the_language_menu_takes_a_number_or_a_name():
    menu = QUESTIONS["language_menu"]
    assert decide(Message("2", "inform"), [menu]).value == "ur"
    assert decide(Message("english please", "change_language"), [menu]).value == "en"


def test_a_readback_no_is_its_answer_not_a_cancel():
    assert decide(Message("nahi", "deny"), [QUESTIONS["readback"]]).value is False
    assert decide(Message("2", "inform"), [QUESTIONS["readback"]]).value is False
    assert decide(Message("1", "inform"), [QUESTIONS["readback"]]).value is True


def test_with_nothing_pending_a_message_is_a_new_request():
    assert decide(Message("meri qist", "payment_status"), []).step == arbiter.NEW


def test_one_question_per_reply():
    said = ["utter_invalid_cnic_length"]
    assert question_for("cnic", said, asked_before=True) is None
    assert question_for("cnic", [], asked_before=True) == "utter_ask_cnic"
    assert question_for("complaint_place", [], asked_before=True) == (
        "utter_ask_complaint_place_again"
    )
    assert question_for("complaint_place", [], asked_before=False) == "utter_ask_complaint_place"
    assert question_for("district", ["utter_invalid_district"], True) is None
