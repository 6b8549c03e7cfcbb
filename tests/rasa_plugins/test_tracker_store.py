"""The tracker store's window: a long conversation loads a snapshot and its last turns, and
Rasa sees the same conversation state as from the whole session."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.core.settings import ROOT
from bot.language.i18n import RECENT_MESSAGES, conversation_language
from bot.rasa_plugins.tracker_store import ResilientSQLTrackerStore
from bot.rasa_plugins.tracker_window import WINDOW_USER_MESSAGES

SENDER = "rest:long-talk"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, input_channel="rest")


def answer(action: str) -> List[Event]:
    return [ActionExecuted(action), BotUttered(action), ActionExecuted("action_listen")]


def turns() -> List[List[Event]]:
    """A verified citizen's questions, a complaint form over three turns, a rewound
    message inside the form, and more questions: one list of events per message."""
    # As Rasa logs it: the action after the SessionStarted it returned (later timestamp).
    session_started = SessionStarted()
    start = [
        ActionExecuted("action_session_start"),
        session_started,
        ActionExecuted("action_listen"),
    ]
    talk: List[List[Event]] = [
        start + [user("Assalam o alaikum", "greet")] + answer("utter_greet"),
        [user("what is my payment status", "payment_status"), SlotSet("language", "en")]
        + answer("utter_ask_cnic"),
        [user("REF-1", "inform"), SlotSet("cnic", "REF-1"), SlotSet("verified", True)]
        + answer("action_payment_status"),
    ]
    for n in range(20):
        talk.append([user(f"what is my payment status {n}", "payment_status")] + answer("x"))
    talk.append(
        [
            user("the agent deducted 500 rupees", "report_deduction"),
            ActionExecuted("complaint_form"),
            ActiveLoop("complaint_form"),
            SlotSet("complaint_category", "deduction"),
            SlotSet("requested_slot", "complaint_place"),
            BotUttered("where?"),
            ActionExecuted("action_listen"),
        ]
    )
    talk.append(
        [
            user("kal", "inform"),
            ActionExecuted("complaint_form"),  # its validation failed: taken back
            UserUtteranceReverted(),
            ActionExecuted("action_listen"),
        ]
    )
    talk.append(
        [
            user("Madina store in Alipur", "inform"),
            SlotSet("complaint_place", "Madina store"),
            ActionExecuted("complaint_form"),
            SlotSet("requested_slot", None),
            ActiveLoop(None),
            ActionExecuted("action_submit_complaint"),
            SlotSet("ticket_id", "PCMS-00000042"),
            BotUttered("ticket"),
            ActionExecuted("action_listen"),
        ]
    )
    for n in range(15):
        talk.append([user(f"shukriya {n}", "thank")] + answer("utter_welcome"))
    return talk


def state(tracker: DialogueStateTracker, domain: Domain) -> Any:
    """Everything a turn reads: slots, form, latest message and action, the states the
    policies look at, and the reply language."""
    users = [e for e in tracker.events if isinstance(e, UserUttered)]
    return {
        "slots": tracker.current_slot_values(),
        "form": tracker.active_loop,
        "paused": tracker.is_paused(),
        "followup": tracker.followup_action,
        "latest": tracker.latest_message.text,
        "action": tracker.latest_action_name,
        "states": tracker.past_states(domain)[-8:],
        "rule states": tracker.past_states(domain, rule_only_data={})[-8:],
        "recent": [u.text for u in users][-RECENT_MESSAGES:],
        "language": conversation_language(None, tracker.events),
    }


def test_a_long_conversation_loads_a_window_rasa_reads_the_same_as_the_whole(
    tmp_path: Path, domain: Domain
) -> None:
    db = str(tmp_path / "tracker.db")
    store = ResilientSQLTrackerStore(domain, dialect="sqlite", db=db)
    whole = SQLTrackerStore(domain, dialect="sqlite", db=db)  # Rasa's own, loads everything

    async def run() -> None:
        expected: List[dict] = []
        for n, events in enumerate(turns()):
            tracker = await store.retrieve(SENDER) or store.init_tracker(SENDER)
            reference = await whole.retrieve(SENDER)
            if reference is not None:
                assert state(tracker, domain) == state(reference, domain), f"message {n}"
            if n > WINDOW_USER_MESSAGES + 2:  # bounded: not the whole session
                loaded_users = [e for e in tracker.events if isinstance(e, UserUttered)]
                assert len(loaded_users) <= WINDOW_USER_MESSAGES + 3, n
            for event in events:
                tracker.update(event)
            expected += [e.as_dict() for e in events]
            await store.save(tracker)
        stored = await whole.retrieve_full_tracker(SENDER)
        assert stored is not None
        # every event stored once, in order, and nothing synthetic
        assert [e.as_dict() for e in stored.events] == expected

    asyncio.run(run())


def test_a_tracker_saved_twice_stores_its_new_events_once(tmp_path: Path, domain: Domain) -> None:
    db = str(tmp_path / "tracker.db")
    store = ResilientSQLTrackerStore(domain, dialect="sqlite", db=db)

    async def run() -> int:
        for events in turns()[:20]:
            tracker = await store.retrieve(SENDER) or store.init_tracker(SENDER)
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            await store.save(tracker)
        full = await store.retrieve_full_tracker(SENDER)
        return len(full.events)

    assert asyncio.run(run()) == sum(len(t) for t in turns()[:20])


def test_a_rewind_to_the_start_of_a_long_form_finds_the_turns_before_it(
    tmp_path: Path, domain: Domain
) -> None:
    """A form that runs for more turns than the window: the window reaches back past the
    form's first message, so a rewind to it (Rasa folds a form's turns) leaves the same
    conversation as the whole session would."""
    db = str(tmp_path / "tracker.db")
    store = ResilientSQLTrackerStore(domain, dialect="sqlite", db=db)
    whole = SQLTrackerStore(domain, dialect="sqlite", db=db)
    talk = turns()[:20]
    talk.append(
        [
            user("complaint", "register_complaint"),
            ActionExecuted("complaint_form"),
            ActiveLoop("complaint_form"),
            SlotSet("requested_slot", "complaint_description"),
            ActionExecuted("action_listen"),
        ]
    )
    for n in range(WINDOW_USER_MESSAGES + 4):
        talk.append([user(f"huh {n}", "inform"), ActionExecuted("complaint_form")])
        talk[-1].append(ActionExecuted("action_listen"))

    async def run() -> None:
        for events in talk:
            tracker = await store.retrieve(SENDER) or store.init_tracker(SENDER)
            for event in events:
                tracker.update(event)
            await store.save(tracker)
        windowed, reference = await store.retrieve(SENDER), await whole.retrieve(SENDER)
        assert len(windowed.events) < len(reference.events)
        for tracker in (windowed, reference):
            tracker.update(UserUtteranceReverted())  # back to the message that started it
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(user("what is my payment status", "payment_status"))
        assert state(windowed, domain) == state(reference, domain)
        assert windowed.active_loop_name is None and windowed.get_slot("verified") is True

    asyncio.run(run())


def test_the_retention_job_deletes_the_snapshots_with_the_conversation(
    tmp_path: Path, domain: Domain
) -> None:
    from sqlalchemy import create_engine, text

    from bot.privacy.retention import purge

    db = str(tmp_path / "tracker.db")
    store = ResilientSQLTrackerStore(domain, dialect="sqlite", db=db)

    async def run() -> None:
        for events in turns()[:4]:
            tracker = await store.retrieve(SENDER) or store.init_tracker(SENDER)
            for event in events:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(run())
    engine = create_engine(f"sqlite:///{db}")
    count = text("SELECT COUNT(*) FROM tracker_snapshots")
    with engine.connect() as conn:
        assert conn.execute(count).scalar() == 4
    purge(engine, days=30, now=time.time() + 31 * 86400)
    with engine.connect() as conn:
        assert conn.execute(count).scalar() == 0
