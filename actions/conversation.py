"""Not understanding (the numbered menu), language choice, bare data (inform), the office."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    entity_value,
    has_proved,
    language_of,
    latest_text,
    metadata_of,
    say,
)
from actions.handoff import open_handoff
from actions.repair import (
    LANGUAGE,
    MENU,
    STOPPING_FLOWS,
    answered_pending,
    carried_out,
    decide,
    finish_stopped_flow,
    message_of,
    set_language,
    slot_decision,
)
from actions.tickets import tell_tickets
from bot.assistant import arbiter, identity
from bot.assistant.info import office_location, programme_info
from bot.core.db import session_scope
from bot.core.districts import find_district
from bot.core.identifiers import ascii_digits
from bot.language.i18n import requested_language
from bot.registry.verification import parse_date


def _previous_intent(tracker: Tracker) -> Optional[str]:
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionFallback(Action):
    """Ask to rephrase; on the second miss in a row, hand over to a person."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        done = carried_out(dispatcher, tracker, decide(tracker))
        if done is not None:
            return done
        misses = int(tracker.get_slot("fallback_count") or 0) + 1
        if _previous_intent(tracker) != "nlu_fallback":
            misses = 1
        if misses >= 2:
            open_handoff(dispatcher, tracker, "not understood twice")
            return [SlotSet("fallback_count", 0), SlotSet("pending_flow", None)]
        # A short numbered menu, not a guess at what was meant.
        dispatcher.utter_message(response="utter_menu")
        return [SlotSet("fallback_count", misses), SlotSet("pending_flow", MENU)]


class ActionDefaultFallback(ActionFallback):
    """When no rule applies: the same reply, and the message is forgotten so the bot listens."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if any(isinstance(e, dict) and e.get("event") == "followup" for e in events):
            return events  # a menu choice: what it starts needs the message kept
        return events + [UserUtteranceReverted()]


class ActionChangeLanguage(Action):
    def name(self) -> Text:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        wanted = requested_language(latest_text(tracker))
        if wanted is None:
            dispatcher.utter_message(response="utter_ask_language")
            return [SlotSet("pending_flow", LANGUAGE)]
        return set_language(dispatcher, wanted)


def _is_shared_phone(text: str, phone: Optional[str]) -> bool:
    digits = "".join(ch for ch in ascii_digits(text) if ch.isdigit())
    return bool(phone) and len(digits) >= 10 and str(phone).endswith(digits[-10:])


class ActionHandleInform(Action):
    """A message with only data in it: answer what that data is for."""

    def name(self) -> Text:
        return "action_handle_inform"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = latest_text(tracker).strip()
        done = carried_out(dispatcher, tracker, decide(tracker))
        if done is not None:
            return done
        ticket = entity_value(tracker, "ticket_id")
        if ticket:
            return tell_tickets(dispatcher, tracker, ticket)
        if entity_value(tracker, "cnic"):
            # A CNIC on its own is how people ask 8171 for their status.
            return [SlotSet("pending_flow", "status"), FollowupAction("verify_form")]
        district = entity_value(tracker, "district")
        if district and find_district(district):
            say(dispatcher, office_location(district, language_of(tracker)))
            return []
        programme = entity_value(tracker, "programme")
        if programme:
            say(dispatcher, programme_info(programme))
            return []
        if entity_value(tracker, "phone") or _is_shared_phone(
            text, metadata_of(tracker).get("phone")
        ):
            # A phone number on its own (a shared Telegram contact): the channel has noted it.
            dispatcher.utter_message(response="utter_phone_received")
            return []
        if parse_date(text) is not None:
            # An issue date after the check ended: locked (say until when), or ask again.
            cnic = str(tracker.get_slot("cnic") or "")
            with session_scope() as session:
                until = identity.locked_until(session, cnic, tracker.sender_id)
            if until is not None:
                say(dispatcher, [identity.locked_reply(until, language_of(tracker))])
                return []
            if cnic and not has_proved(tracker, cnic):
                return [SlotSet("pending_flow", "status"), FollowupAction("verify_form")]
        if arbiter.parse_cnic(message_of(tracker)).problem and _mostly_digits(text):
            # Digits that are no CNIC, phone or ticket: most likely a mistyped CNIC.
            say(dispatcher, identity.cnic_problem(identity.read_cnic(text)))
            return []
        dispatcher.utter_message(response="utter_menu")
        return [SlotSet("pending_flow", MENU)]


def _mostly_digits(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in ascii_digits(text))
    return digits >= 6


class ActionProgrammeInfo(Action):
    def name(self) -> Text:
        return "action_programme_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        say(dispatcher, programme_info(entity_value(tracker, "programme"), latest_text(tracker)))
        return []


class ActionStartOffice(Action):
    """Before the office question: "do I have to go somewhere?" after a status answer is a
    follow-up about her household, not a request for an office address."""

    def name(self) -> Text:
        return "action_start_office"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        decision = decide(tracker)
        done = answered_pending(dispatcher, tracker, decision)
        if done is not None:
            return [*done, ActiveLoop(None), FollowupAction("action_listen")]
        return []


class ActionOutOfScope(ActionFallback):
    """Something the helpline does not do, unless it answers a question still open; an
    unsure guess is not understood (the numbered menu), not "I cannot help with that"."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if message_of(tracker).confidence < arbiter.SURE:
            return await super().run(dispatcher, tracker, domain)
        done = carried_out(dispatcher, tracker, decide(tracker))
        if done is not None:
            return done
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ValidateOfficeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_office_form"

    def validate_district(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "district":
            found = find_district(entity_value(tracker, "district") or "")
            return {"district": found.name if found else None}
        other, decision = slot_decision(dispatcher, tracker, "district")
        if other is not None:
            return other
        if decision.value == arbiter.UNKNOWN:
            dispatcher.utter_message(response="utter_invalid_district")
            return {"district": None}
        return {"district": decision.value}

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return []
        return domain_slots


class ActionOfficeLocation(Action):
    def name(self) -> Text:
        return "action_office_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return finish_stopped_flow(dispatcher, tracker)
        say(
            dispatcher,
            office_location(str(tracker.get_slot("district") or ""), language_of(tracker)),
        )
        return []
