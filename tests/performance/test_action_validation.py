"""The action-response check Rasa runs on every action server answer still rejects bad ones."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.rasa_plugins.nlg  # noqa: F401 - Rasa loads our NLG, which applies the speed-ups
from bot.rasa_plugins.action_validation import action_response_validator


def test_a_valid_action_response_passes() -> None:
    response = {
        "events": [{"event": "slot", "name": "cnic", "value": "ref:abc"}],
        "responses": [{"response": "utter_greet"}],
    }
    assert RemoteAction("action_x", None)._validate_action_result(response)


def test_an_invalid_action_response_is_refused_with_rasas_message() -> None:
    with pytest.raises(ValidationError) as raised:
        RemoteAction("action_x", None)._validate_action_result({"events": "not a list"})
    assert "Failed to validate Action server response" in raised.value.message


def test_an_unknown_event_is_refused() -> None:
    with pytest.raises(ValidationError):
        RemoteAction("action_x", None)._validate_action_result(
            {"events": [{"event": "no_such_event"}]}
        )


def test_the_validator_is_built_once() -> None:
    assert action_response_validator() is action_response_validator()
