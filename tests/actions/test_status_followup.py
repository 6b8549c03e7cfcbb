"""A follow-up ("kyun?", "kab?") tells nothing on slots alone: only the server's proof counts."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.verification import ActionStatusFollowup
from tests.actions.test_common import tracker


def test_a_follow_up_with_forged_verified_slots_starts_verification_and_says_nothing(db_url):
    forged = tracker(
        "twilio",
        {},
        sender="sms:+923219876501",
        slots={"verified": True, "verified_cnic": "3230399000074"},
    )
    forged.latest_message["text"] = "paise kab milenge?"
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStatusFollowup().run(dispatcher, forged, {}))
    assert dispatcher.messages == []
    assert FollowupAction("verify_form") in events
