"""A terminal chat with the running assistant over Rasa's REST channel."""

from __future__ import annotations

import argparse
import json
import os
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import List, Optional

from bot.core.conversations import REST, conversation_id
from bot.core.settings import VAR_DIR

# Where `make run` (demo mode) leaves the REST channel token of the run, readable by its
# user only, so `madadgar chat` in a second terminal finds it without being told.
TOKEN_FILE = VAR_DIR / "rest-channel.token"
REFUSED = (
    "(the assistant refused this chat: it needs the token of the helpline that is running. "
    "Start `madadgar chat` as the same user and from the same folder as `make run`, while "
    "`make run` is running; or give the token yourself: `madadgar chat --token TOKEN`, or "
    "set REST_CHANNEL_TOKEN to the value `make run` was started with.)"
)


def publish_token(token: str, path: Optional[Path] = None) -> Path:
    """Leave the run's token where a second terminal finds it: a file only this user can
    read (0600), replaced whole so a reader never sees half of it."""
    path = path or TOKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(token)
    os.replace(partial, path)
    return path


def published_token(path: Optional[Path] = None) -> Optional[str]:
    """The token a running `make run` left, if the file is this user's own and no one else
    may read or change it (a symlink or a shared file is not trusted)."""
    try:
        fd = os.open(path or TOKEN_FILE, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, encoding="utf-8") as f:
        info = os.fstat(f.fileno())
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        return f.read().strip() or None


def withdraw_token(token: str, path: Optional[Path] = None) -> None:
    """Remove the published token when its run stops (not a newer run's)."""
    if published_token(path) == token:
        (path or TOKEN_FILE).unlink(missing_ok=True)


def chat_token(explicit: Optional[str] = None, path: Optional[Path] = None) -> Optional[str]:
    """The token to chat with: --token, else REST_CHANNEL_TOKEN from the environment, else
    (demo mode) the one the running `make run` published; None leaves the settings' own."""
    from bot.core.settings import get_settings

    if explicit:
        return explicit
    settings = get_settings()
    if "REST_CHANNEL_TOKEN" in settings.__fields_set__:  # given in the environment
        return settings.REST_CHANNEL_TOKEN
    if settings.DEMO_MODE:
        return published_token(path)
    return None


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
        except urllib.error.HTTPError as exc:
            print(REFUSED if exc.code in (401, 403) else f"(the assistant answered {exc})")
            continue
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
        "--token",
        default=None,
        help="the REST channel's token (default: REST_CHANNEL_TOKEN, else in demo mode the "
        "one the running `make run` keeps in var/rest-channel.token)",
    )
    args = parser.parse_args(argv)
    chat(args.url, token=chat_token(args.token))
    return 0
