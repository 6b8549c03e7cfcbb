"""`madadgar status`: each service, whether it answers, and when it last restarted.

Reads the supervisord of a deployment directory (`var/` for `make run`, `var/prod` for the
production stack), the health URL of each service, `restarts.log` (bot.ops.watch) and the
database.

    madadgar status [--var-dir var/prod] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.core.settings import VAR_DIR
from bot.ops.supervise import RESTART_LOG, Supervisor
from bot.ops.watch import EXITED, GAVE_UP, RETRYING, read_entries


@dataclass
class ServiceStatus:
    """One line of `madadgar status`."""

    name: str
    title: str
    state: str  # supervisord's: RUNNING, STARTING, BACKOFF, FATAL, STOPPED ...
    health: str  # ok, failing, or "-" (no health check)
    uptime_s: Optional[int]
    restarts: int
    last_restart: Optional[str]
    log: str


def _health(url: Optional[str], state: str) -> str:
    from bot.ops.procs import http_ok

    if not url:
        return "-"
    return "ok" if state == "RUNNING" and http_ok(url, timeout=2) else "failing"


def collect(var_dir: Path) -> List[ServiceStatus]:
    """The services of the supervisord in `var_dir`/run; [] when it is not running."""
    supervisor = Supervisor(var_dir / "run", var_dir / "log", [])
    if not supervisor.running():
        return []
    catalogue = supervisor.catalogue()
    entries = read_entries(var_dir / "log" / RESTART_LOG)
    rows = []
    for info in supervisor.info():
        name = info["name"]
        about = catalogue.get(name, {})
        restarts = [e for e in entries if e.name == name and e.event in (EXITED, RETRYING)]
        events = [e for e in entries if e.name == name and e.event in (EXITED, RETRYING, GAVE_UP)]
        last = events[-1] if events else None
        running = info["statename"] == "RUNNING"
        rows.append(
            ServiceStatus(
                name=name,
                title=str(about.get("title") or name),
                state=info["statename"],
                health=_health(about.get("health_url"), info["statename"]),
                uptime_s=int(info["now"] - info["start"]) if running else None,
                restarts=len(restarts),
                last_restart=f"{last.at} ({last.event}: {last.detail})" if last else None,
                log=str(about.get("log") or info.get("stdout_logfile") or ""),
            )
        )
    return rows


def database_health(url: Optional[str] = None) -> str:
    from sqlalchemy import text

    from bot.core.db import get_engine

    try:
        with get_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return f"failing ({type(e).__name__})"


def _uptime(seconds: Optional[int]) -> str:
    if seconds is None:
        return "-"
    return (
        time.strftime("%H:%M:%S", time.gmtime(seconds))
        if seconds < 86400
        else f"{seconds // 86400}d"
    )


def render(rows: List[ServiceStatus], database: str) -> str:
    lines = [f"{'service':18} {'state':9} {'health':8} {'uptime':9} {'restarts':8} last restart"]
    for r in rows:
        lines.append(
            f"{r.name:18} {r.state:9} {r.health:8} {_uptime(r.uptime_s):9} {r.restarts:<8} "
            f"{r.last_restart or 'never'}"
        )
    lines.append(f"{'database':18} {'-':9} {database:8}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="madadgar status", description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, default=VAR_DIR, help="deployment directory")
    parser.add_argument("--json", action="store_true", help="machine-readable")
    args = parser.parse_args(argv)
    rows = collect(args.var_dir)
    supervisor = Supervisor(args.var_dir / "run", args.var_dir / "log", [])
    database = database_health(supervisor.catalogue_extra().get("database_url"))
    if args.json:
        payload: Dict[str, Any] = {"services": [asdict(r) for r in rows], "database": database}
        print(json.dumps(payload, indent=1))
    elif not rows:
        print(f"No supervised services in {args.var_dir} (start them with `make run`).")
        print(f"database: {database}")
    else:
        print(render(rows, database))
    healthy = rows and all(r.state == "RUNNING" and r.health != "failing" for r in rows)
    return 0 if healthy and database == "ok" else 1
