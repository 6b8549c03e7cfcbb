"""Simulated citizens for end-to-end tests: a conversation over the REST channel, with resends."""

from __future__ import annotations

import asyncio
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import requests
from sqlalchemy import create_engine, text

from bot.channels.rest import token_header
from bot.core.settings import get_settings
from bot.prod.stack import Stack

# The conversation bench/load.py plays, so the tests load the stack the way it is measured.
_LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"
_spec = importlib.util.spec_from_file_location("bench_load", _LOAD)
bench_load = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench_load  # its dataclasses look their module up
_spec.loader.exec_module(bench_load)
complaint_script = bench_load.complaint_script

APOLOGY_EN = "Sorry, something went wrong on our side"
APOLOGY_UR = "معذرت"
TICKET = re.compile(r"PCMS-\d{8}")


def rest_headers() -> Dict[str, str]:
    """The REST channel's token (the stack runs with the tests' REST_CHANNEL_TOKEN)."""
    return token_header(get_settings().REST_CHANNEL_TOKEN)


def say(stack: Stack, sender: str, message: str, timeout: float = 60) -> List[str]:
    """One message through the internal nginx port; the bot's texts."""
    lay = stack.layout
    r = requests.post(
        lay.url(lay.internal_port, "/webhooks/rest/webhook"),
        json={"sender": sender, "message": message},
        headers=rest_headers(),
        timeout=timeout,
    )
    r.raise_for_status()
    return [m.get("text", "") for m in r.json()]


def tracker(stack: Stack, sender: str) -> Dict[str, Any]:
    """The conversation through the Rasa HTTP API, with the stack's token."""
    lay = stack.layout
    r = requests.get(
        lay.url(lay.internal_port, f"/conversations/rest:{sender}/tracker"),
        params={"token": stack.secrets()["RASA_TOKEN"], "include_events": "ALL"},
        timeout=30,
    )
    r.raise_for_status()
    return r.json()


def after_rewinds(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Events with rewound turns taken out (a rewind undoes back to its user message).

    Rasa's own APPLIED view also folds the turns inside a form, so it is not used here."""
    kept: List[Dict[str, Any]] = []
    for event in events:
        if event["event"] == "rewind":
            while kept and kept.pop()["event"] != "user":
                pass
        elif event["event"] == "restart":
            kept = []
        else:
            kept.append(event)
    return kept


def user_messages(stack: Stack, sender: str) -> List[str]:
    """The citizen's messages as the conversation remembers them."""
    events = after_rewinds(tracker(stack, sender)["events"])
    return [e["text"] for e in events if e["event"] == "user"]


def same_messages(stored: List[str], sent: List[str]) -> bool:
    """The stored conversation holds exactly the sent messages, in order; a CNIC may be
    stored redacted (never in clear)."""
    if len(stored) != len(sent):
        return False
    for kept, message in zip(stored, sent, strict=True):
        if message.isdigit() and len(message) == 13:
            if message in kept or not kept:
                return False
        elif kept != message:
            return False
    return True


def synthetic_citizens(stack: Stack, n: int) -> List[Tuple[str, str]]:
    """(CNIC, issue date dd-mm-yyyy) of generated Kafaalat beneficiaries (not personas)."""
    return synthetic_citizens_at(stack.layout.db_url, n)


def synthetic_citizens_at(database_url: str, n: int) -> List[Tuple[str, str]]:
    """synthetic_citizens of the database at `database_url`."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT p.cnic, p.cnic_issue_date FROM person p JOIN enrolment e "
                    "ON e.person_id = p.id WHERE e.programme = 'kafaalat' "
                    "AND e.status = 'active' AND p.cnic IS NOT NULL "
                    "AND p.cnic_issue_date IS NOT NULL AND substr(p.cnic, 6, 2) <> '99' "
                    "ORDER BY p.id LIMIT :n"
                ),
                {"n": n},
            ).all()
    finally:
        engine.dispose()
    # SQLite gives the date back as text (YYYY-MM-DD), PostgreSQL as a date.
    return [(c, date.fromisoformat(str(d)[:10]).strftime("%d-%m-%Y")) for c, d in rows]


@dataclass
class Played:
    """What one simulated citizen saw."""

    sender: str
    script: List[str]
    answers: List[List[str]] = field(default_factory=list)
    retries: int = 0
    failures: List[str] = field(default_factory=list)

    @property
    def ticket(self) -> Optional[str]:
        found = [t for a in self.answers for m in a for t in TICKET.findall(m)]
        return found[-1] if found else None


async def play(
    session: aiohttp.ClientSession,
    url: str,
    played: Played,
    attempts: int = 60,
    pause: float = 0.0,
) -> Played:
    """Each message until it gets a real answer; like a citizen, resend after an error,
    silence or the apology (it asks to resend). `pause`: seconds a citizen takes to type."""
    for message in played.script:
        await asyncio.sleep(pause)
        for _ in range(attempts):
            try:
                async with session.post(
                    url, json={"sender": played.sender, "message": message}, headers=rest_headers()
                ) as r:
                    body = await r.json(content_type=None) if r.status == 200 else None
                    status = r.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                body, status = None, type(e).__name__
            texts = [m.get("text", "") for m in body or []]
            if texts and not any(APOLOGY_EN in t or APOLOGY_UR in t for t in texts):
                played.answers.append(texts)
                break
            played.retries += 1
            played.failures.append(f"{message[:12]}: {status} {texts[:1]}")
            await asyncio.sleep(0.5)
        else:
            return played
    return played
