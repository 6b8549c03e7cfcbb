"""Complaints: what to ask for each kind, then the ticket, committed before its number is told."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    draft_from,
    entity_value,
    has_proved,
    latest_text,
    read_cnic_slot,
    say,
)
from actions.repair import (
    STOPPING_FLOWS,
    decide,
    finish_stopped_flow,
    message_of,
    previous_slot,
    record_rating,
    slot_decision,
)
from bot.assistant import arbiter
from bot.assistant.answers import says_what_happened
from bot.assistant.arbiter import Decision, parse_district
from bot.assistant.complaints import (
    DESCRIPTION_LIMIT,
    file_complaint,
    guess_category,
    report_to_protection,
)
from bot.core.db import session_scope
from bot.core.districts import find_district


def district_value(name: Optional[str]) -> Optional[str]:
    """A district's canonical name, or None."""
    found = find_district(name or "")
    return found.name if found else None


COMPLAINT_SLOTS = [
    "complaint_category",
    "complaint_description",
    "complaint_place",
    "complaint_details",
    "amount",
]


# complaint_details when the first message already said what happened (kept as the description).
DETAILS_GIVEN = "-"


class ActionStartComplaint(Action):
    """Set the category and keep the person's own words as the description."""

    def name(self) -> Text:
        return "action_start_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        decision = decide(tracker)
        if record_rating(dispatcher, tracker, decision):
            return [ActiveLoop(None), FollowupAction("action_listen")]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = latest_text(tracker)
        accepted = decision.step == arbiter.ANSWER and decision.question is not None
        if accepted and decision.question.kind == arbiter.CONSENT and decision.value is True:
            category = tracker.get_slot("complaint_category") or "payment_not_received"
            description = tracker.get_slot("complaint_description") or ""
        else:
            category = guess_category(str(intent), text)
            description = text if says_what_happened(text) else ""
        events: List[EventType] = [
            SlotSet("pending_flow", None),  # a menu or a stopped flow waits no longer
            SlotSet("offer", None),
            SlotSet("complaint_category", category),
            SlotSet("complaint_description", description[:DESCRIPTION_LIMIT]),
            SlotSet("complaint_place", None),
            SlotSet("complaint_details", DETAILS_GIVEN if description else None),
        ]
        amount = entity_value(tracker, "amount")
        if category == "deduction" and amount:
            events.append(SlotSet("amount", amount))
        else:
            events.append(SlotSet("amount", None))
        return events


# Complaints handled at a place (a shop, a campsite): the desk that takes them is the
# district's, so the district is asked when the place did not name it.
PLACE_CATEGORIES = ("deduction", "biometric_failure")


def complaint_questions(category: Optional[str], ask_district: bool) -> List[str]:
    """What a complaint of `category` asks, in order. The district comes last, so "Madina
    shop in Alipur" can answer it on the way; a registered CNIC is asked it like any other
    (skipping it would tell anyone the CNIC is registered)."""
    needed = ["cnic"]
    if category == "deduction":
        needed += ["amount", "complaint_place"]
    elif category == "biometric_failure":
        needed.append("complaint_place")
    needed.append("complaint_details")
    if ask_district and category in PLACE_CATEGORIES:
        needed.append("district")
    return needed


class ValidateComplaintForm(FormValidationAction):
    """Asks only what this kind of complaint needs; the arbiter decides what each message is."""

    def name(self) -> Text:
        return "validate_complaint_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return []
        return self._questions(tracker)

    @staticmethod
    def _questions(tracker: Tracker) -> List[str]:
        cnic = tracker.get_slot("cnic")
        ask_district = not has_proved(tracker, cnic)
        return complaint_questions(tracker.get_slot("complaint_category"), ask_district)

    def _previous(self, tracker: Tracker, slot: str) -> Optional[str]:
        """The question asked before `slot` (what happened, when her first message told it,
        was never asked)."""
        asked = [
            name
            for name in self._questions(tracker)
            if name == slot or tracker.get_slot(name) != DETAILS_GIVEN
        ]
        return previous_slot(asked, slot)

    def validate_cnic(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        other, decision = slot_decision(dispatcher, tracker, "cnic", checks_attempts=True)
        if other is not None:
            return {**other, **self._noted(tracker, decision)}
        return {"cnic": read_cnic_slot(dispatcher, tracker, decision.value or latest_text(tracker))}

    def _noted(self, tracker: Tracker, decision: Decision) -> Dict[Text, Any]:
        """What a message that is no CNIC still tells about the complaint: "agent ne 700
        rupay kaate" while the CNIC is asked gives the amount (and the CNIC is asked again)."""
        if decision.step not in (arbiter.NEW, arbiter.SIDE):
            return {}
        if tracker.get_slot("requested_slot") != "cnic":
            return {}
        noted: Dict[Text, Any] = {}
        text = latest_text(tracker)
        category = tracker.get_slot("complaint_category")
        said = guess_category(str(message_of(tracker).intent), text)
        if category in (None, "other") and said != "other":
            noted["complaint_category"] = category = said
        amount = entity_value(tracker, "amount")
        if amount and category == "deduction":
            noted["amount"] = amount
        if says_what_happened(text):
            description = str(tracker.get_slot("complaint_description") or "")
            noted["complaint_description"] = (description + "\n" + text).strip()[:DESCRIPTION_LIMIT]
            noted["complaint_details"] = DETAILS_GIVEN
        return noted

    def validate_amount(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "amount":
            return {"amount": tracker.get_slot("amount") or slot_value}  # from the report
        other, decision = slot_decision(
            dispatcher, tracker, "amount", self._previous(tracker, "amount")
        )
        if other is not None:
            return other
        return {"amount": str(decision.value)}

    def validate_complaint_place(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        answer = self._free_text(slot_value, "complaint_place", dispatcher, tracker, 500)
        place = answer.get("complaint_place")
        if not place or tracker.get_slot("district"):
            return answer
        named = parse_district(message_of(tracker)).value
        if named and named != arbiter.UNKNOWN:
            answer["district"] = named  # "Madina shop in Alipur": Muzaffargarh
        return answer

    def validate_complaint_details(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        answer = self._free_text(
            slot_value, "complaint_details", dispatcher, tracker, DESCRIPTION_LIMIT
        )
        text = answer.get("complaint_details")
        if not text or text == DETAILS_GIVEN or set(answer) != {"complaint_details"}:
            return answer
        description = tracker.get_slot("complaint_description") or ""
        return {
            "complaint_details": text,
            "complaint_description": (description + "\n" + text).strip()[:DESCRIPTION_LIMIT],
        }

    def validate_district(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "district":
            # Named on the way (the place, a report): kept only when it is a district.
            return {"district": district_value(entity_value(tracker, "district"))}
        other, decision = slot_decision(
            dispatcher, tracker, "district", self._previous(tracker, "district")
        )
        return other if other is not None else {"district": decision.value}

    def _free_text(
        self,
        slot_value: Any,
        slot: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        limit: int,
    ) -> Dict[Text, Any]:
        """A place or an account of what happened: a real answer or an honest "don't know";
        "ji" or "ok" is asked again, in other words (actions.asking)."""
        text = str(slot_value or "").strip()
        if text == DETAILS_GIVEN or tracker.get_slot("requested_slot") != slot:
            return {slot: text or None}
        other, decision = slot_decision(dispatcher, tracker, slot, self._previous(tracker, slot))
        if other is not None:
            return other
        return {slot: str(decision.value)[:limit]}


class ActionSubmitComplaint(Action):
    """Open the ticket and commit it; only then tell its number."""

    def name(self) -> Text:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            # Cancelled, started over or a person asked for: nothing is filed here.
            cleared = [SlotSet(name, None) for name in COMPLAINT_SLOTS]
            return cleared + finish_stopped_flow(dispatcher, tracker)
        amount: Optional[str] = tracker.get_slot("amount")
        draft = draft_from(
            tracker,
            verified=has_proved(tracker, tracker.get_slot("cnic")),
            amount=int(amount) if amount and amount.isdigit() else None,
            place=tracker.get_slot("complaint_place") or "",
        )
        with session_scope() as session:
            replies = file_complaint(session, draft)
        # session_scope has committed: the number we give now exists.
        say(dispatcher, replies)
        return [SlotSet(name, None) for name in COMPLAINT_SLOTS]


class ActionDeclineOffer(Action):
    def name(self) -> Text:
        return "action_decline_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if not record_rating(dispatcher, tracker, decide(tracker)):  # a newer question's "no"
            dispatcher.utter_message(response="utter_anything_else")
        return [
            SlotSet("offer", None),
            SlotSet("complaint_category", None),
            SlotSet("complaint_description", None),
        ]


class ActionOfferProtection(Action):
    """Abuse, a demand for favours or a threat: offer the protection desk, keep her words."""

    def name(self) -> Text:
        return "action_offer_protection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_offer_protection")
        return [
            SlotSet("offer", "protection"),
            SlotSet("complaint_description", latest_text(tracker)[:DESCRIPTION_LIMIT]),
        ]


class ActionFileProtection(Action):
    """She agreed: the report goes to the protection desk, committed before its number is told."""

    def name(self) -> Text:
        return "action_file_protection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if record_rating(dispatcher, tracker, decide(tracker)):  # a newer question's "yes"
            return [SlotSet("offer", None)]
        draft = draft_from(tracker, category="protection")
        with session_scope() as session:
            replies = report_to_protection(session, draft)
        say(dispatcher, replies)
        return [SlotSet("offer", None), SlotSet("complaint_description", None)]
