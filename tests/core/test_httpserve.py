"""The stand-in servers (front door, action fallback) take a burst of connections at once."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

from bot.core.httpserve import threaded_server


def test_a_burst_of_forty_connections_is_queued_not_dropped() -> None:
    """Forty callers connect while the server is busy (not accepting): the kernel queues all
    of them. With socketserver's default backlog of 5 the rest were dropped and their
    callers waited seconds or failed."""
    server = threaded_server("127.0.0.1", 0, BaseHTTPRequestHandler)
    callers = []
    try:
        for _ in range(40):
            caller = socket.socket()
            caller.settimeout(0.5)  # a dropped SYN is retried only after 1 s
            caller.connect(server.server_address)
            callers.append(caller)
    finally:
        for caller in callers:
            caller.close()
        server.server_close()
    assert len(callers) == 40
