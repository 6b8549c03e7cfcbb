"""The citizen's phone in a browser window: an SMS simulator page for the two-window test.

`PhonePage(live, phone, twilio_api)` serves a page on a loopback port. Typing a message
there sends it as a correctly signed Twilio SMS webhook to the running helpline (as
`madadgar simulate sms` does); the page shows the TwiML answer and, polled every
second, every SMS the helpline sent this number through Twilio's API (the loopback
stand-in), so messages staff write in the console arrive on the phone.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List

from bot.channels.simulate import Simulator
from tests.auxil.twilio_fakes import FakeTwilioApi

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Phone</title>
<style>body{font-family:sans-serif;max-width:380px}li{margin:.3em 0}
.in{color:#064}.out{color:#333;text-align:right}</style></head><body>
<h1>SMS</h1><ol id="thread"></ol>
<form id="f"><input id="t" autocomplete="off" aria-label="Message"><button>Send</button></form>
<script>
var thread=document.getElementById('thread'), seen=0;
function add(text, cls){var li=document.createElement('li');li.className=cls;
  li.textContent=text;thread.appendChild(li);}
document.getElementById('f').onsubmit=function(e){e.preventDefault();
  var t=document.getElementById('t'), text=t.value; t.value=''; add(text,'out');
  fetch('/send',{method:'POST',body:text}).then(function(r){return r.json();})
    .then(function(replies){replies.forEach(function(r){add(r,'in');});});};
setInterval(function(){fetch('/inbox').then(function(r){return r.json();})
  .then(function(all){all.slice(seen).forEach(function(m){add(m,'in pushed');});
  seen=all.length;});},1000);
</script></body></html>"""


class PhonePage:
    """A loopback web page that is one citizen's SMS phone."""

    def __init__(self, live: Any, phone: str, twilio_api: FakeTwilioApi) -> None:
        self.simulator = Simulator("sms", live.url, phone, out=lambda _line: None)
        self.simulator.public = live.env["PUBLIC_BASE_URL"].rstrip("/")
        self.simulator.token = live.env["TWILIO_AUTH_TOKEN"]
        self.phone = phone
        self.twilio_api = twilio_api
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def _send(self, text: str) -> List[str]:
        return self.simulator.send_text(text)

    def _handler(self) -> type:
        page = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, value: object) -> None:
                body = json.dumps(value, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                if self.path == "/inbox":
                    self._json(page.twilio_api.to(page.phone))
                    return
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                self._json(page._send(self.rfile.read(length).decode("utf-8")))

        return Handler

    def start(self) -> PhonePage:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
