"""supervisord event listener: writes exits, restarts and give-ups to restarts.log.

One line per event, tab-separated: UTC time, process, event, what happened. Events:
`exited` (it died; supervisord starts it again), `back` (running again after an exit),
`retrying` (it died while starting; retried after a pause), `gave-up` (too many crashes:
supervisord's FATAL after its start retries, or `--budget` crashes within `--window`
seconds, after which this listener stops the process). `bot.cli.run` shows these lines in the
terminal and `madadgar status` reads the last one per process.

    python -m bot.ops.watch var/log/restarts.log --budget 5 --window 600
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict, deque
from datetime import datetime, timezone
from pathlib import Path
from typing import Deque, Dict, List, NamedTuple, Optional, Set

EXITED, BACK, RETRYING, GAVE_UP = "exited", "back", "retrying", "gave-up"


class Entry(NamedTuple):
    at: str
    name: str
    event: str
    detail: str


def format_entry(name: str, event: str, detail: str, now: Optional[datetime] = None) -> str:
    at = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{at}\t{name}\t{event}\t{detail}\n"


def parse_entry(line: str) -> Optional[Entry]:
    parts = line.rstrip("\n").split("\t")
    return Entry(*parts) if len(parts) == 4 else None


def read_entries(path: Path) -> List[Entry]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [e for e in map(parse_entry, lines) if e is not None]


class Watch:
    """What the listener remembers between events: recent crashes per process."""

    def __init__(self, log: Path, budget: int, window: float, rpc: object = None) -> None:
        self.log = log
        self.budget = budget
        self.window = window
        self.rpc = rpc
        self.crashes: Dict[str, Deque[float]] = defaultdict(deque)
        self.exited: Set[str] = set()

    def write(self, name: str, event: str, detail: str) -> None:
        with self.log.open("a", encoding="utf-8") as f:
            f.write(format_entry(name, event, detail))

    def handle(self, event: str, payload: Dict[str, str], now: float) -> None:
        name = payload.get("processname", "?")
        if name == "watch":
            return
        log = self.log.with_name(f"{name}.log")
        if event == "PROCESS_STATE_EXITED" and payload.get("expected") == "0":
            self.exited.add(name)
            crashes = self.crashes[name]
            crashes.append(now)
            while crashes and now - crashes[0] > self.window:
                crashes.popleft()
            if len(crashes) >= self.budget:
                self.write(
                    name,
                    GAVE_UP,
                    f"crashed {len(crashes)} times in "
                    f"{self.window / 60:.0f} min; not restarted. See {log}",
                )
                self._stop(name)
            else:
                self.write(name, EXITED, f"died (pid {payload.get('pid', '?')}); restarting")
        elif event == "PROCESS_STATE_BACKOFF":
            self.exited.add(name)
            self.write(name, RETRYING, f"died while starting; retrying. See {log}")
        elif event == "PROCESS_STATE_FATAL":
            self.write(name, GAVE_UP, f"kept failing to start; not restarted. See {log}")
        elif event == "PROCESS_STATE_RUNNING" and name in self.exited:
            self.exited.discard(name)
            self.write(name, BACK, f"running again (pid {payload.get('pid', '?')})")

    def _stop(self, name: str) -> None:
        if self.rpc is None:
            return
        try:
            self.rpc.supervisor.stopProcess(name, False)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - already stopped or restarting: nothing to stop
            pass


def main(argv: Optional[List[str]] = None) -> int:
    import os

    from supervisor import childutils

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--budget", type=int, default=5)
    parser.add_argument("--window", type=float, default=600)
    args = parser.parse_args(argv)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    watch = Watch(args.log, args.budget, args.window, childutils.getRPCInterface(os.environ))
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        body, _, _ = payload.partition("\n")
        try:
            watch.handle(headers.get("eventname", ""), childutils.get_headers(body), time.time())
        except Exception as e:  # noqa: BLE001 - a bad event must not stop the listener
            print(f"watch: {e!r}", file=sys.stderr, flush=True)
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
