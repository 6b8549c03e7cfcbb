"""A CNIC with small talk around it is the person giving it (bot.nlu.data_intent)."""

import pytest

from bot.nlu.data_intent import intent_with_data


@pytest.mark.parametrize(
    "intent",
    ["deny", "affirm", "greet", "thank", "nlu_fallback", "update_details", "office_location"],
)
def test_small_talk_with_a_cnic_is_inform(intent):
    assert intent_with_data(intent, ["cnic"]) == "inform"


@pytest.mark.parametrize("intent", ["payment_status", "report_deduction", "check_eligibility"])
def test_a_question_with_a_cnic_keeps_its_intent(intent):
    assert intent_with_data(intent, ["cnic", "amount"]) == intent


def test_small_talk_without_a_cnic_is_left_alone():
    assert intent_with_data("deny", ["amount"]) == "deny"
