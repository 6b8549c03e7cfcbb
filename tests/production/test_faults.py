"""Faults in the running stack: action server killed, PostgreSQL and Redis restarted under load."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import List

import aiohttp
import pytest
from sqlalchemy import create_engine, text

from bot.prod.stack import Stack
from tests.production.citizens import (
    APOLOGY_EN,
    APOLOGY_UR,
    Played,
    after_rewinds,
    complaint_script,
    play,
    same_messages,
    say,
    synthetic_citizens,
    tracker,
    user_messages,
)

pytestmark = [pytest.mark.model, pytest.mark.postgres, pytest.mark.redis]


def _action_server_back(stack: Stack) -> None:
    stack.wait_actions(0)  # supervisord starts it again by itself


@pytest.mark.parametrize(
    ("greeting", "payment", "apology"),
    [
        ("Hello", "what is my payment status", APOLOGY_EN),
        ("السلام علیکم", "میری قسط کی ادائیگی کا کیا حال ہے؟", APOLOGY_UR),
    ],
)
def test_action_server_killed_mid_conversation(
    prod_stack: Stack, greeting: str, payment: str, apology: str
) -> None:
    cnic, issued = synthetic_citizens(prod_stack, 3)[2]
    sender = f"fault-actions-{uuid.uuid4().hex[:6]}"
    say(prod_stack, sender, greeting)
    asks_cnic = say(prod_stack, sender, payment)
    assert asks_cnic and apology not in asks_cnic[0]

    prod_stack.kill("actions-0")
    try:
        during = say(prod_stack, sender, cnic)
        # Stock Rasa 3.6 answers nothing here; nginx's fallback makes it apologise (and,
        # inside the identity form, the form may ask for the CNIC again after it).
        assert during and apology in during[0], during
        assert all(apology not in t for t in during[1:]), during
    finally:
        _action_server_back(prod_stack)

    # Resending continues where the conversation was: the identity check asks its question.
    asks_date = say(prod_stack, sender, cnic)
    assert asks_date and apology not in asks_date[0]
    assert asks_date != asks_cnic
    confirmed = say(prod_stack, sender, issued)
    assert len(confirmed) >= 2, confirmed  # confirmed + payment status, in that language
    stored = user_messages(prod_stack, sender)
    assert same_messages(stored, [greeting, payment, cnic, issued]), stored


@pytest.mark.xfail(
    strict=False,  # it passes on most runs; strict would fail CI on those
    reason=(
        "Open defect found at integration, not yet diagnosed: in one CI run one of the "
        "conversations that sent its CNIC while PostgreSQL and Redis restarted was asked "
        "for the CNIC again on both tries and got no ticket"
    ),
)
def test_postgres_and_redis_restart_under_load(prod_stack: Stack) -> None:
    lay = prod_stack.layout
    url = lay.url(lay.internal_port, "/webhooks/rest/webhook")
    citizens = synthetic_citizens(prod_stack, 40)[4:40]
    run = uuid.uuid4().hex[:6]
    played: List[Played] = [
        Played(f"fault-load-{run}-{i}", complaint_script(cnic, issued))
        for i, (cnic, issued) in enumerate(citizens)
    ]
    restarts: List[str] = []
    restarted_at: List[float] = []
    load_window: List[float] = []

    def restart_datastores() -> None:
        time.sleep(4)
        prod_stack.postgres.restart(mode="fast")
        restarts.append("postgres")
        restarted_at.append(time.monotonic())
        time.sleep(6)
        prod_stack.redis.restart()
        restarts.append("redis")
        restarted_at.append(time.monotonic())

    async def load() -> None:
        timeout = aiohttp.ClientTimeout(total=90)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            queue = list(played)

            async def user() -> None:
                while queue:
                    # Citizens take a moment to type, so the load outlasts both restarts
                    # even on an idle machine.
                    await play(session, url, queue.pop(0), pause=0.6)

            await asyncio.gather(*(user() for _ in range(12)))

    chaos = threading.Thread(target=restart_datastores)
    chaos.start()
    load_window.append(time.monotonic())
    asyncio.run(load())
    load_window.append(time.monotonic())
    chaos.join()
    assert restarts == ["postgres", "redis"]
    # Both restarts fell inside the load, whether or not a citizen had to resend anything.
    assert all(load_window[0] < at < load_window[1] for at in restarted_at), (
        restarted_at,
        load_window,
    )

    # Nothing lost: every citizen finished and was told a ticket number.
    unfinished = [(p.sender, p.failures[-3:]) for p in played if len(p.answers) != len(p.script)]
    assert unfinished == []
    no_ticket = [(p.sender, p.answers[-2:], p.failures) for p in played if not p.ticket]
    assert no_ticket == []

    # Nothing duplicated: one ticket per conversation, the one the citizen was told.
    engine = create_engine(lay.db_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT sender_id, number FROM ticket WHERE sender_id LIKE :p"),
                {"p": f"%fault-load-{run}-%"},
            ).all()
    finally:
        engine.dispose()
    # Conversation ids carry their channel ("rest:<sender>").
    told = sorted((sender.split(":", 1)[-1], number) for sender, number in rows)
    assert told == sorted((p.sender, p.ticket) for p in played)

    # No message answered twice: each message is in the conversation once, in order, and
    # the ticket confirmation was given once.
    for p in played:
        events = after_rewinds(tracker(prod_stack, p.sender)["events"])
        stored = [e["text"] for e in events if e["event"] == "user"]
        assert same_messages(stored, p.script), (p.sender, stored)
        told = [e for e in events if e["event"] == "bot" and "Complaint registered" in e["text"]]
        assert len(told) == 1, p.sender
