"""Payment-status files: each bad row reported by its line and skipped, the rest applied,
each change recorded once, a second import of the same file changes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.core import db
from bot.registry import service as registry
from bot.registry.imports import import_file
from bot.registry.models import Instalment, Person, Transition
from bot.registry.quarters import quarter_of
from bot.registry.seed import ensure_demo_registry

TODAY = date.today()
NOW = datetime.now(timezone.utc)
QUARTER = quarter_of(TODAY)
HEADER = "cnic,programme,quarter,state,amount,payment_point,bank,reason,status_date,collect_until,cnic_expiry,member"
NUSRAT, ALLAH_RAKHI, PARVEEN, RUBINA = (
    "32303-9900017-8",
    "32303-9900003-6",
    "32303-9900014-2",
    "32303-9900016-6",
)


@pytest.fixture()
def registry_db(db_url, session):
    ensure_demo_registry(session, synthetic_households=0)
    session.commit()
    return db_url


def write(tmp_path: Path, lines, name: str = "status.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(url: str, model) -> int:
    with db.session_scope(url) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_bad_rows_are_reported_by_line_and_the_good_ones_applied(registry_db, tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            f"{NUSRAT},kafaalat,{QUARTER},ready_for_collection,13500,BISP Campsite Jatoi,HBL,,{TODAY},,,",
            f"32303-99000,kafaalat,{QUARTER},paid,13500,Shop,HBL,,{TODAY},,,",  # 3: short CNIC
            f"{ALLAH_RAKHI},kafalat,{QUARTER},paid,13500,Shop,HBL,,{TODAY},,,",  # 4: programme
            f"{ALLAH_RAKHI},kafaalat,{QUARTER},withheld,13500,,,,{TODAY},,,",  # 5: no reason
            f"{ALLAH_RAKHI},kafaalat,{QUARTER},paid,13500,Al-Madina Retailer,HBL,,{TODAY},,,",
            f"32303-9999999-4,kafaalat,{QUARTER},paid,13500,Shop,HBL,,{TODAY},,,",  # 7: unknown
            f"{PARVEEN},taleemi_wazaif,{QUARTER},withheld,3000,,,attendance_below_70,{TODAY},,,Nobody",
            f"{PARVEEN},taleemi_wazaif,{QUARTER},withheld,3000,,,attendance_below_70,{TODAY},,,Rabia",
            f"{RUBINA},kafaalat,{QUARTER},paid,thirteen,Shop,HBL,,{TODAY},,,",  # 10: amount
            f"{RUBINA},kafaalat,2026-13,paid,13500,Shop,HBL,,{TODAY},,,",  # 11: quarter
            f"{RUBINA},kafaalat,{QUARTER},paid,13500,Shop,HBL,,07/12/2026,,,",  # 12: date
        ],
    )
    result = import_file(db.session_factory(registry_db), path, NOW, TODAY)
    assert [p.line for p in result.problems] == [3, 4, 5, 7, 8, 10, 11, 12]
    said = {p.line: p.message for p in result.problems}
    assert "CNIC" in said[3] and "kafalat" in said[4] and "reason" in said[5]
    assert "not in the registry" in said[7] and "9999999" not in said[7]  # masked
    assert "Nobody" in said[8] and "amount" in said[10] and "quarter" in said[11]
    assert "date" in said[12]
    assert result.applied == 3 and result.transitions == 3
    with db.session_scope(registry_db) as s:
        nusrat = registry.household_status(s, NUSRAT)
        assert nusrat.lines[0].state == "ready" and nusrat.lines[0].agent == "BISP Campsite Jatoi"
        assert registry.household_status(s, ALLAH_RAKHI).lines[0].state == "paid"
        stipends = [
            line for line in registry.household_status(s, PARVEEN).lines if "Rabia" in line.members
        ]
        assert stipends[0].state == "withheld" and stipends[0].reason == "attendance_below_70"


def test_the_same_file_twice_changes_nothing(registry_db, tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            f"{NUSRAT},kafaalat,{QUARTER},ready_for_collection,13500,BISP Campsite,HBL,,{TODAY},,,",
            f"{RUBINA},,,,,,,,,,{TODAY + timedelta(days=30)},",
        ],
    )
    first = import_file(db.session_factory(registry_db), path, NOW, TODAY)
    assert (first.applied, first.transitions) == (2, 2)
    counts = (count(registry_db, Instalment), count(registry_db, Transition))
    second = import_file(db.session_factory(registry_db), path, NOW + timedelta(hours=1), TODAY)
    assert (second.applied, second.unchanged, second.transitions) == (0, 2, 0)
    assert (count(registry_db, Instalment), count(registry_db, Transition)) == counts


def test_json_lines_with_each_transition_recorded(registry_db, tmp_path):
    rows = [
        {"cnic": ALLAH_RAKHI, "programme": "kafaalat", "quarter": QUARTER, "state": "paid",
         "amount": 13500, "payment_point": "Al-Madina Retailer", "status_date": str(TODAY)},
        {"cnic": NUSRAT, "programme": "kafaalat", "quarter": QUARTER, "state": "failed",
         "amount": 13500, "reason": "bank_error"},
    ]  # fmt: skip
    path = tmp_path / "status.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n", encoding="utf-8")
    result = import_file(db.session_factory(registry_db), path, NOW, TODAY)
    assert [(p.line, "JSON" in p.message) for p in result.problems] == [(3, True)]
    with db.session_scope(registry_db) as s:
        changes = s.execute(select(Transition).order_by(Transition.id)).scalars().all()
        assert [(t.from_state, t.to_state, t.line) for t in changes] == [
            ("withheld", "paid", 1),
            (None, "failed", 2),
        ]


def test_a_batch_is_applied_whole_or_not_at_all(registry_db, tmp_path):
    """What a batch queues fails: none of its rows stays half-applied; other batches stand."""
    path = write(
        tmp_path,
        [
            HEADER,
            f"{NUSRAT},kafaalat,{QUARTER},ready_for_collection,13500,BISP Campsite,HBL,,{TODAY},,,",
            f"{ALLAH_RAKHI},kafaalat,{QUARTER},paid,13500,Al-Madina Retailer,HBL,,{TODAY},,,",
        ],
    )
    calls = []

    def fail_second(session, changes, now):
        calls.append(len(changes))
        if len(calls) == 2:
            raise RuntimeError("outbox unavailable")
        return 0

    with pytest.raises(RuntimeError):
        import_file(db.session_factory(registry_db), path, NOW, TODAY, fail_second, batch_size=1)
    with db.session_scope(registry_db) as s:
        assert registry.household_status(s, NUSRAT).lines[0].state == "ready"
        assert registry.household_status(s, ALLAH_RAKHI).lines[0].state == "withheld"
        assert s.execute(select(func.count()).select_from(Transition)).scalar_one() == 1


def test_cnic_expiry_is_a_transition_only_within_the_window(registry_db, tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            f"{RUBINA},,,,,,,,,,{TODAY + timedelta(days=59)},",
            f"{NUSRAT},,,,,,,,,,{TODAY + timedelta(days=400)},",
        ],
    )
    result = import_file(db.session_factory(registry_db), path, NOW, TODAY)
    assert result.applied == 2 and result.transitions == 1
    with db.session_scope(registry_db) as s:
        [change] = s.execute(select(Transition)).scalars().all()
        assert change.to_state == "cnic_expiring"
        expiry = s.execute(
            select(Person.cnic_expiry_date).where(Person.cnic == "3230399000178")
        ).scalar_one()
        assert expiry == TODAY + timedelta(days=400)
