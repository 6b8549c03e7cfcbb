"""Free loopback port ranges for a whole stack (its ports are offsets from one base)."""

from __future__ import annotations

import socket

from tests.auxil.servers import free_port


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_base_port(span: int = 40) -> int:
    """A base port B with B .. B+span all free (ports from the ephemeral range's neighbours)."""
    for _ in range(100):
        base = free_port() // 100 * 100
        if base >= 1024 and base + span < 65535 and all(port_free(base + i) for i in range(span)):
            return base
    raise RuntimeError("no free port range")
