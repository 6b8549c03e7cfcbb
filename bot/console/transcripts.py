"""Conversation transcripts read, read-only, from Rasa's SQL tracker store (`events`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Dict, List, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.core.masking import mask_text
from bot.core.settings import get_settings
from bot.privacy.vault import describe_references

_engines: Dict[str, Engine] = {}


@dataclass(frozen=True)
class TranscriptLine:
    """One message of a conversation; `text` is already masked."""

    at: datetime
    speaker: str  # "citizen" or "assistant"
    text: str
    intent: Optional[str] = None

    def as_dict(self) -> Dict[str, Optional[str]]:
        return {
            "at": self.at.isoformat(),
            "speaker": self.speaker,
            "text": self.text,
            "intent": self.intent,
        }


def _read_only_url(url: str) -> str:
    """A SQLite URL opened read-only (and never created); other URLs as they are."""
    if url.startswith("sqlite:///") and "mode=ro" not in url:
        path = url[len("sqlite:///") :]
        if not path or path == ":memory:":
            return url
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return url


def _engine(url: str) -> Engine:
    engine = _engines.get(url)
    if engine is None:
        engine = create_engine(_read_only_url(url), future=True)
        _engines[url] = engine
    return engine


def dispose() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def read_transcript(
    sender_id: Optional[str],
    url: Optional[str] = None,
    since: Optional[datetime] = None,
    limit: int = 500,
    session: Optional[Session] = None,
) -> List[TranscriptLine]:
    """The citizen's and the assistant's messages for `sender_id`, oldest first.

    The tracker holds vault references where the citizen typed a CNIC; with `session`
    (the helpline's database) each is shown as the masked CNIC it stands for.

    A missing tracker database or table gives an empty transcript: the console still
    works when Rasa has not run yet.
    """
    if not sender_id:
        return []
    query = (
        "SELECT type_name, timestamp, data FROM events "
        "WHERE sender_id = :sender AND type_name IN ('user', 'bot')"
    )
    params: Dict[str, object] = {"sender": sender_id, "limit": limit}
    if since is not None:
        query += " AND timestamp >= :since"
        params["since"] = since.timestamp()
    query += " ORDER BY timestamp, id LIMIT :limit"
    try:
        with _engine(url or get_settings().TRACKER_DB_URL).connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            rows = conn.execute(text(query), params).all()
    except SQLAlchemyError:
        return []

    def shown(body: str) -> str:
        return mask_text(describe_references(session, body) if session is not None else body)

    return [line for line in (_line(*row, shown) for row in rows) if line is not None]


def _line(
    type_name: str, timestamp: float, data: Optional[str], shown: Callable[[str], str]
) -> Optional[TranscriptLine]:
    try:
        event = json.loads(data or "{}")
    except ValueError:
        return None
    body = event.get("text")
    if not body:
        return None
    at = datetime.fromtimestamp(float(timestamp or event.get("timestamp") or 0), tz=timezone.utc)
    if type_name == "user":
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        return TranscriptLine(at, "citizen", shown(body), intent)
    return TranscriptLine(at, "assistant", shown(body))
