"""Spoken and typed numbers, dates, CNICs, phones and tickets (tests/nlu/spoken_table.yml).

Each row is something a caller said or an SMS user typed, in Urdu script, Roman Urdu or
English, and what the helpline must understand from it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest
import yaml

from bot.channels.voice_text import spoken_entry
from bot.nlu.extract import extract_entities
from bot.nlu.spoken import answer_is, parse_date, read_numbers, spoken_digits

TABLE = yaml.safe_load(Path(__file__).with_name("spoken_table.yml").read_text(encoding="utf-8"))


def rows(section: str) -> List[Tuple[str, Any]]:
    return [(str(text), expected) for text, expected in TABLE[section].items()]


def entity(text: str, kind: str) -> Optional[str]:
    found = [e.value for e in extract_entities(text) if e.entity == kind]
    return found[0] if found else None


def test_the_table_is_large_enough():
    assert sum(len(v) for v in TABLE.values()) >= 300


@pytest.mark.parametrize("text, expected", rows("amounts"))
def test_amounts(text, expected):
    assert entity(text, "amount") == (None if expected is None else str(expected))


@pytest.mark.parametrize("text, expected", rows("dates"))
def test_dates(text, expected):
    want = date.fromisoformat(str(expected)) if expected is not None else None
    assert parse_date(text) == want


@pytest.mark.parametrize("text, expected", rows("cnics"))
def test_cnics(text, expected):
    assert entity(text, "cnic") == expected


@pytest.mark.parametrize("text, expected", rows("phones"))
def test_phones(text, expected):
    assert entity(text, "phone") == expected


@pytest.mark.parametrize("text, expected", rows("tickets"))
def test_tickets_said_at_the_ticket_question(text, expected):
    entry = spoken_entry(text, "ticket")
    assert (entry.value if entry else None) == expected


@pytest.mark.parametrize("text, expected", rows("digits"))
def test_digits_as_said(text, expected):
    assert spoken_digits(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("جی ہاں", True),
        ("جی نہیں", False),
        ("haan theek hai", True),
        ("nahi galat hai", False),
        ("yes", True),
        ("no, that is wrong", False),
        ("what?", None),
    ],
)
def test_spoken_yes_and_no(text, expected):
    assert answer_is(text) is expected


@pytest.mark.parametrize("text", ["𐹠", "𐹡𐹢 rupay", "²"])
def test_digits_that_are_no_decimal_digits_are_no_number_and_no_crash(text):
    # str.isdigit() is true for Rumi digits and superscripts, but int() cannot read them.
    assert read_numbers(text) == []
