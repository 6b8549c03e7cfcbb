"""A local stand-in for Telegram's Bot API, so the simulator can show what the bot sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List
from urllib.parse import parse_qs


class FakeBotApi:
    """Answers Bot API calls like Telegram would and keeps the messages sent."""

    def __init__(self, port: int = 0) -> None:
        self.sent: List[str] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params: Dict[str, Any] = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                result = outer.record(method, params)
                body = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def record(self, method: str, params: Dict[str, Any]) -> Any:
        if method in ("sendMessage", "sendPhoto"):
            line = str(params.get("text") or params.get("photo") or "")
            markup = params.get("reply_markup")
            if markup:
                markup = json.loads(markup) if isinstance(markup, str) else markup
                rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
                labels = [
                    f"[{b.get('text')}{' -> ' + b['callback_data'] if b.get('callback_data') else ''}]"
                    for row in rows
                    for b in row
                ]
                line += "\n  " + " ".join(labels)
            with self._lock:
                self.sent.append(line)
            chat = int(params.get("chat_id") or 0)
            return {
                "message_id": len(self.sent),
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "text": params.get("text", ""),
            }
        if method == "getMe":
            return {"id": 1, "is_bot": True, "first_name": "Madadgar", "username": "madadgar_bot"}
        return True

    def drain(self) -> List[str]:
        with self._lock:
            sent, self.sent = self.sent, []
        return sent

    def start(self) -> FakeBotApi:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
