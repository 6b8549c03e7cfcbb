"""Test helpers: a real Sanic server on a loopback port, a stub assistant, an offline Bot."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Sanic
from telegram import Bot
from telegram.request import BaseRequest, RequestData

from bot.channels.twilio_security import sign

Reply = Callable[[UserMessage], Awaitable[None]]
BOT_TOKEN = "123456:TEST-TOKEN"
FILE_PATH = "voice/file_1.oga"  # what the recorded getFile answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeTracker:
    slots: Dict[str, Any]
    events: List[Any] = field(default_factory=list)

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


@dataclass
class FakeAgent:
    """Just enough of rasa's Agent for the channels: the tracker store's language slot."""

    languages: Dict[str, str] = field(default_factory=dict)

    @property
    def tracker_store(self) -> FakeAgent:
        return self

    async def retrieve(self, sender_id: str) -> Optional[FakeTracker]:
        lang = self.languages.get(sender_id)
        return FakeTracker({"language": lang}) if lang else None


class StubAssistant:
    """Stands in for Rasa: records each UserMessage and answers with `reply`."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.replies: List[Dict[str, Any]] = [{"text": "echo"}]
        self.echo = True
        self.fail_next = 0  # how many coming messages raise, as a broken model would

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("assistant failed")
        for reply in self.replies:
            out = dict(reply)
            if self.echo and out.get("text") == "echo":
                out["text"] = f"echo: {message.text}"
            await message.output_channel.send_response(message.sender_id, out)


class LiveServer:
    """Our connectors' blueprints on a real Sanic server in a background thread."""

    def __init__(self, channels: List[InputChannel], assistant: StubAssistant) -> None:
        Sanic.test_mode = True
        self.app = Sanic(f"channels_test_{uuid.uuid4().hex[:8]}")
        self.app.ctx.agent = FakeAgent()
        for channel in channels:
            self.app.blueprint(
                channel.blueprint(assistant), url_prefix=f"/webhooks/{channel.url_prefix()}"
            )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            self.app.create_server(
                host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
            )
        )
        self.loop.run_until_complete(server.startup())
        self.server = server
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("test server did not start")
        return self

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


def twilio_headers(token: str, public_url: str, params: Dict[str, str]) -> Dict[str, str]:
    return {"X-Twilio-Signature": sign(token, public_url, params)}


class CapturingRequest(BaseRequest):
    """python-telegram-bot request that records Bot API calls instead of making them."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []

    @property
    def read_timeout(self) -> Optional[float]:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: Optional[RequestData] = None, **_: Any
    ) -> Tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((endpoint, params))
        result: Any = True
        if endpoint in ("sendMessage", "sendPhoto"):
            result = {
                "message_id": len(self.calls),
                "date": 0,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        if endpoint == "getFile":
            result = {"file_id": params["file_id"], "file_unique_id": "u1", "file_path": FILE_PATH}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, endpoint: str = "sendMessage") -> List[Dict[str, Any]]:
        return [p for e, p in self.calls if e == endpoint]


def offline_bot(base_file_url: Optional[str] = None) -> Tuple[Bot, CapturingRequest]:
    """A Bot whose API calls are recorded; files (getFile) are served from `base_file_url`."""
    request = CapturingRequest()
    extra = {"base_file_url": base_file_url} if base_file_url else {}
    return Bot(BOT_TOKEN, request=request, **extra), request
