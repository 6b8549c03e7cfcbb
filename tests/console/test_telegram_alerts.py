"""The staff Telegram bot, offline: a Bot whose request is a stub that records every call."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

import pytest
from sqlalchemy.orm import Session
from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

from bot.console.auth import create_staff, ensure_demo_staff
from bot.console.demo import seed_demo_tickets
from bot.console.telegram_alerts import (
    ChatMap,
    StaffTelegramConfig,
    build_application,
    post_alerts,
)
from bot.core import db
from bot.tickets import service

GROUP = -1001000000010
BOT_USER = {
    "id": 999,
    "is_bot": True,
    "first_name": "Madadgar staff",
    "username": "madadgar_staff_bot",
}


class StubRequest(BaseRequest):
    """Answers the Bot API like Telegram would, without a network; keeps every call."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self._next_id = 500

    @property
    def read_timeout(self) -> Optional[float]:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: Optional[RequestData] = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> Tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.json_parameters) if request_data else {}
        self.calls.append((name, params))
        result: Any = True
        if name == "getMe":
            result = BOT_USER
        elif name in ("sendMessage", "editMessageText"):
            self._next_id += 1
            result = {
                "message_id": self._next_id,
                "date": 0,
                "chat": {"id": int(params.get("chat_id", GROUP)), "type": "supergroup"},
                "text": params.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def named(self, name: str) -> List[Dict[str, Any]]:
        return [params for called, params in self.calls if called == name]


@pytest.fixture()
def seeded(session: Session, db_url: str) -> Dict[str, str]:
    ensure_demo_staff(session)
    create_staff(
        session,
        "sup-telegram",
        "long-password-1",
        "supervisor",
        ["Muzaffargarh"],
        telegram_user_id=4242,
    )
    numbers = seed_demo_tickets(session)
    session.commit()
    return numbers


def run(coro: Any) -> Any:
    """asyncio.run in a thread of its own (Playwright's sync API may own this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def callback_update(bot: Bot, number: str, from_id: int) -> Update:
    data = {
        "update_id": 1,
        "callback_query": {
            "id": "cbq-1",
            "chat_instance": "ci",
            "from": {"id": from_id, "is_bot": False, "first_name": "Amina"},
            "data": f"claim:{number}",
            "message": {
                "message_id": 77,
                "date": 0,
                "text": f"Overdue: {number}",
                "chat": {"id": GROUP, "type": "supergroup", "title": "Muzaffargarh desk"},
                "from": BOT_USER,
            },
        },
    }
    return Update.de_json(data, bot)


async def _claim(db_url: str, number: str, from_id: int) -> StubRequest:
    stub = StubRequest()
    bot = Bot("123:TEST", request=stub, get_updates_request=StubRequest())
    app = build_application(
        StaffTelegramConfig(token="123:TEST", mode="webhook"), db.session_factory(db_url), bot=bot
    )
    await app.initialize()
    await app.process_update(callback_update(app.bot, number, from_id))
    await app.shutdown()
    return stub


def test_overdue_and_escalated_tickets_are_posted_once_with_a_claim_button(
    seeded, session, db_url
) -> None:  # type: ignore[no-untyped-def]
    ticket = service.get_ticket(session, seeded["mzg_biometric"])
    service.escalate(session, ticket, "staff:sup-muzaffargarh", "bank does not answer")
    session.commit()
    chats = ChatMap(districts={"Muzaffargarh": GROUP, "Quetta": -100200})
    stub = StubRequest()
    bot = Bot("123:TEST", request=stub)
    now = datetime.now(timezone.utc)

    assert (
        run(post_alerts(bot, db.session_factory(db_url), chats, "https://console.example", now))
        == 2
    )
    sent = stub.named("sendMessage")
    texts = {m["text"].split("\n")[0] for m in sent}
    assert texts == {f"Overdue: {seeded['mzg_overdue']}", f"Escalated: {seeded['mzg_biometric']}"}
    for message in sent:
        assert int(message["chat_id"]) == GROUP
        assert "3230399" not in message["text"] and "6100" not in message["text"]  # no CNIC/phone
        button = json.loads(message["reply_markup"])["inline_keyboard"][0][0]
        assert button["text"] == "Claim" and button["callback_data"].startswith("claim:PCMS-")
    assert run(post_alerts(bot, db.session_factory(db_url), chats, "https://c", now)) == 0


def test_claim_assigns_the_ticket_and_edits_the_group_message(seeded, session, db_url) -> None:  # type: ignore[no-untyped-def]
    number = seeded["mzg_overdue"]
    stub = run(_claim(db_url, number, 4242))
    session.expire_all()
    assert service.get_ticket(session, number).assigned_to == "sup-telegram"
    edits = stub.named("editMessageText")
    assert edits and edits[0]["text"].endswith("Claimed by sup-telegram")
    assert "reply_markup" not in edits[0] or json.loads(edits[0]["reply_markup"]) == {
        "inline_keyboard": []
    }
    answer = stub.named("answerCallbackQuery")[0]
    assert "assigned to you" in answer["text"]


@pytest.mark.parametrize(
    "from_id, key, message",
    [
        (777, "mzg_overdue", "not linked"),  # a stranger in the group
        (4242, "qta_payment", "not in your queues"),  # Quetta ticket, Muzaffargarh supervisor
    ],
)
def test_claim_is_refused_without_a_linked_account_in_scope(
    seeded, session, db_url, from_id, key, message
) -> None:  # type: ignore[no-untyped-def]
    number = seeded[key]
    stub = run(_claim(db_url, number, from_id))
    session.expire_all()
    assert service.get_ticket(session, number).assigned_to is None
    assert stub.named("editMessageText") == []
    answer = stub.named("answerCallbackQuery")[0]
    assert message in answer["text"] and answer["show_alert"] == "true"


def test_chat_map_prefers_queue_then_desk_then_district(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "chats.yml"
    path.write_text(
        'queues: {"payments:Quetta": -1, "integrity:*": -2}\ndistricts: {Quetta: -3}\ndefault: -4\n'
    )
    chats = ChatMap.load(str(path))

    class T:
        def __init__(self, queue: str, district: str) -> None:
            self.queue, self.district = queue, district

    assert chats.chat_for(T("payments:Quetta", "Quetta")) == -1
    assert chats.chat_for(T("integrity:Lahore", "Lahore")) == -2
    assert chats.chat_for(T("registry:Quetta", "Quetta")) == -3
    assert chats.chat_for(T("head_office", "Lahore")) == -4


def test_unconfigured_bot_needs_no_network(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("STAFF_TELEGRAM_BOT_TOKEN", raising=False)
    assert StaffTelegramConfig.from_settings().configured is False
