"""Complaints: what to ask for each kind, then the ticket, committed before its number is told."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    DistrictSlotValidation,
    conversation_context,
    entity_value,
    latest_text,
    read_cnic_slot,
    say,
    verified_cnic,
)
from actions.repair import MENU, STOPPED, repair
from actions.tickets import answer_pending_confirmation
from bot.assistant.answers import is_dont_know, is_real_answer, says_what_happened
from bot.assistant.complaints import (
    ComplaintDraft,
    amount_answer,
    file_complaint,
    guess_category,
    report_to_protection,
)
from bot.assistant.replies import Reply
from bot.core.db import session_scope

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
        if answer_pending_confirmation(dispatcher, tracker):
            return [ActiveLoop(None), FollowupAction("action_listen")]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = latest_text(tracker)
        if intent == "affirm" and tracker.get_slot("offer") == "complaint":
            category = tracker.get_slot("complaint_category") or "payment_not_received"
            description = tracker.get_slot("complaint_description") or ""
        else:
            category = guess_category(str(intent), text)
            description = text if says_what_happened(text) else ""
        events: List[EventType] = [
            SlotSet("pending_flow", None),  # a menu or a stopped flow waits no longer
            SlotSet("offer", None),
            SlotSet("complaint_category", category),
            SlotSet("complaint_description", description[:2000]),
            SlotSet("complaint_place", None),
            SlotSet("complaint_details", DETAILS_GIVEN if description else None),
        ]
        amount = entity_value(tracker, "amount")
        if category == "deduction" and amount:
            events.append(SlotSet("amount", amount))
        else:
            events.append(SlotSet("amount", None))
        return events


class ValidateComplaintForm(DistrictSlotValidation, FormValidationAction):
    """Asks only what this kind of complaint needs."""

    def name(self) -> Text:
        return "validate_complaint_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("pending_flow") in (STOPPED, MENU):
            return []
        category = tracker.get_slot("complaint_category")
        needed = ["cnic"]
        cnic = tracker.get_slot("cnic")
        # Skipping the question for a registered CNIC would tell anyone it is registered.
        if cnic and not tracker.get_slot("district") and verified_cnic(tracker) != cnic:
            needed.append("district")
        if category == "deduction":
            needed += ["amount", "complaint_place"]
        elif category == "biometric_failure":
            needed.append("complaint_place")
        needed.append("complaint_details")
        return needed

    def validate_cnic(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if not entity_value(tracker, "cnic"):
            repaired = repair(dispatcher, tracker, "cnic")
            if repaired is not None:
                return repaired
        return {"cnic": read_cnic_slot(dispatcher, tracker, slot_value)}

    def validate_amount(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        text = str(slot_value or "")
        repaired = repair(dispatcher, tracker, "amount", previous="district")
        if repaired is not None:
            return repaired
        found = entity_value(tracker, "amount")
        value = int(found) if found and found.isdigit() else amount_answer(text)
        if value is not None:
            return {"amount": str(value)}
        if is_dont_know(text):
            return {"amount": "unknown"}
        say(dispatcher, [Reply("utter_ask_amount")])
        return {"amount": None}

    def validate_complaint_place(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        return self._free_text(slot_value, "complaint_place", "amount", dispatcher, tracker, 500)

    def validate_complaint_details(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        answer = self._free_text(
            slot_value, "complaint_details", "complaint_place", dispatcher, tracker, 2000
        )
        text = answer.get("complaint_details")
        if not text or set(answer) != {"complaint_details"}:
            return answer
        description = tracker.get_slot("complaint_description") or ""
        return {
            "complaint_details": text,
            "complaint_description": (description + "\n" + text).strip()[:2000],
        }

    def _free_text(
        self,
        slot_value: Any,
        slot: str,
        previous: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        limit: int,
    ) -> Dict[Text, Any]:
        """A place or an account of what happened: a real answer or an honest "don't know";
        "ji" or "ok" is asked again, in other words."""
        text = str(slot_value or "").strip()
        if text == DETAILS_GIVEN:
            return {slot: text}
        repaired = repair(dispatcher, tracker, slot, previous=previous, free_text=True)
        if repaired is not None:
            return repaired
        if is_dont_know(text) or is_real_answer(text):
            return {slot: text[:limit]}
        dispatcher.utter_message(response=f"utter_ask_{slot}_again")
        return {slot: None}


class ActionSubmitComplaint(Action):
    """Open the ticket and commit it; only then tell its number."""

    def name(self) -> Text:
        return "action_submit_complaint"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("pending_flow") in (STOPPED, MENU):
            # Cancelled or started over: nothing is filed; the reply was given then.
            keep = tracker.get_slot("pending_flow") == MENU
            return [SlotSet(name, None) for name in COMPLAINT_SLOTS] + [
                SlotSet("pending_flow", MENU if keep else None)
            ]
        context = conversation_context(tracker)
        amount: Optional[str] = tracker.get_slot("amount")
        draft = ComplaintDraft(
            category=tracker.get_slot("complaint_category") or "other",
            description=tracker.get_slot("complaint_description") or "",
            cnic=tracker.get_slot("cnic"),
            verified=bool(tracker.get_slot("cnic"))
            and verified_cnic(tracker) == tracker.get_slot("cnic"),
            district=tracker.get_slot("district"),
            programme=tracker.get_slot("programme"),
            amount=int(amount) if amount and amount.isdigit() else None,
            place=tracker.get_slot("complaint_place") or "",
            language=context["language"],
            channel=context["channel"],
            sender_id=context["sender_id"],
            phone=context["phone"],
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
            SlotSet("complaint_description", latest_text(tracker)[:2000]),
        ]


class ActionFileProtection(Action):
    """She agreed: the report goes to the protection desk, committed before its number is told."""

    def name(self) -> Text:
        return "action_file_protection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        context = conversation_context(tracker)
        draft = ComplaintDraft(
            category="protection",
            description=tracker.get_slot("complaint_description") or "",
            cnic=tracker.get_slot("cnic"),
            district=tracker.get_slot("district"),
            programme=tracker.get_slot("programme"),
            language=context["language"],
            channel=context["channel"],
            sender_id=context["sender_id"],
            phone=context["phone"],
        )
        with session_scope() as session:
            replies = report_to_protection(session, draft)
        say(dispatcher, replies)
        return [SlotSet("offer", None), SlotSet("complaint_description", None)]
