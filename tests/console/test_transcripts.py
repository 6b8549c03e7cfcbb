"""Transcripts from Rasa's tracker store: masked, oldest first, read-only."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.console import transcripts
from tests.auxil.browser import DEMO_CONVERSATION, write_tracker


@pytest.fixture(autouse=True)
def _fresh_engines():  # type: ignore[no-untyped-def]
    yield
    transcripts.dispose()


def test_messages_are_masked_and_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    start = datetime(2025, 9, 1, 10, tzinfo=timezone.utc)
    url = write_tracker(tmp_path / "t.db", "whatsapp:+923006100012", DEMO_CONVERSATION, start)
    write_tracker(tmp_path / "t.db", "someone-else", [("user", "not this one")], start)
    lines = transcripts.read_transcript("whatsapp:+923006100012", url)
    assert [line.speaker for line in lines] == ["citizen", "assistant"] * 3
    assert lines[2].text == "32303-*****01-2"
    assert lines[4].text == "2000 rupay, mera number +92300*****12 hai"
    assert lines[0].intent == "report_deduction" and lines[1].intent is None
    assert transcripts.read_transcript(
        "whatsapp:+923006100012", url, since=start + timedelta(seconds=50)
    )[0].text.startswith("Shukriya")


def test_the_tracker_database_is_opened_read_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.db"
    url = write_tracker(path, "s1", DEMO_CONVERSATION, datetime.now(timezone.utc))
    before = path.read_bytes()
    assert transcripts.read_transcript("s1", url)
    assert path.read_bytes() == before
    engine = transcripts._engine(url)
    with engine.connect() as conn, pytest.raises(Exception, match="readonly"):
        conn.exec_driver_sql("DELETE FROM events")


def test_a_missing_tracker_gives_an_empty_transcript_and_creates_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    assert transcripts.read_transcript("s1", url) == []
    assert not (tmp_path / "absent.db").exists()
    sqlite3.connect(tmp_path / "empty.db").close()  # a database without the events table
    assert transcripts.read_transcript("s1", f"sqlite:///{tmp_path / 'empty.db'}") == []


def test_staff_see_the_masked_cnic_where_the_tracker_holds_a_vault_reference(
    tmp_path, session
) -> None:  # type: ignore[no-untyped-def]
    from bot.privacy.vault import CnicVault

    reference = CnicVault(session).put("3230399000012")
    session.commit()
    start = datetime(2025, 9, 1, 10, tzinfo=timezone.utc)
    said = [("user", f"mera cnic {reference} hai"), ("bot", "Shukriya")]
    url = write_tracker(tmp_path / "t.db", "s1", said, start)
    lines = transcripts.read_transcript("s1", url, session=session)
    assert lines[0].text == "mera cnic 32303-*****01-2 hai"
    assert reference not in lines[0].text
