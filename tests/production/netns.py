"""Hosts made of Linux network namespaces on one machine, joined by one switch (root only).

Each host is a namespace with an `eth0` whose other end is a port of a bridge in a switch
namespace; the test process reaches them through one more port of that bridge. Cutting a
host is `ip link set eth0 down` inside it: its processes keep running, but nothing reaches
them and they reach nothing, as when a host's network fails. Addresses are in 10.231.N.0/24,
one N per network, so two drills never meet.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass, field
from typing import Dict, List

PREFIX = "mdg"


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def available() -> bool:
    """Root, and `ip netns` works here."""
    if os.geteuid() != 0:
        return False
    probe = f"{PREFIX}probe{uuid.uuid4().hex[:6]}"
    if ip("netns", "add", probe, check=False).returncode:
        return False
    ip("netns", "del", probe, check=False)
    return True


@dataclass
class Network:
    """Hosts by name, each with one address; `run` prefixes a command to run on a host."""

    hosts: List[str]
    subnet: int = 0
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:5])
    addresses: Dict[str, str] = field(default_factory=dict)
    made: List[str] = field(default_factory=list)

    def ns(self, host: str) -> str:
        return f"{PREFIX}-{self.tag}-{host}"

    @property
    def switch(self) -> str:
        return self.ns("sw")

    @property
    def root_link(self) -> str:
        return f"{PREFIX}{self.tag}r"  # at most 15 characters

    @property
    def root_address(self) -> str:
        """The test process's address on the hosts' network."""
        return f"10.231.{self.subnet}.254"

    def up(self) -> Network:
        if not self.subnet:
            used = {line.split()[1] for line in ip("-o", "-4", "addr").stdout.splitlines()}
            self.subnet = next(
                n for n in range(10, 250) if not any(a.startswith(f"10.231.{n}.") for a in used)
            )
        try:
            self._add_ns(self.switch)
            ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
            ip("-n", self.switch, "link", "set", "br0", "up")
            for i, host in enumerate(self.hosts, start=1):
                self._add_host(host, f"10.231.{self.subnet}.{i}")
            # The test's own port on the switch.
            ip(
                "link",
                "add",
                self.root_link,
                "type",
                "veth",
                "peer",
                "name",
                "tsw",
                "netns",
                self.switch,
            )
            self.made.append(f"link:{self.root_link}")
            ip("-n", self.switch, "link", "set", "tsw", "master", "br0", "up")
            ip("addr", "add", f"{self.root_address}/24", "dev", self.root_link)
            ip("link", "set", self.root_link, "up")
        except Exception:
            self.down()
            raise
        return self

    def _add_ns(self, name: str) -> None:
        ip("netns", "add", name)
        self.made.append(name)
        ip("-n", name, "link", "set", "lo", "up")

    def _add_host(self, host: str, address: str) -> None:
        ns, port = self.ns(host), f"p-{host}"[:15]
        self._add_ns(ns)
        ip(
            "-n",
            ns,
            "link",
            "add",
            "eth0",
            "type",
            "veth",
            "peer",
            "name",
            port,
            "netns",
            self.switch,
        )
        ip("-n", self.switch, "link", "set", port, "master", "br0", "up")
        ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
        ip("-n", ns, "link", "set", "eth0", "up")
        self.addresses[host] = address

    def run(self, host: str) -> List[str]:
        """The prefix that runs a command on `host`."""
        return ["ip", "netns", "exec", self.ns(host)]

    def cut(self, host: str) -> None:
        """The host's network fails: its link goes down."""
        ip("-n", self.ns(host), "link", "set", "eth0", "down")

    def restore(self, host: str) -> None:
        ip("-n", self.ns(host), "link", "set", "eth0", "up")

    def pids(self, host: str) -> List[int]:
        """Processes running on `host`."""
        out = ip("netns", "pids", self.ns(host), check=False).stdout.split()
        return [int(p) for p in out]

    def down(self) -> None:
        """Kill what still runs on the hosts, then delete their namespaces and links."""
        import signal

        for name in reversed(self.made):
            if name.startswith("link:"):
                ip("link", "del", name[5:], check=False)
                continue
            out = ip("netns", "pids", name, check=False).stdout.split()
            for pid in out:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            ip("netns", "del", name, check=False)
        self.made.clear()
