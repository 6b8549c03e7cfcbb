"""A terminal chat with the running assistant over Rasa's REST channel."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import List, Optional


def send(base_url: str, sender: str, text: str, metadata: Optional[dict] = None, timeout: float = 60) -> List[dict]:
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode() or "[]")


def chat(base_url: str = "http://127.0.0.1:5005", sender: Optional[str] = None) -> None:
    sender = sender or f"terminal-{uuid.uuid4().hex[:8]}"
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
            replies = send(base_url, sender, text)
        except Exception as exc:  # the server may be restarting
            print(f"(could not reach the assistant: {exc})")
            continue
        for reply in replies:
            if reply.get("text"):
                print(f"madadgar> {reply['text']}")
            for i, button in enumerate(reply.get("buttons") or [], 1):
                print(f"          {i}. {button.get('title')}")
