"""A question after a notice ("kab tak?") is answered from the notice before verification
and from her household after it, through the follow-up action."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.verification import ActionStatusFollowup
from bot.assistant import proof
from tests.actions.test_common import tracker
from tests.channels.conftest import assistant, channel_env, live  # noqa: F401
from tests.outreach.test_notices import (  # noqa: F401 - fixtures
    MORNING,
    ROWS,
    deliver,
    helpline,
    payment_file,
    run_import,
    twilio_api,
)

SENDER = f"sms:{ROWS['ready'][1]}"
NUSRAT = "3230399000178"


def asked(slots: dict) -> tuple:
    t = tracker("twilio", {}, sender=SENDER, language="roman_ur", slots=slots)
    t.latest_message["intent"] = {"name": "ask_when"}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStatusFollowup().run(dispatcher, t, {}))
    return [m.get("response") for m in dispatcher.messages], events


def test_kab_tak_after_a_notice(
    helpline,  # noqa: F811 - the fixture
    twilio_api,  # noqa: F811
    db_url,
    tmp_path,
):
    run_import(db_url, payment_file(tmp_path, ["ready"]), MORNING - timedelta(hours=1))
    deliver(db_url, MORNING)
    said, events = asked({})
    assert said == ["utter_notice_ready"]  # what the notice said, nothing more
    assert FollowupAction("verify_form") in events
    token = proof.issue(SENDER, NUSRAT)
    said, _ = asked({"verified": True, "verified_cnic": NUSRAT, "verified_token": token})
    assert said == ["utter_when_collect_now"]
