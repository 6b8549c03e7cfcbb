"""The small standard-library HTTP servers that stand in for a service (action fallback, front door)."""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List, Optional, Type

# Headers of one connection, never passed on by a proxy.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "host",
        "content-length",
    }
)


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: with 20 conversations at once the
    # kernel's accept queue overflowed and new connections failed instead of waiting.
    request_queue_size = 128


def threaded_server(
    host: str, port: int, handler: Type[BaseHTTPRequestHandler], **attributes: Any
) -> ThreadingHTTPServer:
    """A threaded server on `host`:`port` (0: any free port) whose handler class gets
    `attributes` (e.g. the upstream URL)."""
    cls = type(handler.__name__, (handler,), attributes) if attributes else handler
    server = _Server((host, port), cls)
    server.daemon_threads = True
    return server


def serve(server: ThreadingHTTPServer, what: str, argv: Optional[List[str]] = None) -> int:
    """Log where `server` listens and serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    host, port = server.server_address[:2]
    logging.getLogger(__name__).info("%s listening on %s:%s", what, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
