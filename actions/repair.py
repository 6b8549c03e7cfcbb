"""The actions' side of the arbiter: a conversation's pending questions, and its decision.

bot.assistant.arbiter holds the precedence table; this module reads what the tracker and
the ticket store say is pending, asks the arbiter about the latest message and carries
out what it decided where every action does it the same way (repair, side questions, a
rating that arrives in the middle of anything).
"""

from __future__ import annotations

from datetime import timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    channel_of,
    entity_value,
    language_of,
    latest_text,
    proof_renewed,
    say,
    verified_cnic,
)
from actions.handoff import open_handoff
from bot.assistant import arbiter, status
from bot.assistant.arbiter import Decision, Message, Pending
from bot.assistant.complaints import awaiting_confirmation, confirm
from bot.assistant.info import office_location, programme_info
from bot.core.db import session_scope

# pending_flow values that end the active form without answering or filing anything.
STOPPED = "stopped"
MENU = "menu"
HUMAN = "human"  # a person was asked for inside a form: the form ends, a person follows
LANGUAGE = "language"
STOPPING_FLOWS = ("not_found", "locked", STOPPED, MENU, HUMAN)

# The kind of pending question each form slot is.
SLOT_KIND = {"verification_answer": arbiter.ISSUE_DATE, "district": arbiter.DISTRICT}


def message_of(tracker: Tracker) -> Message:
    """The latest message as the arbiter reads it."""
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    entities: Dict[str, str] = {}
    for e in latest.get("entities") or []:
        if e.get("entity") and e.get("value") and e["entity"] not in entities:
            entities[str(e["entity"])] = str(e["value"])
    return Message(
        text=latest_text(tracker),
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        entities=entities,
    )


def _last_set(tracker: Tracker, slot: str, value: Any = None) -> Optional[float]:
    """When `slot` was last set (to `value`, if given): the time its question was asked."""
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == slot:
            if value is None or event.get("value") == value:
                return float(event.get("timestamp") or 0.0)
            return None
    return None


def _last_bot_reply(tracker: Tracker, prefix: str) -> Optional[float]:
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            name = str((event.get("metadata") or {}).get("utter_action") or "")
            if name.startswith(prefix):
                return float(event.get("timestamp") or 0.0)
    return None


def form_question(tracker: Tracker) -> Optional[Pending]:
    """The active form's question."""
    slot = tracker.get_slot("requested_slot")
    if not tracker.active_loop_name or not slot:
        return None
    kind = SLOT_KIND.get(str(slot), arbiter.SLOT)
    return Pending(kind, str(slot), _last_set(tracker, "requested_slot", slot) or 0.0)


def dialogue_questions(tracker: Tracker) -> List[Pending]:
    """The questions the dialogue asked that wait outside a form: a menu, the language
    menu, an offer, and a status answer its follow-ups may be about."""
    found: List[Pending] = []
    flow = tracker.get_slot("pending_flow")
    if flow == MENU:
        found.append(Pending(arbiter.MENU, MENU, _last_set(tracker, "pending_flow", MENU) or 0.0))
    if flow == LANGUAGE:
        asked = _last_set(tracker, "pending_flow", LANGUAGE) or 0.0
        found.append(Pending(arbiter.MENU, LANGUAGE, asked))
    offer = tracker.get_slot("offer")
    if offer:
        found.append(Pending(arbiter.CONSENT, str(offer), _last_set(tracker, "offer") or 0.0))
    told = _last_bot_reply(tracker, "utter_status_")
    if told is not None and verified_cnic(tracker):
        found.append(Pending(arbiter.FOLLOWUP, "status", told))
    return found


def rating_question(tracker: Tracker) -> Optional[Pending]:
    """The outbox's "is it solved? rate it 1 to 5", when a ticket of this conversation waits."""
    with session_scope() as session:
        ticket = awaiting_confirmation(session, channel_of(tracker), tracker.sender_id)
        if ticket is None:
            return None
        at = ticket.resolved_at or ticket.updated_at
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return Pending(arbiter.RATING, str(ticket.number), at.timestamp())


def pending_of(tracker: Tracker) -> List[Pending]:
    """Every question this conversation waits on."""
    found = [form_question(tracker), *dialogue_questions(tracker), rating_question(tracker)]
    return [p for p in found if p is not None]


def decide(tracker: Tracker) -> Decision:
    """The arbiter's decision about the latest message."""
    return arbiter.decide(message_of(tracker), pending_of(tracker))


# ------------------------------------------------------------------ carrying it out


def record_rating(dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision) -> bool:
    """The answer to the rating question, recorded on its ticket; True when it was one."""
    if decision.step != arbiter.ANSWER or decision.question is None:
        return False
    if decision.question.kind != arbiter.RATING:
        return False
    with session_scope() as session:
        ticket = awaiting_confirmation(session, channel_of(tracker), tracker.sender_id)
        if ticket is None:
            return False
        replies = confirm(session, ticket, decision.value, language_of(tracker))
    say(dispatcher, replies)
    return True


def answer_side(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> None:
    """Answer a question asked on the side (the pending question is asked again after)."""
    if intent in arbiter.SIDE_QUESTIONS:
        dispatcher.utter_message(response=arbiter.SIDE_QUESTIONS[intent])
    elif intent == "programme_info":
        say(dispatcher, programme_info(entity_value(tracker, "programme"), latest_text(tracker)))
    elif intent == "office_location":
        say(
            dispatcher,
            office_location(str(entity_value(tracker, "district")), language_of(tracker)),
        )


def repair_slots(
    dispatcher: CollectingDispatcher, decision: Decision, slot: str, previous: Optional[str]
) -> Dict[Text, Any]:
    """The slots a form sets for a repair of the question `slot`."""
    if decision.repair == arbiter.CANCEL:
        dispatcher.utter_message(response="utter_cancelled")
        return {slot: None, "pending_flow": STOPPED}
    if decision.repair == arbiter.RESTART:
        dispatcher.utter_message(response="utter_start_over")
        return {slot: None, "pending_flow": MENU}
    if decision.repair == arbiter.HUMAN:
        return {slot: None, "pending_flow": HUMAN}
    # Back: the question before this one again (or this one, if it is the first).
    return {slot: None, **({previous: None} if previous else {})}


def slot_decision(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    previous: Optional[str] = None,
    checks_attempts: bool = False,
) -> tuple[Optional[Dict[Text, Any]], Decision]:
    """The arbiter's decision about the answer to the form question `slot`.

    Returns the slots to set when the message is no answer to it (a repair, a rating,
    a side question, a wrong attempt, something else), else None and the decision whose
    `value` is the parsed answer. With `checks_attempts`, a wrong attempt is the caller's
    to check too (the identity check says what is wrong with a CNIC or a date).

    A slot filled on the way (a CNIC in "sorry wrong number, correct is …" while the
    issue date is asked, a CNIC in the first message) or before the form began (the CNIC
    of an earlier check) is no answer to the question asked: it is only read by its own
    parser, or kept as it is."""
    if tracker.get_slot("requested_slot") != slot:
        question = Pending(SLOT_KIND.get(slot, arbiter.SLOT), slot)
        parsed = arbiter.parse(question, message_of(tracker))
        if parsed.answered:
            return None, Decision(arbiter.ANSWER, question, value=parsed.value)
        kept = tracker.get_slot(slot)  # filled before the form began: checked as it is
        if kept is not None:
            return None, Decision(arbiter.ANSWER, question, value=kept)
        return {slot: None}, Decision(arbiter.NEW, question)
    decision = decide(tracker)
    if decision.step == arbiter.REPAIR:
        return repair_slots(dispatcher, decision, slot, previous), decision
    asked = decision.question is not None and decision.question.name == slot
    if decision.step == arbiter.ANSWER and decision.question is not None:
        if asked:
            return None, decision
        record_rating(dispatcher, tracker, decision)
        return {slot: None}, decision
    if decision.step == arbiter.RETRY and asked and checks_attempts:
        return None, decision
    if decision.step == arbiter.RETRY:
        reply = arbiter.RETRY_REPLIES.get(str(decision.problem))
        if reply:
            dispatcher.utter_message(response=reply)
        return {slot: None}, decision
    if decision.step == arbiter.SIDE and decision.side:
        answer_side(dispatcher, tracker, decision.side)
    return {slot: None}, decision


def previous_slot(required: List[str], slot: str) -> Optional[str]:
    """The slot asked before `slot` in this form's order."""
    return required[required.index(slot) - 1] if slot in required and required.index(slot) else None


# ------------------------------------------------------------------ outside a form


def finish_stopped_flow(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """After a form a repair ended: a person takes over, or the menu keeps waiting."""
    flow = tracker.get_slot("pending_flow")
    if flow == HUMAN:
        open_handoff(dispatcher, tracker, "asked for a person")
        return [SlotSet("pending_flow", None), SlotSet("fallback_count", 0)]
    if flow == MENU:
        return [SlotSet("pending_flow", MENU)]
    return [SlotSet("pending_flow", None)]


def answered_pending(
    dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision
) -> Optional[List[EventType]]:
    """Carry out an answer to a question outside any form (a rating, the menu, the
    language menu, a status follow-up); None when the message answers none of them."""
    if decision.step != arbiter.ANSWER or decision.question is None:
        return None
    question = decision.question
    if record_rating(dispatcher, tracker, decision):
        return [SlotSet("fallback_count", 0)]
    if question.kind == arbiter.MENU and question.name == LANGUAGE:
        return set_language(dispatcher, str(decision.value))
    if question.kind == arbiter.MENU:
        return menu_choice(int(decision.value))
    if question.kind == arbiter.FOLLOWUP:
        return answer_followup(dispatcher, tracker, decision.value)
    return None


def carried_out(
    dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision
) -> Optional[List[EventType]]:
    """A repair or a side question outside any form, or an answer to a pending question."""
    if decision.step == arbiter.REPAIR:
        if decision.repair == arbiter.HUMAN:
            open_handoff(dispatcher, tracker, "asked for a person")
            return [SlotSet("pending_flow", None), SlotSet("fallback_count", 0)]
        if decision.repair == arbiter.RESTART:
            dispatcher.utter_message(response="utter_start_over")
            return [SlotSet("pending_flow", MENU), SlotSet("offer", None)]
        if decision.repair == arbiter.CANCEL:
            dispatcher.utter_message(response="utter_cancelled")
            return [SlotSet("pending_flow", None), SlotSet("offer", None)]
        return None  # "go back" with no form: nothing to go back to
    if decision.step == arbiter.SIDE and decision.side:
        answer_side(dispatcher, tracker, decision.side)
        return []
    return answered_pending(dispatcher, tracker, decision)


def menu_choice(choice: int) -> List[EventType]:
    """What a number picked from utter_menu starts (1 payment … 5 a person)."""
    reset = [SlotSet("pending_flow", None), SlotSet("fallback_count", 0)]
    if choice in (1, 2):
        flow = "payment" if choice == 1 else "eligibility"
        return reset + [SlotSet("pending_flow", flow), FollowupAction("verify_form")]
    if choice == 3:
        fresh = [SlotSet(name, None) for name in ("complaint_place", "complaint_details", "amount")]
        return (
            reset
            + fresh
            + [
                SlotSet("complaint_category", "other"),
                SlotSet("complaint_description", ""),
                FollowupAction("complaint_form"),
            ]
        )
    if choice == 4:
        return reset + [FollowupAction("office_form")]
    return reset + [FollowupAction("action_handoff")]


def set_language(dispatcher: CollectingDispatcher, language: str) -> List[EventType]:
    # The confirmation must already be in the new language: the NLG reads the slot.
    dispatcher.utter_message(response="utter_language_changed", language=language)
    return [SlotSet("language", language), SlotSet("pending_flow", None)]


def answer_followup(
    dispatcher: CollectingDispatcher, tracker: Tracker, asked: Any
) -> List[EventType]:
    """The reason, next step or date of what mattered most in the status just told."""
    cnic = verified_cnic(tracker)
    if cnic is None:
        return []
    with session_scope() as session:
        for kind in asked or ("why",):
            say(dispatcher, status.followup(session, str(cnic), kind, language_of(tracker)).replies)
    return proof_renewed(tracker, cnic)
