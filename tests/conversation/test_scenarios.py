"""Multi-turn scenarios over the real, signed channel webhooks against the trained model.

Each file in tests/conversation/scenarios/ holds scenarios in YAML; this runner plays
them as a citizen would over SMS, WhatsApp, the voice line (keypad and speech) or
Telegram and checks facts, not wording: the script of the reply, the amount, a ticket
number with a valid check digit and its row in the database, the masked CNIC that was
checked, a numbered menu, and that nothing personal is said before verification.

Scenario keys: `name`, `channel` (sms | whatsapp | voice | telegram), `from` (a persona
key, whose phone is on record, or `stranger`: a fresh number on nobody's record),
`language` (the script every reply must be in, unless a turn says otherwise) and
`turns`, each `say` (text; `{cnic:KEY}`, `{dashed:KEY}`, `{date:KEY}` name a persona's
data) plus checks:

    private: true        no amount, name or payment state before verification
    amount: 13500        the amount is in the reply (any digits, with or without commas)
    ticket: {...}        a valid PCMS number whose database row has these fields
    no_ticket: true      no ticket number in the reply
    has: [a, b]          at least one of these is in the reply
    lacks: [a, b]        none of these is in the reply
    menu: true           a numbered menu (1 … 5) is offered
    script: ur           this turn's reply script, when not the scenario's language
                         (`any` when the message gives no language to follow)
    rated: 4             the ticket last told in this scenario has this rating

A turn may be `resolve: true` instead of `say`: staff resolve the ticket last told in
this scenario, so the outbox's "is it solved? rate it 1 to 5" waits for her answer.
Every reply is checked for the same question twice, and every scenario starts from a
fresh conversation and fresh CNIC attempts, so no scenario depends on another's order.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from sqlalchemy import create_engine, delete, text

from bot.core.identifiers import check_ticket_number, mask_cnic
from bot.nlu.langid import detect_with_confidence
from bot.registry.personas import PERSONAS
from tests.auxil.phone import Phone, is_urdu_script, sent_texts, spoken, ticket_row
from tests.channels.live_fixtures import telegram_live  # noqa: F401 (fixture)

pytestmark = pytest.mark.model

FOLDER = Path(__file__).with_name("scenarios")
BY_KEY = {p.key: p for p in PERSONAS}
URDU_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
TICKET = re.compile(r"PCMS-\d{8}")
SPOKEN_TICKET = re.compile(r"\d(?:[ ،,]*\d){7}")
PAYMENT_WORDS = ("ada ho chuki", "ادا ہو چکی", "has been paid", "was paid", "PMT")


def load() -> List[Dict[str, Any]]:
    scenarios = []
    for path in sorted(FOLDER.glob("*.yml")):
        for scenario in yaml.safe_load(path.read_text(encoding="utf-8")):
            scenario["file"] = path.name
            scenarios.append(scenario)
    return scenarios


SCENARIOS = load()


def fill(text: str) -> str:
    """Persona data in a turn: {cnic:paid}, {dashed:paid}, {date:paid}, {masked:paid}."""

    def value(m: re.Match) -> str:
        kind, key = m.group(1), m.group(2)
        person = BY_KEY[key]
        if kind == "cnic":
            return person.cnic
        if kind == "dashed":
            return f"{person.cnic[:5]}-{person.cnic[5:12]}-{person.cnic[12]}"
        if kind == "masked":
            return mask_cnic(person.cnic).replace("*", "x")
        return person.cnic_issue_date.strftime("%d-%m-%Y")

    return re.sub(r"\{(cnic|dashed|date|masked):(\w+)\}", value, text)


def fresh_start(live: Any, number: str) -> None:
    """No conversation of this phone and no CNIC attempt left over from another scenario."""
    from bot.assistant.models import VerificationAttempt

    engine = create_engine(live.database_url, future=True)
    try:
        with engine.begin() as conn:
            conn.execute(delete(VerificationAttempt.__table__))
    finally:
        engine.dispose()
    engine = create_engine(live.tracker_url, future=True)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM events WHERE sender_id LIKE :n"), {"n": f"%{number}"})
    finally:
        engine.dispose()


def resolve_ticket(database_url: str, number: str) -> None:
    """Staff resolve the ticket: it waits for the citizen's rating."""
    from bot.core import db
    from bot.tickets import service

    with db.session_factory(database_url)() as session:
        ticket = service.get_ticket(session, number)
        assert ticket is not None, number
        service.resolve(session, ticket, "staff:admin", "solved at the tehsil office")
        session.commit()


def repeated_sentence(reply: str) -> Optional[str]:
    """A sentence said twice in one reply ("send your CNIC … send your CNIC")."""
    sentences = [s.strip() for s in re.split(r"(?<=[.?!۔؟])\s+|\n+", reply) if len(s.strip()) > 25]
    seen = set()
    for sentence in sentences:
        if sentence in seen:
            return sentence
        seen.add(sentence)
    return None


class Citizen:
    """One scenario's phone on its channel; `say` returns every reply text of one turn."""

    def __init__(self, scenario: Dict[str, Any], live: Any, telegram: Any) -> None:
        self.channel = scenario["channel"]
        sender = scenario.get("from", "stranger")
        number = (
            BY_KEY[sender].phone if sender in BY_KEY else f"+9232{uuid.uuid4().int % 10**8:08d}"
        )
        fresh_start(live, number)
        self.live = telegram if self.channel == "telegram" else live
        self.phone = Phone(self.live, self.channel, number)
        if self.channel == "voice":
            self.phone.call(None)  # the language menu
            self.phone.call("dtmf:1" if scenario["language"] == "ur" else "dtmf:2")
        elif self.channel == "telegram":
            self.live.bot_api.take()
            self.phone.telegram("/start", None)
            self.phone.telegram(f"lang:{scenario['language']}", None)
            self.live.bot_api.take()

    def say(self, text: str) -> str:
        if self.channel == "voice":
            return spoken(self.phone.call(text))
        if self.channel == "telegram":
            assert self.phone.telegram(text, None) == []
            return "\n".join(sent_texts(self.live.bot_api.take()))
        return self.phone.text(text)


def script_of(text: str) -> str:
    if is_urdu_script(text):
        return "ur"
    guess = detect_with_confidence(text)
    return guess.code or "unknown"


def check_script(reply: str, expected: str) -> None:
    if expected == "ur":
        assert is_urdu_script(reply), f"not Urdu script: {reply!r}"
        return
    assert not is_urdu_script(reply), f"Urdu script where {expected} was expected: {reply!r}"
    assert script_of(reply) in (expected, "unknown"), (
        f"{script_of(reply)} not {expected}: {reply!r}"
    )


def has_amount(reply: str, amount: int) -> bool:
    plain = reply.translate(URDU_DIGITS).replace(",", "").replace("٬", "")
    return re.search(rf"(?<!\d){amount}(?!\d)", plain) is not None


def check_ticket(reply: str, fields: Dict[str, Any], database_url: str, channel: str) -> None:
    found = TICKET.search(reply)
    number = found.group() if found else None
    if number is None and channel == "voice":  # read out digit by digit
        digits = SPOKEN_TICKET.search(reply.translate(URDU_DIGITS))
        number = "PCMS-" + re.sub(r"\D", "", digits.group()) if digits else None
    assert number, f"no ticket number in {reply!r}"
    assert check_ticket_number(number).ok, f"{number} has a wrong check digit"
    row = ticket_row(database_url, number)
    for name, value in (fields or {}).items():
        assert row[name] == value, f"ticket {name} is {row[name]!r}, not {value!r}"


def check_private(reply: str) -> None:
    for person in PERSONAS:
        assert person.name not in reply, f"{person.name} named before verification: {reply!r}"
    for word in PAYMENT_WORDS:
        assert word not in reply, f"{word!r} said before verification: {reply!r}"
    assert not re.search(r"\d{1,2},\d{3}", reply.translate(URDU_DIGITS)), reply


def _params() -> List[Any]:
    return [pytest.param(s, id=s["name"]) for s in SCENARIOS]


@pytest.mark.parametrize("scenario", _params())
def test_scenario(scenario, live_assistant, request):
    telegram = (
        request.getfixturevalue("telegram_live") if scenario["channel"] == "telegram" else None
    )
    citizen = Citizen(scenario, live_assistant, telegram)
    last_ticket = None
    for number, turn in enumerate(scenario["turns"], 1):
        if turn.get("resolve"):
            assert last_ticket, f"turn {number} of {scenario['name']!r}: no ticket to resolve"
            resolve_ticket(citizen.live.database_url, last_ticket)
            continue
        said = fill(str(turn["say"]))
        reply = citizen.say(said)
        where = f"turn {number} ({said!r}) of {scenario['name']!r}: {reply!r}"
        assert reply.strip(), f"no reply at {where}"
        twice = repeated_sentence(reply)
        assert twice is None, f"{twice!r} twice at {where}"
        told = TICKET.search(reply)
        last_ticket = told.group() if told else last_ticket
        if turn.get("script") != "any":  # e.g. nonsense as a first message has no language
            check_script(reply, turn.get("script", scenario["language"]))
        if turn.get("private"):
            check_private(reply)
        if "amount" in turn:
            assert has_amount(reply, int(turn["amount"])), f"no Rs {turn['amount']} at {where}"
        if "ticket" in turn:
            check_ticket(reply, turn["ticket"], citizen.live.database_url, citizen.channel)
        if turn.get("no_ticket"):
            assert not TICKET.search(reply), f"a ticket at {where}"
        if "has" in turn:
            wanted = [fill(str(w)) for w in turn["has"]]
            assert any(w in reply for w in wanted), f"none of {wanted} at {where}"
        for unwanted in turn.get("lacks") or []:
            assert fill(str(unwanted)) not in reply, f"{unwanted!r} at {where}"
        if turn.get("menu"):
            plain = reply.translate(URDU_DIGITS)
            assert re.search(r"1\D+2\D+3\D+4\D+5", plain, re.S), f"no numbered menu at {where}"
        if "rated" in turn:
            row = ticket_row(citizen.live.database_url, str(last_ticket))
            assert row["rating"] == int(turn["rated"]), f"rating {row['rating']!r} at {where}"


def test_there_are_enough_scenarios_in_every_language_and_channel():
    assert len(SCENARIOS) >= 80
    assert {s["language"] for s in SCENARIOS} == {"en", "ur", "roman_ur"}
    assert {s["channel"] for s in SCENARIOS} == {"sms", "whatsapp", "voice", "telegram"}
    assert len({s["name"] for s in SCENARIOS}) == len(SCENARIOS)
