"""Identity check before any personal data: CNIC, then a second factor."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    entity_value,
    has_proved,
    language_of,
    latest_text,
    proof_renewed,
    read_cnic_slot,
    say,
    verification_phone,
    verified_cnic,
)
from actions.conversation import ActionFallback
from actions.repair import (
    HUMAN,
    MENU,
    STOPPED,
    STOPPING_FLOWS,
    answer_followup,
    decide,
    finish_stopped_flow,
    message_of,
    record_rating,
    slot_decision,
)
from bot.assistant import arbiter, identity, status
from bot.assistant.answers import followup_cues
from bot.assistant.complaints import DESCRIPTION_LIMIT, ticket_status
from bot.core.conversations import address_of
from bot.core.db import session_scope
from bot.outreach import notice_reply

FLOW_OF_INTENT = {"check_eligibility": "eligibility", "payment_status": "payment"}


class ActionStartFlow(Action):
    """Remember what the person asked for, so it is answered once they are verified."""

    def name(self) -> Text:
        return "action_start_flow"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        decision = decide(tracker)
        if record_rating(dispatcher, tracker, decision):
            return [ActiveLoop(None), FollowupAction("action_listen")]
        if _is_followup(decision):
            # "to phir paise kis tarah milenge aur kab tak" after the status: a follow-up.
            return [
                *answer_followup(dispatcher, tracker, decision.value),
                ActiveLoop(None),
                FollowupAction("action_listen"),
            ]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        flow = FLOW_OF_INTENT.get(str(intent), "status")
        return [
            SlotSet("pending_flow", flow),
            SlotSet("offer", None),
            SlotSet("complaint_description", latest_text(tracker)[:DESCRIPTION_LIMIT]),
        ]


class ValidateVerifyForm(FormValidationAction):
    """CNIC and second factor; the sender's registered phone can stand in for the factor."""

    def name(self) -> Text:
        return "validate_verify_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        cnic = tracker.get_slot("cnic")
        if tracker.get_slot("pending_flow") in STOPPING_FLOWS:
            return []
        if has_proved(tracker, cnic):
            return []
        return domain_slots

    def validate_cnic(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        other, decision = slot_decision(dispatcher, tracker, "cnic", checks_attempts=True)
        if other is not None:
            return other
        cnic = read_cnic_slot(dispatcher, tracker, decision.value or latest_text(tracker))
        if cnic is None:
            return {"cnic": None}
        with session_scope() as session:
            outcome = identity.start(
                session,
                cnic,
                verification_phone(tracker),
                tracker.sender_id,
                language=language_of(tracker),
            )
        # Every reply about this CNIC shows it masked, so a mistyped digit can be seen.
        shown = identity.masked(cnic)
        for reply in outcome.replies:
            reply.params.setdefault("cnic_masked", shown)
        say(dispatcher, outcome.replies)
        # A new CNIC starts the check again: an answer given for the old one is void.
        return {"cnic": cnic, "cnic_masked": shown, "verification_answer": None, **outcome.slots}

    def validate_verification_answer(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        if entity_value(tracker, "cnic"):
            # "sorry, wrong number: 32303-…": validate_cnic took the new CNIC and asks again.
            return {"verification_answer": None}
        # A date, or a wrong one: the identity check counts it and says what is wrong.
        other, decision = slot_decision(
            dispatcher, tracker, "verification_answer", "cnic", checks_attempts=True
        )
        if other is not None:
            return other
        if decision.value == arbiter.UNKNOWN:
            # No date to hand: the phone on record or the office, never a guess.
            dispatcher.utter_message(response="utter_issue_date_unknown")
            return {"verification_answer": None, "pending_flow": STOPPED}
        cnic = tracker.get_slot("cnic")
        with session_scope() as session:
            outcome = identity.answer(
                session,
                str(cnic),
                latest_text(tracker) or str(slot_value or ""),
                tracker.sender_id,
                language=language_of(tracker),
            )
        say(dispatcher, outcome.replies)
        return outcome.slots


class ActionVerifiedAnswer(Action):
    """Answer what was asked (eligibility, payment) now that identity is settled."""

    def name(self) -> Text:
        return "action_verified_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        flow = tracker.get_slot("pending_flow")
        if flow in (MENU, STOPPED, HUMAN):  # started over, cancelled, a person asked for
            return [SlotSet("verification_answer", None), *finish_stopped_flow(dispatcher, tracker)]
        cnic = verified_cnic(tracker)
        events: List[EventType] = [
            SlotSet("pending_flow", None),
            SlotSet("verification_answer", None),
        ]
        if flow == "locked" or cnic is None:
            return events
        events += proof_renewed(tracker, cnic)
        language = language_of(tracker)
        if str(flow or "").startswith("ticket:"):  # a ticket asked before verifying
            with session_scope() as session:
                replies, _ = ticket_status(session, flow[7:], language, tracker.sender_id, cnic)
            say(dispatcher, replies)
            return events
        with session_scope() as session:
            asked = str(tracker.get_slot("complaint_description") or "")
            answer = status.answer(session, str(cnic), str(flow or "status"), language, asked)
        say(dispatcher, answer.replies)
        if answer.offer_category:
            events += [
                SlotSet("offer", "complaint"),
                SlotSet("complaint_category", answer.offer_category),
            ]
        return events


def _is_followup(decision: arbiter.Decision) -> bool:
    question = decision.question
    return (
        decision.step == arbiter.ANSWER
        and question is not None
        and (question.kind == arbiter.FOLLOWUP)
    )


class ActionStatusFollowup(Action):
    """ "Why?", "what should I do?", "when?" after a status answer: the reason, the next step
    or the date of what mattered most. Asked before anyone is verified, it starts the
    payment question instead."""

    def name(self) -> Text:
        return "action_status_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        cnic = verified_cnic(tracker)
        with session_scope() as session:
            notice = notice_reply.pending_notice(session, address_of(tracker.sender_id))
        if cnic is None and notice is None and not followup_cues(latest_text(tracker)):
            # No "when", "why" or "what now" in it: nonsense the NLU guessed a follow-up.
            return await ActionFallback().run(dispatcher, tracker, domain)
        decision = decide(tracker)
        if record_rating(dispatcher, tracker, decision):
            return []
        message = message_of(tracker)
        asked = arbiter.parse_followup(message).value or (
            arbiter.FOLLOWUP_OF_INTENT.get(str(message.intent), "why"),
        )
        if notice is not None:
            # A reply to a notice about her payment continues that notice.
            with session_scope() as session:
                notice = notice_reply.pending_notice(session, address_of(tracker.sender_id))
                say(
                    dispatcher,
                    notice_reply.answer(session, notice, asked[0], language_of(tracker), cnic),
                )
        if cnic is None:
            return [
                SlotSet("pending_flow", "payment"),
                SlotSet("offer", None),
                SlotSet("complaint_description", latest_text(tracker)[:DESCRIPTION_LIMIT]),
                FollowupAction("verify_form"),
            ]
        if notice is not None:
            return proof_renewed(tracker, cnic)
        return answer_followup(dispatcher, tracker, asked)
