"""Loopback stand-ins for Twilio: its REST API (messages we send) and its media host.

`FakeTwilioApi` records each message the helpline sends (point TWILIO_API_BASE_URL at
it); `MediaServer` serves files the way Twilio serves MediaUrlN, behind HTTP basic auth
with the account SID and auth token, and can redirect like Twilio's media URLs do.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest


class _Server:
    def __init__(self) -> None:
        self.httpd: Optional[ThreadingHTTPServer] = None

    def _handler(self) -> type:
        raise NotImplementedError

    def start(self) -> _Server:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


class FakeTwilioApi(_Server):
    """Accepts POST .../Messages.json and keeps (to, body) of each message; lists them
    back on GET .../Messages.json?To=...&From=... (newest first), as Twilio does.

    `latency`: seconds each POST takes (a provider that is the bottleneck). The message
    is accepted when the request arrives, as a real provider would, before the answer."""

    def __init__(self, latency: float = 0.0, host: str = "127.0.0.1") -> None:
        super().__init__()
        self.sent: List[Dict[str, str]] = []
        self.lock = threading.Lock()
        self.latency = latency
        self.host = host

    def start(self) -> _Server:
        self.httpd = ThreadingHTTPServer((self.host, 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def to(self, recipient: str) -> List[str]:
        with self.lock:
            return [m["Body"] for m in self.sent if m.get("To") == recipient]

    def _handler(self) -> type:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, status: int, data: object) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                with api.lock:
                    found = [
                        m
                        for m in reversed(api.sent)
                        if m.get("To") == query.get("To")
                        and query.get("From") in (None, m.get("From"))
                    ]
                messages = [
                    {
                        "sid": m["sid"],
                        "to": m.get("To"),
                        "from": m.get("From"),
                        "body": m.get("Body"),
                        "status": "sent",
                        "date_created": m["date_created"],
                    }
                    for m in found
                ]
                page = {"messages": messages, "next_page_uri": None, "page": 0}
                self._json(200, {**page, "page_size": len(messages), "uri": self.path})

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                form["sid"] = "SM" + uuid.uuid4().hex
                form["date_created"] = formatdate(usegmt=True)
                with api.lock:
                    api.sent.append(form)
                if api.latency:
                    time.sleep(api.latency)
                body = json.dumps(
                    {
                        "sid": form["sid"],
                        "status": "queued",
                        "to": form.get("To"),
                        "body": form.get("Body"),
                        "error_code": None,
                    }
                ).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


class MediaServer(_Server):
    """Serves `files[path] = (content_type, bytes)` to requests with the right basic auth.

    `/redirect/<path>` answers 307 to `redirect_to + /<path>` (Twilio's media URLs
    redirect to a CDN); `served` counts the GETs that got a file.
    """

    def __init__(self, username: str = "", password: str = "") -> None:
        super().__init__()
        self.files: Dict[str, Tuple[str, bytes]] = {}
        self.auth = (username, password)
        self.redirect_to = ""
        self.served: List[str] = []

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _handler(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.lstrip("/")
                if path.startswith("redirect/"):
                    self.send_response(307)
                    self.send_header("Location", f"{server.redirect_to}/{path[9:]}")
                    self.end_headers()
                    return
                if server.auth[0]:
                    expected = (
                        "Basic "
                        + base64.b64encode(f"{server.auth[0]}:{server.auth[1]}".encode()).decode()
                    )
                    if self.headers.get("Authorization") != expected:
                        self.send_response(401)
                        self.end_headers()
                        return
                if path not in server.files:
                    self.send_response(404)
                    self.end_headers()
                    return
                content_type, data = server.files[path]
                server.served.append(path)
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@dataclass
class MediaHosts:
    """Twilio's media host (basic auth), its CDN, a host off the allow-list, Twilio's API."""

    twilio: MediaServer
    cdn: MediaServer
    elsewhere: MediaServer
    api: FakeTwilioApi

    @property
    def allow_list(self) -> str:
        return f"127.0.0.1:{self.twilio.port},127.0.0.1:{self.cdn.port}"


@pytest.fixture(scope="session")
def media_hosts() -> Iterator[MediaHosts]:
    """Loopback stand-ins started once per run; `live_assistant` lists the first two on
    MEDIA_HOSTS and sends what it writes to Twilio's API to `api`."""
    from bot.core.environment import DEMO_CHANNEL_ENV

    hosts = MediaHosts(
        MediaServer(DEMO_CHANNEL_ENV["TWILIO_ACCOUNT_SID"], DEMO_CHANNEL_ENV["TWILIO_AUTH_TOKEN"]),
        MediaServer(),
        MediaServer(),
        FakeTwilioApi(),
    )
    for server in (hosts.twilio, hosts.cdn, hosts.elsewhere, hosts.api):
        server.start()
    hosts.twilio.redirect_to = hosts.cdn.base_url
    yield hosts
    for server in (hosts.twilio, hosts.cdn, hosts.elsewhere, hosts.api):
        server.stop()
