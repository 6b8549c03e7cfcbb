"""Test helpers: a signed Twilio phone for a running assistant, and its log and tracker files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import httpx

from bot.channels.simulate import Simulator


class SignedPhone(Simulator):
    """bot.channels.simulate's phone, signing with the running server's own secrets."""

    def __init__(self, live: Any, mode: str, phone: str) -> None:
        super().__init__(mode, live.url, phone)
        self.public = live.env["PUBLIC_BASE_URL"].rstrip("/")
        self.token = live.env["TWILIO_AUTH_TOKEN"]
        self.last: httpx.Response | None = None

    def _post_twilio(self, public_url: str, params: Dict[str, str]) -> httpx.Response:
        self.last = super()._post_twilio(public_url, params)
        return self.last


def log_dir_of(database_url: str) -> Path:
    """Services writes logs under config_dir/log; the fixtures keep the database there too."""
    return Path(database_url.split("///", 1)[1]).parent / "log"


def read_logs(log_dir: Path) -> Dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in log_dir.glob("*.log")}


def tracker_rows(tracker_url: str) -> List[Dict[str, Any]]:
    """Every event the tracker store holds, as stored (table `events`, column `data`)."""
    conn = sqlite3.connect(tracker_url.split("///", 1)[1])
    try:
        rows = conn.execute("SELECT sender_id, data FROM events").fetchall()
    finally:
        conn.close()
    return [{"sender_id": s, "data": d, "event": json.loads(d or "{}")} for s, d in rows]
