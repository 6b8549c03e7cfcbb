"""Memory per process of a running production stack, and start-up time of its parts.

    .venv/bin/python bench/startup_memory.py                    # stack in var/prod
    .venv/bin/python bench/startup_memory.py --restart rasa-0 --restart actions-0

Memory is each process group's resident set (RSS) and proportional set (PSS, shared pages
split between sharers), read from /proc. `--restart NAME` stops that process, starts it
again through the stack's supervisord and prints seconds until it answers (Rasa: model
loaded; action server: /health). Run `scripts/prod_up.sh` first.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.settings import VAR_DIR  # noqa: E402
from bot.prod.layout import Layout  # noqa: E402
from bot.prod.stack import DEFAULT_MODEL, Stack  # noqa: E402


def _group(pid: int) -> List[int]:
    """pid and every process in its process group (nginx workers, postgres backends)."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pid:
                    members.append(int(entry))
            except (ProcessLookupError, PermissionError):
                pass
    return members or [pid]


def _kb(pid: int, field: str, source: str) -> int:
    try:
        with open(f"/proc/{pid}/{source}") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, PermissionError):
        pass
    return 0


def memory(pids: List[int]) -> Dict[str, float]:
    return {
        "processes": len(pids),
        "rss_mb": sum(_kb(p, "VmRSS", "status") for p in pids) / 1024,
        "pss_mb": sum(_kb(p, "Pss", "smaps_rollup") for p in pids) / 1024,
    }


def postgres_pids(stack: Stack) -> List[int]:
    pidfile = stack.postgres.data / "postmaster.pid"
    if not pidfile.exists():
        return []
    master = int(pidfile.read_text().split()[0])
    children = [
        int(e)
        for e in os.listdir("/proc")
        if e.isdigit() and _kb(int(e), "PPid", "status") == master
    ]
    return [master, *children]


def report(stack: Stack) -> None:
    print(f"{'process':14} {'procs':>5} {'RSS MB':>9} {'PSS MB':>9}")
    total_pss = 0.0
    rows = {name: _group(pid) for name, pid in stack.status().items() if pid and name != "postgres"}
    if pg := postgres_pids(stack):
        rows["postgres"] = pg
    for name, pids in rows.items():
        m = memory(pids)
        total_pss += m["pss_mb"]
        print(f"{name:14} {m['processes']:>5} {m['rss_mb']:>9.0f} {m['pss_mb']:>9.0f}")
    print(f"{'total (PSS)':14} {'':>5} {'':>9} {total_pss:>9.0f}")


def restart(stack: Stack, name: str) -> float:
    """Seconds from asking supervisord to restart `name` until it answers."""
    if not name.startswith(("rasa-", "actions-")):
        raise SystemExit(f"--restart supports rasa-N and actions-N, not {name}")
    start = time.monotonic()
    stack.restart(name)
    stack.wait(name)
    return time.monotonic() - start


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--var-dir", type=Path, default=VAR_DIR / "prod")
    p.add_argument("--base-port", type=int, default=7100)
    p.add_argument("--rasa", type=int, default=2)
    p.add_argument("--actions", type=int, default=2)
    p.add_argument("--restart", action="append", default=[], metavar="NAME")
    args = p.parse_args(argv)
    layout = Layout(
        var_dir=args.var_dir.resolve(),
        base_port=args.base_port,
        rasa_replicas=args.rasa,
        action_replicas=args.actions,
    )
    stack = Stack(layout, model=DEFAULT_MODEL)
    for name in args.restart:
        print(f"start-up {name}: {restart(stack, name):.1f} s", flush=True)
    report(stack)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
