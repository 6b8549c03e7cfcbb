"""Is any message left without an answer under load? 2,000 messages, 20 conversations at once.

    .venv/bin/python bench/silence.py                     # starts the helpline as `make run` does
    .venv/bin/python bench/silence.py --messages 500 --users 10

Plays the complaint script (bench/load.py) against the embedded helpline until about
`--messages` messages were sent, then prints what the citizens got: answers, empty answers
(`[]`), failed requests by kind, and from the helpline's logs how many answers were the
apology Rasa or the REST channel gave instead of silence (an action call that failed, a
turn Rasa answered with nothing). Writes bench/out/silence.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import complaint_script, run_load  # noqa: E402
from bench.versus import OUT, Embedded  # noqa: E402
from bot.core.settings import VAR_DIR  # noqa: E402

# Log lines of bot/channels/rest.py and bot/rasa_plugins/action_call.py.
APOLOGIES = {
    "turns Rasa answered with nothing (REST apology)": "Rasa answered nothing",
    "failed action calls (stand-in apology)": "failed (",
}


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--users", type=int, default=20)
    args = p.parse_args(argv)
    var_dir = VAR_DIR / "bench" / "silence"
    for old in (var_dir / "log").glob("*.log"):
        old.unlink()  # count this run's apologies only
    helpline = Embedded(var_dir)
    system = helpline.start()
    try:
        helpline.wait()
        per_conversation = len(complaint_script("", ""))
        conversations = -(-args.messages // per_conversation)
        figures, seconds = asyncio.run(
            run_load(system.url, args.users, conversations, 3600, "madadgar", warmup=0)
        )
    finally:
        helpline.stop()
    logs = "".join(f.read_text(errors="replace") for f in (var_dir / "log").glob("*.log"))
    empty = figures.errors.get("no answer", 0)
    result = {
        "users": args.users,
        "answered": len(figures.latencies) - empty,
        "empty_answers": empty,
        "failed_requests": {k: v for k, v in figures.errors.items() if k != "no answer"},
        "apologies": {name: logs.count(line) for name, line in APOLOGIES.items()},
        "seconds": round(seconds, 1),
    }
    print(json.dumps(result, indent=1))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "silence.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
