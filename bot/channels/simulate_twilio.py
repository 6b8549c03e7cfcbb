"""A local stand-in for Twilio's REST API, so the simulator can show what the helpline sends
on its own: notices and ticket updates by SMS or WhatsApp, and automated calls read aloud.

    madadgar simulate outbound          # listens on 127.0.0.1:8098 (the demo TWILIO_API_BASE_URL)
"""

from __future__ import annotations

import json
import threading
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List
from urllib.parse import parse_qs


def heard(twiml: str) -> List[str]:
    """What the person called hears: each <Say> with its language, then the hang-up."""
    lines = []
    for el in ET.fromstring(twiml).iter():
        if el.tag == "Say":
            lines.append(f"[{el.get('language', '')}] {el.text or ''}")
        elif el.tag == "Hangup":
            lines.append("(hangs up)")
    return lines


class FakeTwilioRest:
    """Accepts Messages.json and Calls.json like Twilio and shows each as the phone gets it."""

    def __init__(self, port: int = 0, out: Callable[[str], None] = print) -> None:
        self.sent: List[Dict[str, str]] = []
        self._lock = threading.Lock()
        self.out = out
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = {
                    k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()
                }
                call = self.path.endswith("/Calls.json")
                body = json.dumps(outer.record(form, call)).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def record(self, form: Dict[str, str], call: bool) -> Dict[str, Any]:
        with self._lock:
            self.sent.append(dict(form, kind="call" if call else "message"))
        to = form.get("To", "")
        if call:
            self.out(f"(call to {to})")
            for line in heard(form.get("Twiml", "<Response/>")):
                self.out(f"  {line}")
            return {"sid": "CA" + uuid.uuid4().hex, "status": "queued", "to": to}
        self.out(f"(message to {to}) {form.get('Body') or form.get('ContentVariables', '')}")
        return {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": to, "error_code": None}

    def start(self) -> FakeTwilioRest:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
