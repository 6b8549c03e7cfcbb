"""Rasa NLG that answers in the user's language (adapter: imports Rasa).

Configured in endpoints.yml as `nlg: {type: bot.rasa_plugins.nlg.LanguageAwareNLG}`. It picks
the response variation whose `language` condition matches the language the user
chose, or else the language of their latest message, so replies follow the script
a person writes in without a round trip to the action server.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.language.i18n import LANGUAGES, conversation_language
from bot.rasa_plugins import (  # noqa: F401 - applied on import
    action_call,
    action_validation,
    metrics_hooks,
)
from bot.registry.programmes import get_programmes


class LanguageAwareNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses, variation chosen by language and channel."""

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        filled_slots = tracker.current_slot_values()
        # Facts every response may name, filled in from config/programmes.yml (never typed
        # into domain.yml, so a new number is changed in one place).
        kwargs.setdefault("call_centre", str(get_programmes().helpline.get("call_centre", "")))
        # An action may name the language outright (the confirmation of a language
        # change is sent before its slot event is applied).
        chosen = kwargs.get("language")
        filled_slots["language"] = (
            chosen
            if chosen in LANGUAGES
            else conversation_language(tracker.get_slot("language"), tracker.events)
        )
        return self.generate_from_slots(utter_action, filled_slots, output_channel, **kwargs)
