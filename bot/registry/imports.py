"""Payment-status files: every row checked, the valid ones applied, each change recorded.

A file (CSV with a header, or JSON lines; docs/REGISTRY_IMPORT.md) has one row per
instalment: CNIC of the person paid, programme, quarter, state, amount, payment point,
reason code and dates; a child's stipend names the child (`member`). A row that is wrong
is reported with its line number and skipped; the rest are applied in batches, each
batch (its instalments, its transitions and whatever `on_transitions` queues) in one
transaction, so no row is ever half-applied. A row that matches what is on record
changes nothing: importing the same file twice records nothing the second time.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from bot.core.identifiers import check_cnic, mask_cnic
from bot.registry.eligibility import KAFAALAT, NASHONUMA, TALEEMI_WAZAIF
from bot.registry.household_status import WITHHELD_STEPS
from bot.registry.models import INSTALMENT_STATUSES, Instalment, Person, Transition

FIELDS = (
    "cnic",
    "programme",
    "quarter",
    "state",
    "amount",
    "payment_point",
    "bank",
    "reason",
    "status_date",
    "collect_until",
    "cnic_expiry",
    "member",
)
PROGRAMMES = (KAFAALAT, TALEEMI_WAZAIF, NASHONUMA)
CNIC_EXPIRING = "cnic_expiring"
FAILED_REASONS = ("bank_error",)
_QUARTER = re.compile(r"^(20\d\d)-Q([1-4])$")
BATCH = 5000


@dataclass(frozen=True)
class Problem:
    """Why line `line` of the file was skipped."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Row:
    """One checked row: the instalment it sets and/or the CNIC expiry it records."""

    line: int
    cnic: str
    programme: Optional[str] = None
    quarter: Optional[str] = None
    state: Optional[str] = None
    amount: Optional[int] = None
    payment_point: Optional[str] = None
    bank: Optional[str] = None
    reason: Optional[str] = None
    status_date: Optional[date] = None
    collect_until: Optional[date] = None
    cnic_expiry: Optional[date] = None
    member: Optional[str] = None


@dataclass
class ImportResult:
    rows: int = 0
    applied: int = 0  # rows that changed something
    unchanged: int = 0
    problems: List[Problem] = field(default_factory=list)
    transitions: int = 0
    notices: int = 0

    def summary(self) -> str:
        return (
            f"{self.rows} rows: {self.applied} applied, {self.unchanged} unchanged, "
            f"{len(self.problems)} skipped; {self.transitions} state changes, "
            f"{self.notices} notices queued"
        )


# ---------------------------------------------------------------- reading and checking


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def check_row(raw: Dict[str, Any], line: int) -> Row:
    """The row as a Row, or ValueError saying what is wrong with it."""
    values = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in FIELDS}
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}")
    cnic = check_cnic(values["cnic"])
    if not cnic.ok:
        raise ValueError(f"CNIC {mask_cnic(values['cnic'])!r} is not valid ({cnic.problem})")
    expiry = _day(values["cnic_expiry"], "cnic_expiry") if values["cnic_expiry"] else None
    if not values["programme"]:
        if expiry is None:
            raise ValueError("programme is missing")
        if any(values[k] for k in ("quarter", "state", "amount")):
            raise ValueError("programme is missing")
        return Row(line, str(cnic.digits), cnic_expiry=expiry)
    programme = values["programme"].lower()
    if programme not in PROGRAMMES:
        raise ValueError(f"programme {values['programme']!r} is not one of {', '.join(PROGRAMMES)}")
    if not _QUARTER.match(values["quarter"]):
        raise ValueError(f"quarter {values['quarter']!r} is not like 2026-Q4")
    state = values["state"].lower()
    if state not in INSTALMENT_STATUSES:
        raise ValueError(
            f"state {values['state']!r} is not one of {', '.join(INSTALMENT_STATUSES)}"
        )
    try:
        amount = int(values["amount"].replace(",", ""))
    except ValueError:
        raise ValueError(f"amount {values['amount']!r} is not a whole number of rupees") from None
    if amount < 0 or amount > 1_000_000:
        raise ValueError(f"amount {amount} is out of range")
    reason = values["reason"].lower() or None
    if state == "withheld" and reason not in WITHHELD_STEPS:
        raise ValueError(
            f"a withheld payment needs a reason code ({', '.join(WITHHELD_STEPS)}), "
            f"got {values['reason']!r}"
        )
    if state == "failed" and reason not in (None, *FAILED_REASONS):
        raise ValueError(f"reason {values['reason']!r} does not go with a failed payment")
    if state in ("paid", "ready_for_collection") and reason:
        raise ValueError(f"a {state} payment has no reason code, got {values['reason']!r}")
    if state in ("paid", "ready_for_collection") and not values["payment_point"]:
        raise ValueError(f"a {state} payment needs its payment point")
    member = values["member"] or None
    if programme == KAFAALAT and member:
        raise ValueError("Kafaalat is paid to the beneficiary herself: no member")
    status_date = _day(values["status_date"], "status_date") if values["status_date"] else None
    until = _day(values["collect_until"], "collect_until") if values["collect_until"] else None
    if until and status_date and until < status_date:
        raise ValueError("collect_until is before status_date")
    return Row(
        line,
        str(cnic.digits),
        programme,
        values["quarter"],
        state,
        amount,
        values["payment_point"][:100] or None,
        values["bank"][:32] or None,
        reason if state in ("withheld", "failed") else None,
        status_date,
        until if state == "ready_for_collection" else None,
        expiry,
        member[:100] if member else None,
    )


def read_rows(path: Path) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """(line number, raw row) of a CSV file with a header or a JSON-lines file."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        if first.lstrip().startswith("{"):
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield number, {"__error__": f"not JSON ({exc.msg})"}
                    continue
                yield number, value if isinstance(value, dict) else {"__error__": "not an object"}
            return
        reader = csv.DictReader(fh)
        for raw in reader:
            if raw.get(None):
                yield reader.line_num, {"__error__": "more values than columns"}
                continue
            if not any((v or "").strip() for v in raw.values()):
                continue
            yield reader.line_num, {k.strip(): v for k, v in raw.items() if k}


def checked(rows: Iterable[Tuple[int, Dict[str, Any]]], result: ImportResult) -> Iterator[Row]:
    for line, raw in rows:
        result.rows += 1
        if "__error__" in raw:
            result.problems.append(Problem(line, str(raw["__error__"])))
            continue
        try:
            yield check_row(raw, line)
        except ValueError as exc:
            result.problems.append(Problem(line, str(exc)))


# ---------------------------------------------------------------- applying


@dataclass(frozen=True)
class Change:
    """A recorded transition, with what a notice about it needs."""

    transition_id: int
    household_id: int
    person_id: int
    for_person_id: Optional[int]
    line: int
    to_state: str
    from_state: Optional[str]
    programme: Optional[str]
    quarter: Optional[str]
    reason: Optional[str]
    amount: Optional[int]
    place: Optional[str]
    status_date: Optional[date]
    collect_until: Optional[date]
    cnic_expiry: Optional[date] = None
    member: Optional[str] = None


OnTransitions = Callable[[Session, List[Change], datetime], int]
_COMPARED = ("status", "reason", "amount", "agent", "bank", "status_date", "collect_until")


def _persons(session: Session, cnics: Sequence[str]) -> Dict[str, Tuple[int, int, Optional[date]]]:
    rows = session.execute(
        select(Person.cnic, Person.id, Person.household_id, Person.cnic_expiry_date).where(
            Person.cnic.in_(sorted(set(cnics)))
        )
    )
    return {cnic: (pid, hid, expiry) for cnic, pid, hid, expiry in rows}


def _members(session: Session, wanted: set) -> Dict[Tuple[int, str], int]:
    """(household id, folded name) -> person id for the children named in the batch."""
    if not wanted:
        return {}
    households = sorted({h for h, _ in wanted})
    rows = session.execute(
        select(Person.household_id, Person.name, Person.id).where(
            Person.household_id.in_(households)
        )
    )
    return {(h, name.casefold()): pid for h, name, pid in rows if (h, name.casefold()) in wanted}


def _instalments(session: Session, keys: set) -> Dict[tuple, Dict[str, Any]]:
    if not keys:
        return {}
    people = sorted({k[0] for k in keys})
    quarters = sorted({k[2] for k in keys})
    query = select(
        Instalment.id,
        Instalment.person_id,
        Instalment.programme,
        Instalment.quarter,
        Instalment.for_person_id,
        *[getattr(Instalment, c) for c in _COMPARED],
    ).where(
        Instalment.person_id.in_(people),
        Instalment.quarter.in_(quarters),
    )
    found: Dict[tuple, Dict[str, Any]] = {}
    for row in session.execute(query).mappings():
        key = (row["person_id"], row["programme"], row["quarter"], row["for_person_id"])
        if key in keys:
            found[key] = dict(row)
    return found


def apply_batch(
    session: Session,
    rows: List[Row],
    source: str,
    now: datetime,
    today: date,
    result: ImportResult,
    expiring_days: int = 60,
    on_transitions: Optional[OnTransitions] = None,
) -> None:
    """Apply checked rows in the caller's transaction; record and report their changes."""
    persons = _persons(session, [r.cnic for r in rows])
    wanted_members = {
        (persons[r.cnic][1], r.member.casefold()) for r in rows if r.member and r.cnic in persons
    }
    members = _members(session, wanted_members)
    targets: List[Tuple[Row, int, int, Optional[int]]] = []
    for row in rows:
        found = persons.get(row.cnic)
        if found is None:
            result.problems.append(
                Problem(row.line, f"CNIC {mask_cnic(row.cnic)} is not in the registry")
            )
            continue
        pid, hid, _ = found
        child = None
        if row.member:
            child = members.get((hid, row.member.casefold()))
            if child is None:
                result.problems.append(
                    Problem(row.line, f"no household member named {row.member!r}")
                )
                continue
        targets.append((row, pid, hid, child))
    keys = {(pid, r.programme, r.quarter, child) for r, pid, _, child in targets if r.programme}
    current = _instalments(session, keys)
    inserts: Dict[tuple, Dict[str, Any]] = {}
    updates: Dict[int, Dict[str, Any]] = {}
    expiries: Dict[int, date] = {}
    transitions: List[Dict[str, Any]] = []
    for row, pid, hid, child in targets:
        changed = False
        if row.cnic_expiry is not None:
            known = expiries.get(pid, persons[row.cnic][2])
            if row.cnic_expiry != known:
                expiries[pid] = row.cnic_expiry
                changed = True
                if today <= row.cnic_expiry <= today + timedelta(days=expiring_days):
                    transitions.append(
                        _transition(row, pid, hid, None, None, CNIC_EXPIRING, source, now)
                    )
        if row.programme:
            key = (pid, row.programme, row.quarter, child)
            values = {
                "status": row.state,
                "reason": row.reason,
                "amount": row.amount,
                "agent": row.payment_point,
                "bank": row.bank,
                "status_date": row.status_date,
                "collect_until": row.collect_until,
            }
            before = current.get(key) or inserts.get(key)
            if before is None:
                inserts[key] = dict(
                    values,
                    person_id=pid,
                    programme=row.programme,
                    quarter=row.quarter,
                    for_person_id=child,
                )
                transitions.append(_transition(row, pid, hid, child, None, row.state, source, now))
                changed = True
            elif any(before.get(k) != v for k, v in values.items()):
                was = (before["status"], before.get("reason"))
                before.update(values)
                if "id" in before:
                    updates[before["id"]] = dict(values, _id=before["id"])
                if was != (row.state, row.reason):
                    transitions.append(
                        _transition(row, pid, hid, child, was[0], row.state, source, now)
                    )
                changed = True
        if changed:
            result.applied += 1
        else:
            result.unchanged += 1
    if inserts:
        session.execute(insert(Instalment), list(inserts.values()))
    if updates:
        _update_instalments(session, list(updates.values()))
    if expiries:
        session.execute(
            update(Person.__table__)
            .where(Person.__table__.c.id == _bind("_id"))
            .values(cnic_expiry_date=_bind("_expiry")),
            [{"_id": pid, "_expiry": day} for pid, day in expiries.items()],
        )
    if not transitions:
        return
    changes = _record(session, transitions)
    result.transitions += len(changes)
    if on_transitions is not None:
        result.notices += on_transitions(session, changes, now)


def update_by_id(
    session: Session,
    table: Any,
    rows: List[Dict[str, Any]],
    columns: Sequence[str],
    casts: Optional[Dict[str, str]] = None,
) -> None:
    """UPDATE `columns` of the rows whose `_id` is given: on PostgreSQL one statement per page
    of rows (psycopg2's executemany would wait for each row), elsewhere an executemany.
    `casts`: a type for columns whose values may all be NULL (a date)."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        session.execute(
            update(table).where(table.c.id == _bind("_id")).values({c: _bind(c) for c in columns}),
            rows,
        )
        return
    from psycopg2.extras import execute_values

    casts = casts or {}
    sets = ", ".join(f"{c} = v.{c}" + (f"::{casts[c]}" if c in casts else "") for c in columns)
    cursor = conn.connection.cursor()
    try:
        execute_values(
            cursor,
            f"UPDATE {table.name} AS t SET {sets} FROM (VALUES %s) AS v(id, {', '.join(columns)}) "
            "WHERE t.id = v.id",
            [(r["_id"], *[r[c] for c in columns]) for r in rows],
            page_size=1000,
        )
    finally:
        cursor.close()


def _update_instalments(session: Session, rows: List[Dict[str, Any]]) -> None:
    update_by_id(
        session,
        Instalment.__table__,
        rows,
        _COMPARED,
        {"status_date": "date", "collect_until": "date"},
    )


def _bind(name: str) -> Any:
    return bindparam(name)


def _transition(
    row: Row,
    pid: int,
    hid: int,
    child: Optional[int],
    was: Optional[str],
    state: str,
    source: str,
    now: datetime,
) -> Dict[str, Any]:
    expiring = state == CNIC_EXPIRING
    return {
        "household_id": hid,
        "person_id": pid,
        "for_person_id": child,
        "programme": None if expiring else row.programme,
        "quarter": None if expiring else row.quarter,
        "from_state": was,
        "to_state": state,
        "reason": None if expiring else row.reason,
        "amount": None if expiring else row.amount,
        "place": None if expiring else row.payment_point,
        "status_date": row.cnic_expiry if expiring else row.status_date,
        "collect_until": None if expiring else row.collect_until,
        "source": source[:120],
        "line": row.line,
        "recorded_at": now,
        "_member": row.member,
    }


def insert_ids(
    session: Session, table: Any, rows: List[Dict[str, Any]], key: Sequence[str], chunk: int = 1000
) -> Dict[tuple, int]:
    """Insert `rows` into `table`; their ids by the values of the `key` columns.

    On PostgreSQL one multi-row INSERT ... RETURNING per chunk (an ORM flush would wait for
    each row); elsewhere one INSERT per row."""
    ids: Dict[tuple, int] = {}
    if not rows:
        return ids
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        from psycopg2.extras import execute_values

        names = list(rows[0])
        cursor = conn.connection.cursor()
        try:
            returned = execute_values(
                cursor,
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES %s "
                f"RETURNING id, {', '.join(key)}",
                [tuple(row[n] for n in names) for row in rows],
                page_size=chunk,
                fetch=True,
            )
        finally:
            cursor.close()
        return {tuple(row[1:]): row[0] for row in returned}
    for row in rows:
        result = session.execute(insert(table).values(**row))
        ids[tuple(row[k] for k in key)] = result.inserted_primary_key[0]
    return ids


def _record(session: Session, transitions: List[Dict[str, Any]]) -> List[Change]:
    """Insert the transitions and return them with their ids, in file order."""
    members = [t.pop("_member") for t in transitions]
    key = ("line", "person_id", "to_state")
    ids = insert_ids(session, Transition.__table__, transitions, key)
    changes = []
    for t, member in zip(transitions, members, strict=True):
        expiring = t["to_state"] == CNIC_EXPIRING
        changes.append(
            Change(
                transition_id=ids[tuple(t[k] for k in key)],
                household_id=t["household_id"],
                person_id=t["person_id"],
                for_person_id=t["for_person_id"],
                line=t["line"],
                to_state=t["to_state"],
                from_state=t["from_state"],
                programme=t["programme"],
                quarter=t["quarter"],
                reason=t["reason"],
                amount=t["amount"],
                place=t["place"],
                status_date=None if expiring else t["status_date"],
                collect_until=t["collect_until"],
                cnic_expiry=t["status_date"] if expiring else None,
                member=member,
            )
        )
    return changes


def _batches(rows: Iterable[Row], size: int) -> Iterator[List[Row]]:
    batch: List[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_file(
    session_factory: Callable[[], Session],
    path: Path,
    now: Optional[datetime] = None,
    today: Optional[date] = None,
    on_transitions: Optional[OnTransitions] = None,
    expiring_days: int = 60,
    batch_size: int = BATCH,
) -> ImportResult:
    """Check every row of `path`, apply the valid ones batch by batch, report the rest."""
    now = now or datetime.now(timezone.utc)
    today = today or now.date()
    result = ImportResult()
    source = path.name
    for batch in _batches(checked(read_rows(path), result), batch_size):
        with session_factory() as session, session.begin():
            apply_batch(session, batch, source, now, today, result, expiring_days, on_transitions)
    result.problems.sort(key=lambda p: p.line)
    return result
