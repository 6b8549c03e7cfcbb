"""actions/conversation.py: a literal Tracker in, the exact events and responses out."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet, UserUtteranceReverted

from actions.conversation import (
    ActionChangeLanguage,
    ActionDefaultFallback,
    ActionFallback,
    ActionHandleInform,
    ActionOfficeLocation,
    ActionOutOfScope,
    ActionProgrammeInfo,
    ActionStartOffice,
    ValidateOfficeForm,
)
from actions.repair import menu_choice
from tests.auxil.trackers import at_question, run, slot, tracker, user, validate


def test_nonsense_gets_the_numbered_menu(db_url):
    events, said = run(ActionFallback(), tracker(user("blorp zzzt", "nlu_fallback", 0.2)))
    assert said == ["utter_menu"]
    assert events == [SlotSet("fallback_count", 1), SlotSet("pending_flow", "menu")]


def test_a_number_picks_from_the_menu(db_url):
    before = [slot("pending_flow", "menu")]
    conversation = tracker(user("۴"), {"pending_flow": "menu"}, before)
    events, said = run(ActionHandleInform(), conversation)
    assert said == []
    assert events == [
        SlotSet("pending_flow", None),
        SlotSet("fallback_count", 0),
        FollowupAction("office_form"),
    ]


def test_a_leftover_menu_does_not_swallow_the_rating(db_url, resolved_ticket):
    """The menu was shown before the ticket was resolved: "4" is her rating."""
    before = [slot("pending_flow", "menu")]
    conversation = tracker(
        user("4"), {"pending_flow": "menu"}, before, sender=resolved_ticket.sender
    )
    events, said = run(ActionHandleInform(), conversation)
    assert said == ["utter_resolution_rated"]
    assert events == [SlotSet("fallback_count", 0)]


def test_a_rating_in_words_after_the_menu_is_recorded_too(db_url, resolved_ticket):
    before = [slot("pending_flow", "menu")]
    message = user("haan hal ho gaya shukriya", "thank")
    conversation = tracker(message, {"pending_flow": "menu"}, before, sender=resolved_ticket.sender)
    events, said = run(ActionFallback(), conversation)
    assert said == ["utter_resolution_confirmed"]


def test_the_second_miss_in_a_row_goes_to_a_person(db_url):
    first = user("blorp", "nlu_fallback", 0.2, at=1_500.0)
    message = user("zzzt", "nlu_fallback", 0.2)
    conversation = tracker(message, {"fallback_count": 1}, [first])
    events, said = run(ActionFallback(), conversation)
    assert said == ["utter_handoff"]
    assert events == [SlotSet("fallback_count", 0), SlotSet("pending_flow", None)]


def test_the_default_fallback_forgets_the_message(db_url):
    events, said = run(ActionDefaultFallback(), tracker(user("qqq", "nlu_fallback", 0.1)))
    assert events[-1] == UserUtteranceReverted()
    assert said == ["utter_menu"]


def test_menu_choices():
    assert menu_choice(1)[-1] == FollowupAction("verify_form")
    assert SlotSet("pending_flow", "eligibility") in menu_choice(2)
    assert menu_choice(3)[-1] == FollowupAction("complaint_form")
    assert menu_choice(4)[-1] == FollowupAction("office_form")
    assert menu_choice(5)[-1] == FollowupAction("action_handoff")


def test_the_language_menu_takes_a_number(db_url):
    before = [slot("pending_flow", "language")]
    conversation = tracker(user("2"), {"pending_flow": "language"}, before)
    events, said = run(ActionHandleInform(), conversation)
    assert said == ["utter_language_changed"]
    assert events == [SlotSet("language", "ur"), SlotSet("pending_flow", None)]


def test_change_language_without_a_name_asks_which(db_url):
    events, said = run(ActionChangeLanguage(), tracker(user("change language", "change_language")))
    assert said == ["utter_ask_language"]
    assert events == [SlotSet("pending_flow", "language")]


def test_a_cnic_alone_asks_for_the_status(db_url):
    message = user("35202-1234567-1", entities={"cnic": "3520212345671"})
    events, said = run(ActionHandleInform(), tracker(message))
    assert events == [SlotSet("pending_flow", "status"), FollowupAction("verify_form")]


def test_a_district_alone_gets_its_office(db_url):
    message = user("Multan", entities={"district": "Multan"})
    events, said = run(ActionHandleInform(), tracker(message))
    assert (events, said) == ([], ["utter_office_location"])


def test_a_mistyped_cnic_alone_is_told_its_digit_count(db_url):
    events, said = run(ActionHandleInform(), tracker(user("35202123456")))
    assert (events, said) == ([], ["utter_invalid_cnic_length"])


def test_an_office_question_asks_the_district_then_answers(db_url):
    events, said = run(ActionStartOffice(), tracker(user("daftar kahan hai", "office_location")))
    assert (events, said) == ([], [])
    conversation = at_question(
        "district", user("Quetta", entities={"district": "Quetta"}), "office_form"
    )
    assert validate(ValidateOfficeForm(), "district", conversation) == ({"district": "Quetta"}, [])
    events, said = run(ActionOfficeLocation(), tracker(user("Quetta"), {"district": "Quetta"}))
    assert said == ["utter_office_location"]


def test_start_over_at_the_office_question(db_url):
    conversation = at_question("district", user("start over", "nlu_fallback", 0.3), "office_form")
    slots, said = validate(ValidateOfficeForm(), "district", conversation)
    assert (slots, said) == ({"district": None, "pending_flow": "menu"}, ["utter_start_over"])


def test_out_of_scope(db_url):
    events, said = run(ActionOutOfScope(), tracker(user("cricket score batao", "out_of_scope")))
    assert (events, said) == ([], ["utter_out_of_scope"])


def test_start_over_outside_a_form_offers_the_menu(db_url):
    events, said = run(ActionOutOfScope(), tracker(user("start over", "out_of_scope", 0.4)))
    assert said == ["utter_start_over"]
    assert events == [SlotSet("pending_flow", "menu"), SlotSet("offer", None)]


def test_programme_info(db_url):
    message = user("kafaalat kya hai", "programme_info", entities={"programme": "kafaalat"})
    events, said = run(ActionProgrammeInfo(), tracker(message))
    assert events == [] and said and said[0].startswith("utter_programme")


def test_a_follow_up_before_any_office_question_is_left_to_the_form_when_not_verified(db_url):
    message = user("ok so do I have to go somewhere", "office_location")
    events, said = run(ActionStartOffice(), tracker(message))
    assert (events, said) == ([], [])


def test_no_active_loop_event_when_nothing_is_pending(db_url):
    events, _ = run(ActionStartOffice(), tracker(user("office kahan hai", "office_location")))
    assert ActiveLoop(None) not in events
