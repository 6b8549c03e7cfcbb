"""Does a turn cost more as the conversation grows? Message 5 against message 200.

    .venv/bin/python bench/growth.py                 # starts the helpline as `make run` does
    .venv/bin/python bench/growth.py --messages 200 --conversations 3

A few citizens (one at a time, so nothing queues) each play one long conversation:
greeting, payment question, CNIC, issue date, then a cycle of questions a verified citizen
asks (payment status, thanks, eligibility, office, language) until `--messages`. For the
window of turns around message 5 and around the last message it reports the latency and
the server CPU per turn (every helpline process and its children, from /proc), and their
ratio. Writes bench/out/growth.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import PERSONAS  # noqa: E402
from bench.versus import OUT, Embedded, cpu_seconds  # noqa: E402
from bot.channels.rest import token_header  # noqa: E402
from bot.core.settings import VAR_DIR, get_settings  # noqa: E402

CYCLE = (
    "what is my payment status",
    "thank you",
    "who is eligible for kafaalat",
    "ok",
    "mera paisa kab aye ga",
)


def conversation(n: int, messages: int) -> List[str]:
    cnic, issued = PERSONAS[n % len(PERSONAS)]
    texts = ["Assalam o alaikum", "what is my payment status", cnic, issued]
    while len(texts) < messages:
        texts.append(CYCLE[(len(texts) - 4) % len(CYCLE)])
    return texts


def send(url: str, sender: str, text: str) -> List[Dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    headers = {"Content-Type": "application/json"}
    headers.update(token_header(get_settings().REST_CHANNEL_TOKEN))  # as bench.versus set it
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read() or b"[]")


def play(url: str, pids: List[int], texts: List[str]) -> List[Dict[str, float]]:
    """Per message: wall seconds and server CPU seconds."""
    sender = f"growth-{uuid.uuid4().hex[:10]}"
    turns = []
    for text in texts:
        cpu0, t0 = cpu_seconds(pids), time.perf_counter()
        answer = send(url, sender, text)
        turns.append(
            {
                "seconds": time.perf_counter() - t0,
                "cpu": cpu_seconds(pids) - cpu0,
                "answered": bool(answer),
            }
        )
    return turns


def window(turns: List[List[Dict[str, float]]], first: int, last: int) -> Dict[str, float]:
    """Mean CPU and median latency per message over messages first..last (1-based)."""
    rows = [t for conv in turns for t in conv[first - 1 : last]]
    return {
        "messages": len(rows),
        "cpu_ms": 1000 * statistics.fmean(t["cpu"] for t in rows),
        "latency_ms": 1000 * statistics.median(t["seconds"] for t in rows),
    }


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--messages", type=int, default=200)
    p.add_argument("--conversations", type=int, default=3)
    args = p.parse_args(argv)
    helpline = Embedded(VAR_DIR / "bench" / "growth")
    system = helpline.start()
    try:
        helpline.wait()
        url = system.url + "/webhooks/rest/webhook"
        pids = system.pids()
        play(url, pids, conversation(0, 10))  # warm-up: lazily built parts
        turns = [play(url, pids, conversation(n, args.messages)) for n in range(args.conversations)]
    finally:
        helpline.stop()
    # windows of one whole question cycle, so both hold the same kinds of message
    size = len(CYCLE)
    early = window(turns, 5, 4 + size)
    late = window(turns, args.messages - size + 1, args.messages)
    unanswered = sum(not t["answered"] for conv in turns for t in conv)
    result = {
        "messages": args.messages,
        "conversations": args.conversations,
        "early": early,
        "late": late,
        "cpu_ratio": late["cpu_ms"] / early["cpu_ms"],
        "latency_ratio": late["latency_ms"] / early["latency_ms"],
        "unanswered": unanswered,
    }
    print(
        f"messages 5-{4 + size}: CPU {early['cpu_ms']:.1f} ms/turn, "
        f"latency p50 {early['latency_ms']:.0f} ms\n"
        f"messages {args.messages - size + 1}-{args.messages}: CPU {late['cpu_ms']:.1f} ms/turn, "
        f"latency p50 {late['latency_ms']:.0f} ms\n"
        f"ratio late/early: CPU {result['cpu_ratio']:.2f}×, latency {result['latency_ratio']:.2f}×"
        f"; unanswered messages: {unanswered}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "growth.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
