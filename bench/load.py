"""Bounded load generator: N simulated citizens play whole conversations over Rasa's REST channel.

    .venv/bin/python bench/load.py --url http://127.0.0.1:7101 --users 20 --conversations 200
    .venv/bin/python bench/load.py --url http://127.0.0.1:7190 --script rasa-init --users 20

Loopback only (the URL must be 127.0.0.1/localhost). Each user plays one conversation after
another, each under a new sender id, one message at a time (a citizen waits for the answer).
Madadgar script: greeting, payment status, CNIC, CNIC issue date, a deduction complaint and
where it happened, using the demo personas in turn. `rasa-init` plays the mood bot of
`rasa init` for the reference figures. Prints messages per second and latency percentiles,
then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlparse

import aiohttp

from bot.channels.rest import token_header
from bot.core.settings import get_settings

# (CNIC, issue date as a citizen types it): demo personas with a Kafaalat instalment
PERSONAS: Tuple[Tuple[str, str], ...] = (
    ("3230399000012", "12-03-2019"),
    ("3230399000024", "02-11-2020"),
    ("3230399000036", "21-07-2018"),
    ("3230399000062", "08-06-2022"),
    ("3630299000097", "11-10-2021"),
    ("3230399000102", "05-12-2019"),
    ("5440099000112", "23-03-2022"),
)


def complaint_script(cnic: str, issued: str) -> List[str]:
    """Greeting, payment status with CNIC and issue date, a deduction complaint."""
    return [
        "Assalam o alaikum",
        "what is my payment status",
        cnic,
        issued,
        "the agent deducted 500 rupees from my payment",
        "at Madina Kiryana Store in Alipur yesterday",
    ]


def madadgar_script(n: int) -> List[str]:
    return complaint_script(*PERSONAS[n % len(PERSONAS)])


def rasa_init_script(_: int) -> List[str]:
    return ["hello", "I am very sad", "yes", "great", "bye"]


SCRIPTS = {"madadgar": madadgar_script, "rasa-init": rasa_init_script}


@dataclass
class Figures:
    """Latencies (seconds) of answered messages and the failures seen."""

    latencies: List[float] = field(default_factory=list)
    errors: Dict[str, int] = field(default_factory=dict)
    conversations: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def percentile(values: List[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def play(
    session: aiohttp.ClientSession,
    url: str,
    messages: List[str],
    figures: Figures,
    run: str,
    pause: float = 0.0,
) -> None:
    sender = f"load-{run}-{uuid.uuid4().hex[:10]}"
    for i, text in enumerate(messages):
        if pause and i:
            await asyncio.sleep(pause)  # the citizen reads the answer and types the next one
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as r:
                body = await r.json(content_type=None)
                elapsed = time.perf_counter() - start
                if r.status != 200:
                    figures.error(f"http {r.status}")
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError) as e:
            figures.error(f"{type(e).__name__} {e}"[:80].strip())  # what failed, not just how
            return
        if not body:
            figures.error("no answer")
        figures.latencies.append(elapsed)
    figures.conversations += 1


async def user(
    session: aiohttp.ClientSession,
    url: str,
    script: str,
    queue: asyncio.Queue[int],
    figures: Figures,
    deadline: float,
    run: str,
    pause: float = 0.0,
) -> None:
    while time.monotonic() < deadline:
        try:
            n = queue.get_nowait()
        except asyncio.QueueEmpty:
            return
        await play(session, url, SCRIPTS[script](n), figures, run, pause)


async def run_load(
    base_url: str,
    users: int,
    conversations: int,
    duration: float,
    script: str,
    warmup: int,
    pause: float = 0.0,
) -> Tuple[Figures, float]:
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    run = uuid.uuid4().hex[:6]
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=users + 2)
    # The REST channel's token, from REST_CHANNEL_TOKEN (the stack's var/prod/secrets.env).
    headers = token_header(get_settings().REST_CHANNEL_TOKEN)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, headers=headers
    ) as session:
        if warmup:  # load lazily-built parts (first NLU/policy call, DB pools) before timing
            await asyncio.gather(
                *(play(session, url, SCRIPTS[script](i), Figures(), run) for i in range(warmup))
            )
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(conversations):
            queue.put_nowait(n)
        figures = Figures()
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(
            *(
                user(session, url, script, queue, figures, deadline, run, pause)
                for _ in range(users)
            )
        )
        return figures, time.monotonic() - start


def summary(figures: Figures, seconds: float) -> Dict[str, object]:
    lat = figures.latencies
    ms = 1000.0
    return {
        "messages": len(lat),
        "conversations": figures.conversations,
        "seconds": round(seconds, 1),
        "messages_per_second": round(len(lat) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(lat, 50) * ms, 1),
        "p95_ms": round(percentile(lat, 95) * ms, 1),
        "p99_ms": round(percentile(lat, 99) * ms, 1),
        "mean_ms": round(statistics.fmean(lat) * ms, 1) if lat else None,
        "max_ms": round(max(lat) * ms, 1) if lat else None,
        "errors": figures.errors,
    }


def _loopback(url: str) -> bool:
    return urlparse(url).hostname in ("127.0.0.1", "localhost", "::1")


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:7101", help="Rasa or nginx internal port")
    p.add_argument("--users", type=int, default=20, help="concurrent conversations")
    p.add_argument("--conversations", type=int, default=200, help="total conversations (bound)")
    p.add_argument("--duration", type=float, default=120, help="stop starting new ones after (s)")
    p.add_argument("--script", choices=sorted(SCRIPTS), default="madadgar")
    p.add_argument("--warmup", type=int, default=2, help="untimed conversations first")
    p.add_argument("--pause", type=float, default=0.0, help="seconds between a user's messages")
    p.add_argument("--label", default="")
    args = p.parse_args(argv)
    if not _loopback(args.url):
        p.error("load tests target loopback only")
    if args.conversations > 5000 or args.users > 200 or args.duration > 900:
        p.error("bounded: at most 5000 conversations, 200 users, 900 s")
    figures, seconds = asyncio.run(
        run_load(
            args.url,
            args.users,
            args.conversations,
            args.duration,
            args.script,
            args.warmup,
            args.pause,
        )
    )
    result = summary(figures, seconds)
    result.update(label=args.label, script=args.script, users=args.users, url=args.url)
    print(
        f"{args.label or args.script}: {result['messages']} messages in {result['seconds']} s "
        f"= {result['messages_per_second']} msg/s; latency p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; errors {figures.errors or 0}"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
