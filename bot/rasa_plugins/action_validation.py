"""Import-time fixes for Rasa 3.6 hot spots the profile found (adapter: imports Rasa).

Rasa 3.6 checks every action server response with `jsonschema.validate(response,
schema)`, which first re-checks the whole schema against the JSON Schema meta-schema and
builds a new validator: about two thirds of the Rasa process's busy time under load
(docs/PERFORMANCE.md, docs/profile-*.svg). Here the validator is built, and the schema
checked, once; every response is still validated against the same schema, and an invalid
one raises the same `ValidationError` with the same message.

Applied when Rasa loads the project's NLG (`bot.rasa_plugins.nlg` imports this module), so every Rasa
server started with our endpoints file has it; `apply()` is idempotent.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator: Optional[Any] = None


def action_response_validator() -> Any:
    """The validator of Rasa's action response schema, built (and the schema checked) once."""
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with a validator built once."""
    error: Optional[ValidationError] = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        "For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


apply()
