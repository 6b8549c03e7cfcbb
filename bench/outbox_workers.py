"""Outbox throughput with 1 and with N workers when the SMS provider is the bottleneck.

    .venv/bin/python bench/outbox_workers.py --messages 600 --latency 0.05 --workers 3

Starts a throwaway PostgreSQL on loopback (or uses --database-url), queues the messages,
and runs `python -m bot.cli.worker` processes against a loopback Twilio stand-in that takes
`--latency` seconds to accept each SMS (tests/auxil/twilio_fakes.FakeTwilioApi). Throughput
is counted from the first to the last message sent (sent_at), so process start-up does not
count. Prints both rates and their ratio, then one JSON line with the same figures.
The test tests/core/test_outbox_workers.py uses the same helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.clock import utcnow  # noqa: E402
from bot.core.outbox import PENDING, SENT, OutboxMessage  # noqa: E402
from tests.auxil.twilio_fakes import FakeTwilioApi  # noqa: E402

SMS_FROM = "+923000000001"
AUTH_TOKEN = "bench-outbox-auth-token-0123456789abcdef"


def recipient(i: int) -> str:
    """A distinct Pakistani mobile number for message i."""
    return f"+92301{i:07d}"


def body(i: int) -> str:
    return f"Helpline staff: outbox message {i}"


def queue_messages(database_url: str, count: int) -> None:
    """`count` due SMS in the outbox, one per recipient, each with its own text."""
    now = utcnow() - timedelta(seconds=1)
    engine = create_engine(database_url, future=True)
    rows = [
        {
            "ticket_id": None,
            "channel": "twilio",
            "recipient": recipient(i),
            "language": "en",
            "response": "utter_live_staff_message",
            "params": json.dumps({"text": f"outbox message {i}"}),
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "dedupe_key": f"bench:{uuid.uuid4().hex}",
        }
        for i in range(count)
    ]
    try:
        with engine.begin() as conn:
            for start in range(0, count, 2000):
                conn.execute(insert(OutboxMessage), rows[start : start + 2000])
    finally:
        engine.dispose()


def worker_env(database_url: str, api: FakeTwilioApi, claim_seconds: int) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_SMS_FROM": SMS_FROM,
            "TWILIO_API_BASE_URL": api.base_url,
            "PUBLIC_BASE_URL": "http://127.0.0.1:9",
            "OUTBOX_CLAIM_SECONDS": str(claim_seconds),
            "METRICS_PORT": "0",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("TELEGRAM_BOT_TOKEN", "TWILIO_WHATSAPP_FROM"):
        env.pop(name, None)
    return env


def start_workers(env: Dict[str, str], count: int, log_dir: Path) -> List[subprocess.Popen]:
    """`count` worker processes (bot.cli.worker), each polling every 0.2 s."""
    procs = []
    for i in range(count):
        log = open(log_dir / f"worker-{i}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "bot.cli.worker", "--interval", "0.2"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return procs


def stop_workers(procs: List[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def counts(database_url: str) -> Dict[str, int]:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
    finally:
        engine.dispose()
    return {status: int(n) for status, n in rows}


def wait_all_sent(database_url: str, count: int, timeout: float) -> float:
    """Seconds until `count` messages are sent; raises on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if counts(database_url).get(SENT, 0) >= count:
            return time.monotonic() - start
        time.sleep(0.5)
    raise TimeoutError(f"not all sent after {timeout:.0f} s: {counts(database_url)}")


def sending_rate(database_url: str) -> float:
    """Messages per second from the first sent to the last."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            n, first, last = conn.execute(
                select(
                    func.count(), func.min(OutboxMessage.sent_at), func.max(OutboxMessage.sent_at)
                ).where(OutboxMessage.status == SENT)
            ).one()
    finally:
        engine.dispose()
    span = (last - first).total_seconds()
    return (n - 1) / span if span > 0 else float("inf")


def fresh_database(server_url: str) -> str:
    """A new, migrated database on the PostgreSQL server at `server_url`."""
    from bot.core.migrate import upgrade

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    return url


def run(
    server_url: str, workers: int, messages: int, latency: float, log_dir: Path
) -> Tuple[float, float]:
    """(messages per second, wall seconds) of `workers` workers sending `messages`."""
    url = fresh_database(server_url)
    queue_messages(url, messages)
    api = FakeTwilioApi(latency=latency).start()
    procs = start_workers(worker_env(url, api, 60), workers, log_dir)
    try:
        wall = wait_all_sent(url, messages, timeout=600)
    finally:
        stop_workers(procs)
        api.stop()
    assert len(api.sent) == messages, (len(api.sent), messages)
    return sending_rate(url), wall


def own_postgres(var_dir: Path) -> Iterator[str]:
    """A throwaway PostgreSQL (bot.prod's) on a free loopback port."""
    from bot.prod.datastores import Postgres
    from bot.prod.layout import Layout
    from tests.production.ports import free_base_port

    layout = Layout(var_dir=var_dir, base_port=free_base_port())
    postgres = Postgres(layout)
    postgres.start()
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{layout.postgres_port}/postgres"
    finally:
        postgres.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per SMS accepted")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: start one)")
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="madadgar-bench-outbox-"))
    var_dir.chmod(0o755)  # PostgreSQL runs as user postgres
    try:
        servers = iter([args.database_url]) if args.database_url else own_postgres(var_dir)
        server = next(servers)
        try:
            one, _ = run(server, 1, args.messages, args.latency, var_dir)
            many, _ = run(server, args.workers, args.messages, args.latency, var_dir)
        finally:
            next(servers, None)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    ratio = many / one
    print(f"provider latency {args.latency * 1000:.0f} ms, {args.messages} messages")
    print(f"1 worker: {one:.1f} msg/s; {args.workers} workers: {many:.1f} msg/s; x{ratio:.2f}")
    figures = {"one": round(one, 2), "many": round(many, 2), "ratio": round(ratio, 2)}
    print(json.dumps({"workers": args.workers, "latency": args.latency, **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
