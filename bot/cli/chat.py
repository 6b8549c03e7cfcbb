"""A terminal chat with the running assistant over Rasa's REST channel."""

from __future__ import annotations

import argparse
import json
import threading
import urllib.request
import uuid
from typing import List, Optional

from bot.core.conversations import REST, conversation_id


def send(
    base_url: str,
    sender: str,
    text: str,
    metadata: Optional[dict] = None,
    timeout: float = 60,
    token: Optional[str] = None,
) -> List[dict]:
    """One message over the REST channel (its conversation is `rest:<sender>`)."""
    from bot.channels.rest import token_header
    from bot.core.settings import get_settings

    body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
    headers = {"Content-Type": "application/json"}
    headers.update(token_header(token or get_settings().REST_CHANNEL_TOKEN))
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers=headers
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode() or "[]")


def chat(
    base_url: str = "http://127.0.0.1:5005",
    sender: Optional[str] = None,
    token: Optional[str] = None,
) -> None:
    sender = sender or f"terminal-{uuid.uuid4().hex[:8]}"
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(3):
            try:
                deliver_to_terminal(conversation_id(REST, sender))
            except Exception:  # the database may be busy; the next poll tries again
                pass

    threading.Thread(target=poll, daemon=True).start()
    try:
        _loop(base_url, sender, token)
    finally:
        stop.set()


def _loop(base_url: str, sender: str, token: Optional[str]) -> None:
    while True:
        try:
            text = input("you> ").strip()
        except EOFError:
            return
        if text in ("/quit", "/exit"):
            return
        if not text:
            continue
        try:
            replies = send(base_url, sender, text, token=token)
        except Exception as exc:  # the server may be restarting
            print(f"(could not reach the assistant: {exc})")
            continue
        for reply in replies:
            if reply.get("text"):
                print(f"madadgar> {reply['text']}")
            for i, button in enumerate(reply.get("buttons") or [], 1):
                print(f"          {i}. {button.get('title')}")


class TerminalSender:
    """Delivers ticket updates for this terminal conversation by printing them."""

    def __init__(self, sender: str) -> None:
        self.sender = sender

    def send(self, recipient: str, text: str) -> None:
        if recipient != self.sender:
            raise LookupError("not this terminal's conversation")
        print(f"\nmadadgar (update)> {text}\nyou> ", end="", flush=True)


def deliver_to_terminal(sender: str) -> int:
    """Print queued ticket updates addressed to this terminal conversation; returns how many."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from bot.core.db import session_scope
    from bot.core.outbox import OutboxMessage
    from bot.language.i18n import load_responses
    from bot.outreach.delivery import deliver_one

    now = datetime.now(timezone.utc)
    delivered = 0
    with session_scope() as session:
        ids = (
            session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.channel == "rest",
                    OutboxMessage.recipient == sender,
                    OutboxMessage.status == "pending",
                )
            )
            .scalars()
            .all()
        )
        for message_id in ids:
            if deliver_one(
                session, message_id, {"rest": TerminalSender(sender)}, now, load_responses()
            ):
                delivered += 1
    return delivered


def main(argv: Optional[List[str]] = None) -> int:
    """`madadgar chat`: talk to a running assistant."""
    parser = argparse.ArgumentParser(prog="madadgar chat")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument(
        "--token", default=None, help="the REST channel's token (default REST_CHANNEL_TOKEN)"
    )
    args = parser.parse_args(argv)
    chat(args.url, token=args.token)
    return 0
