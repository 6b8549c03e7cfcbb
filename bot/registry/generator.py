"""Deterministic synthetic NSER-like registry: households, persons, enrolments, instalments.

    python -m bot.registry.generator --households 100000 --seed 7 [--database-url URL]

Same seed, same `as_of` day and same starting table contents give the same rows.
Rows are written with Core bulk inserts (executemany) in batches; no ORM objects.
CNICs encode the person id (block digit + 7-digit serial below 9,000,000), so they
never collide with each other nor with the demo personas, whose serial starts with 9.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, Optional

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection
from tqdm import tqdm

from bot.core.districts import District, load_districts
from bot.registry import names
from bot.registry.models import Enrolment, Household, Instalment, Person
from bot.registry.programmes import ProgrammesConfig, get_programmes
from bot.registry.quarters import quarter_start, recent_quarters

SERIAL_LIMIT = 9_000_000  # persona CNIC serials are >= this
PROVINCE_DIGIT = {
    "Khyber Pakhtunkhwa": "1",
    "Punjab": "3",
    "Sindh": "4",
    "Balochistan": "5",
    "Islamabad": "6",
    "Gilgit-Baltistan": "7",
    # Real AJK CNICs start with 8, which bot.core.identifiers rejects; synthetic ones use 3.
    "Azad Jammu and Kashmir": "3",
}
MERGED_DISTRICTS = frozenset(
    {"Bajaur", "Mohmand", "Khyber", "Kurram", "Orakzai", "North Waziristan"}
    | {"Upper South Waziristan", "Lower South Waziristan"}
)
RETAILERS = (
    "Madina Kiryana Store",
    "Al-Rehman General Store",
    "Bismillah Mobile Shop",
    "Usman Telecom",
    "Chaudhry Traders",
    "Ghousia Karyana",
    "Al-Noor Communication",
    "Bhatti Mobile Zone",
    "Faisal Easy Shop",
    "Sadiq General Store",
)
CAMPSITES = (
    "BISP Campsite, Govt Girls High School",
    "BISP Campsite, Govt Boys Primary School",
    "BISP Campsite, Union Council Office",
    "BISP Campsite, Govt Girls Degree College",
)
# (cumulative probability, status, reason) of a kafaalat instalment
OUTCOMES_OLDER = (
    (0.96, "paid", None),
    (0.98, "failed", "bank_error"),
    (1.0, "withheld", "biometric_failure"),
)
OUTCOMES_LATEST = (
    (0.72, "paid", None),
    (0.90, "ready_for_collection", None),
    (0.97, "withheld", "biometric_failure"),
    (1.0, "failed", "bank_error"),
)
SUSPENSION_REASONS = ("biometric_failure", "data_under_review")
_HOUSEHOLD = Household.__table__
_PERSON = Person.__table__
_ENROLMENT = Enrolment.__table__
_INSTALMENT = Instalment.__table__


@dataclass(frozen=True)
class GenerationStats:
    """What one run wrote and how long it took."""

    households: int
    persons: int
    enrolments: int
    instalments: int
    seconds: float

    @property
    def households_per_second(self) -> float:
        return self.households / self.seconds if self.seconds else float("inf")


def _pick(
    outcomes: tuple[tuple[float, str, Optional[str]], ...], rng: random.Random
) -> tuple[str, Optional[str]]:
    r = rng.random()
    return next((status, reason) for p, status, reason in outcomes if r < p or p >= 1.0)


def make_cnic(person_id: int, district_code: str, tehsil_index: int, gender: str) -> str:
    """13 digits: district code, tehsil, id block, 7-digit serial, gender digit."""
    block, serial = divmod(person_id, SERIAL_LIMIT)
    last = 1 + 2 * (person_id % 5) if gender == "male" else 2 * (person_id % 5)
    return f"{district_code}{tehsil_index % 10}{block % 10}{serial:07d}{last}"


def _district_codes(districts: tuple[District, ...]) -> list[str]:
    codes, counters = [], {}
    for d in districts:
        digit = "2" if d.name in MERGED_DISTRICTS else PROVINCE_DIGIT[d.province]
        counters[digit] = counters.get(digit, 9) + 1
        codes.append(f"{digit}{counters[digit]:02d}")
    return codes


class _Builder:
    """Makes the rows of one household at a time from one random stream."""

    def __init__(self, rng: random.Random, cfg: ProgrammesConfig, as_of: date, quarters: int):
        self.rng = rng
        self.cfg = cfg
        self.as_of = as_of
        self.districts = load_districts()
        self.codes = _district_codes(self.districts)
        self.quarters = recent_quarters(as_of, quarters)
        self.kafaalat_amounts = {q: cfg.kafaalat_amount(quarter_start(q)) for q in self.quarters}
        rules = cfg.programme("kafaalat")["eligibility"]
        self.cutoff = float(rules["pmt_cutoff"])
        self.cutoff_disability = float(rules["pmt_cutoff_disability"])
        self.banks = cfg.banks
        self.households: list[dict[str, Any]] = []
        self.persons: list[dict[str, Any]] = []
        self.enrolments: list[dict[str, Any]] = []
        self.instalments: list[dict[str, Any]] = []

    # ------------------------------------------------------------ helpers
    def _ri(self, low: int, high: int) -> int:
        """random.randint's result range at a third of its cost (same stream per seed)."""
        return low + int(self.rng.random() * (high - low + 1))

    def _day_between(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self._ri(0, max(span, 0)))

    def _born(self, age: int) -> date:
        return self.as_of - timedelta(days=age * 365 + self._ri(0, 364))

    def _phone(self) -> Optional[str]:
        if self.rng.random() < 0.15:
            return None
        return f"+923{self._ri(0, 49):02d}{self._ri(0, 9_999_999):07d}"

    # ------------------------------------------------------------ persons
    def _person(self, pid: int, hid: int, ctx: tuple[str, int], **values: Any) -> dict[str, Any]:
        rng = self.rng
        born: date = values["date_of_birth"]
        age = (self.as_of - born).days // 365
        adult = age >= 18
        row = {
            "id": pid,
            "household_id": hid,
            "cnic": None,
            "marital_status": "single",
            "disability": rng.random() < 0.015,
            "phone": None,
            "cnic_issue_date": None,
            "cnic_expiry_date": None,
            "government_employee": False,
            "tax_payer": False,
            "other_exclusion": None,
            "school_level": None,
            "maternal_status": None,
        }
        row.update(values)
        if adult:
            row["cnic"] = make_cnic(pid, ctx[0], ctx[1], row["gender"])
            row["phone"] = self._phone()
            earliest = max(born + timedelta(days=18 * 366), self.as_of - timedelta(days=3650))
            if rng.random() < 0.04:  # expired: issued over ten years ago
                earliest = max(born + timedelta(days=18 * 366), self.as_of - timedelta(days=4700))
                issued = self._day_between(earliest, self.as_of - timedelta(days=3660))
            else:
                issued = self._day_between(earliest, self.as_of - timedelta(days=30))
            row["cnic_issue_date"] = issued
            row["cnic_expiry_date"] = None if age >= 65 else issued + timedelta(days=3652)
        return row

    def household(self, hid: int, pid: int) -> int:
        """Append one household and its rows; returns the next free person id."""
        rng = self.rng
        d_index = self._ri(0, len(self.districts) - 1)
        district = self.districts[d_index]
        t_index = self._ri(0, len(district.tehsils) - 1)
        ctx = (self.codes[d_index], t_index)
        pmt = round(min(max(rng.gauss(38.0, 12.0), 1.0), 95.0), 2)
        survey = self._day_between(self.as_of - timedelta(days=6 * 365), self.as_of - timedelta(30))
        self.households.append(
            {
                "id": hid,
                "pmt_score": pmt,
                "district": district.name,
                "tehsil": district.tehsils[t_index],
                "survey_date": survey,
                "address": f"Mauza {self._ri(1, 400)}, Tehsil {district.tehsils[t_index]}",
            }
        )
        members: list[dict[str, Any]] = []
        r = rng.random()
        head_age = self._ri(24, 72)
        if r < 0.001:  # a transgender person heading their own household
            members.append(
                self._person(
                    pid,
                    hid,
                    ctx,
                    name=rng.choice(names.TRANSGENDER_NAMES),
                    gender="transgender",
                    relation="head",
                    date_of_birth=self._born(head_age),
                )
            )
            pid += 1
            mother_age = None
        elif r < 0.09:  # a widow heads the household
            mother_age = head_age
            members.append(
                self._person(
                    pid,
                    hid,
                    ctx,
                    name=rng.choice(names.FEMALE_NAMES),
                    gender="female",
                    relation="head",
                    marital_status="widowed",
                    date_of_birth=self._born(head_age),
                )
            )
            pid += 1
        else:
            head = self._person(
                pid,
                hid,
                ctx,
                name=rng.choice(names.MALE_NAMES),
                gender="male",
                relation="head",
                marital_status="married",
                date_of_birth=self._born(head_age),
            )
            head["government_employee"] = rng.random() < 0.04
            head["tax_payer"] = rng.random() < 0.03
            if rng.random() < 0.01:
                head["other_exclusion"] = rng.choice(("vehicle_owner", "frequent_foreign_travel"))
            members.append(head)
            pid += 1
            mother_age = max(18, head_age - self._ri(0, 9))
            wife = self._person(
                pid,
                hid,
                ctx,
                name=rng.choice(names.FEMALE_NAMES),
                gender="female",
                relation="spouse",
                marital_status="married",
                date_of_birth=self._born(mother_age),
            )
            wife["government_employee"] = rng.random() < 0.008
            members.append(wife)
            pid += 1
        mother = members[-1] if mother_age is not None else None
        if mother is not None and mother_age is not None:
            n_children = rng.choices(range(8), weights=(6, 8, 14, 18, 18, 14, 12, 10))[0]
            max_child_age = max(min(mother_age - 17, 26), 0)
            children = []
            for _ in range(n_children):
                age = self._ri(0, max_child_age)
                boy = rng.random() < 0.51
                child = self._person(
                    pid,
                    hid,
                    ctx,
                    name=rng.choice(names.BOY_NAMES if boy else names.GIRL_NAMES),
                    gender="male" if boy else "female",
                    relation="son" if boy else "daughter",
                    date_of_birth=self._born(age),
                )
                child["school_level"] = self._school_level(age)
                children.append(child)
                pid += 1
            members.extend(children)
            youngest = max((c["date_of_birth"] for c in children), default=None)
            if mother_age <= 42:
                if youngest is not None and (self.as_of - youngest).days < 730:
                    mother["maternal_status"] = "lactating" if rng.random() < 0.7 else None
                elif mother["marital_status"] == "married" and rng.random() < 0.06:
                    mother["maternal_status"] = "pregnant"
        if rng.random() < 0.1:  # a grandmother lives with the family
            members.append(
                self._person(
                    pid,
                    hid,
                    ctx,
                    name=rng.choice(names.FEMALE_NAMES),
                    gender="female",
                    relation="parent",
                    marital_status="widowed",
                    date_of_birth=self._born(self._ri(60, 88)),
                )
            )
            pid += 1
        self.persons.extend(members)
        self._enrol(hid, pmt, members, district.tehsils[t_index])
        return pid

    def _school_level(self, age: int) -> Optional[str]:
        rng = self.rng
        if 4 <= age <= 10 and rng.random() < 0.72:
            return "primary"
        if 11 <= age <= 15 and rng.random() < 0.55:
            return "secondary"
        if 16 <= age <= 22 and rng.random() < 0.3:
            return "higher_secondary"
        return None

    # ------------------------------------------------------------ programmes
    def _enrol(self, hid: int, pmt: float, members: list[dict[str, Any]], tehsil: str) -> None:
        rng = self.rng
        beneficiary = next(
            (m for m in members if m["relation"] in ("head", "spouse") and m["gender"] != "male"),
            None,
        )
        if beneficiary is None:
            return
        cutoff = self.cutoff_disability if any(m["disability"] for m in members) else self.cutoff
        couple = [m for m in members if m["relation"] in ("head", "spouse")]
        excluded = next(
            (
                "government_employee"
                if m["government_employee"]
                else "tax_payer"
                if m["tax_payer"]
                else m["other_exclusion"]
                for m in couple
                if m["government_employee"] or m["tax_payer"] or m["other_exclusion"]
            ),
            None,
        )
        since = self._day_between(date(2019, 1, 1), self.as_of - timedelta(days=200))
        if pmt > cutoff:
            if rng.random() < 0.02:
                self._enrolment(
                    beneficiary, hid, "kafaalat", "graduated", "pmt_above_cutoff", since
                )
            return
        if excluded:
            if rng.random() < 0.5:
                self._enrolment(beneficiary, hid, "kafaalat", "excluded", excluded, since)
            return
        r = rng.random()
        if r < 0.07:
            self._enrolment(beneficiary, hid, "kafaalat", "waitlisted", "funds_exhausted", None)
            return
        suspended = r < 0.10
        if suspended:
            reason = rng.choice(SUSPENSION_REASONS)
            self._enrolment(beneficiary, hid, "kafaalat", "suspended", reason, since)
        else:
            reason = None
            self._enrolment(beneficiary, hid, "kafaalat", "active", None, since)
        bank = rng.choice(self.banks)
        self._kafaalat_instalments(beneficiary, bank, tehsil, reason)
        self._children_programmes(beneficiary, hid, members, bank, tehsil)

    def _enrolment(
        self,
        person: dict[str, Any],
        hid: int,
        programme: str,
        status: str,
        reason: Optional[str],
        since: Optional[date],
    ) -> None:
        self.enrolments.append(
            {
                "person_id": person["id"],
                "household_id": hid,
                "programme": programme,
                "status": status,
                "reason": reason,
                "since": since,
            }
        )

    def _agent(self, tehsil: str) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return f"{rng.choice(CAMPSITES)}, {tehsil}"
        return f"{rng.choice(RETAILERS)}, {tehsil}"

    def _kafaalat_instalments(
        self, person: dict[str, Any], bank: str, tehsil: str, suspended: Optional[str]
    ) -> None:
        rng = self.rng
        expiry = person["cnic_expiry_date"]
        expired = expiry is not None and expiry < self.as_of
        last = len(self.quarters) - 1
        for i, quarter in enumerate(self.quarters):
            start = quarter_start(quarter)
            if suspended and i >= last - 1:
                status, reason = "withheld", suspended
            elif expired and i == last:
                status, reason = "withheld", "cnic_expired"
            else:
                status, reason = _pick(OUTCOMES_LATEST if i == last else OUTCOMES_OLDER, rng)
            day = min(start + timedelta(days=self._ri(10, 75)), self.as_of)
            self.instalments.append(
                {
                    "person_id": person["id"],
                    "programme": "kafaalat",
                    "quarter": quarter,
                    "amount": self.kafaalat_amounts[quarter],
                    "status": status,
                    "reason": reason,
                    "bank": bank,
                    "agent": self._agent(tehsil) if status != "withheld" else None,
                    "status_date": day,
                    "for_person_id": None,
                }
            )

    def _children_programmes(
        self,
        mother: dict[str, Any],
        hid: int,
        members: list[dict[str, Any]],
        bank: str,
        tehsil: str,
    ) -> None:
        rng = self.rng
        cfg = self.cfg
        paid_quarters = self.quarters[-2:]
        for child in members:
            if child["relation"] not in ("son", "daughter"):
                continue
            months = (self.as_of - child["date_of_birth"]).days * 12 // 365
            if child["school_level"]:
                attendance = rng.random() < 0.9
                self._enrolment(
                    child,
                    hid,
                    "taleemi_wazaif",
                    "active" if attendance else "suspended",
                    None if attendance else "attendance_below_70",
                    None,
                )
                if attendance:
                    for q in paid_quarters:
                        amount = cfg.taleemi_wazaif_amount(
                            child["school_level"], child["gender"], quarter_start(q)
                        )
                        self._stipend(mother, child, "taleemi_wazaif", q, amount, bank, tehsil)
            elif months < 24:
                self._enrolment(child, hid, "nashonuma", "active", None, None)
                for q in paid_quarters:
                    amount = cfg.nashonuma_amount(child["gender"], quarter_start(q))
                    self._stipend(mother, child, "nashonuma", q, amount, bank, tehsil)
        if mother["maternal_status"]:
            self._enrolment(mother, hid, "nashonuma", "active", mother["maternal_status"], None)

    def _stipend(
        self,
        mother: dict[str, Any],
        child: dict[str, Any],
        programme: str,
        quarter: str,
        amount: int,
        bank: str,
        tehsil: str,
    ) -> None:
        day = min(quarter_start(quarter) + timedelta(days=self._ri(20, 80)), self.as_of)
        self.instalments.append(
            {
                "person_id": mother["id"],
                "programme": programme,
                "quarter": quarter,
                "amount": amount,
                "status": "paid" if day < self.as_of else "ready_for_collection",
                "reason": None,
                "bank": bank,
                "agent": self._agent(tehsil),
                "status_date": day,
                "for_person_id": child["id"],
            }
        )

    def flush(self, conn: Connection) -> tuple[int, int, int, int]:
        """Write the buffered rows in foreign-key order and empty the buffers."""
        counts = (
            len(self.households),
            len(self.persons),
            len(self.enrolments),
            len(self.instalments),
        )
        for table, rows in (
            (_HOUSEHOLD, self.households),
            (_PERSON, self.persons),
            (_ENROLMENT, self.enrolments),
            (_INSTALMENT, self.instalments),
        ):
            if rows:
                _bulk_insert(conn, table, rows)
            rows.clear()
        return counts


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany at the driver level: SQLAlchemy's per-row parameter work halves the speed.

    Both sqlite3 and psycopg2 adapt date and bool values themselves. An enrolment or
    instalment row without an "id" gets one from the database.
    """
    if conn.dialect.name == "postgresql":
        # executemany sends one INSERT per row over the wire; COPY streams the batch.
        from bot.core.bulk_load import copy_rows

        copy_rows(conn, table, rows)
        return
    names = [c.name for c in table.c if c.name in rows[0]]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    pick = itemgetter(*names)
    conn.exec_driver_sql(sql, [pick(r) for r in rows])


def generate(
    conn: Connection,
    households: int,
    seed: int,
    *,
    as_of: Optional[date] = None,
    quarters: int = 4,
    batch_size: int = 5000,
    progress: bool = True,
    commit_batches: bool = False,
    cfg: Optional[ProgrammesConfig] = None,
) -> GenerationStats:
    """Append `households` synthetic households to the registry on `conn`.

    `commit_batches` commits after every batch (a connection the caller owns, not a
    Session's); otherwise the caller's transaction decides.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    builder = _Builder(rng, cfg or get_programmes(), as_of or date.today(), quarters)
    hid = (conn.execute(select(func.max(_HOUSEHOLD.c.id))).scalar() or 0) + 1
    pid = (conn.execute(select(func.max(_PERSON.c.id))).scalar() or 0) + 1
    totals = [0, 0, 0, 0]
    with tqdm(total=households, unit="hh", disable=not progress, smoothing=0.1) as bar:
        for i in range(households):
            pid = builder.household(hid + i, pid)
            if len(builder.households) >= batch_size or i == households - 1:
                written = len(builder.households)
                for k, n in enumerate(builder.flush(conn)):
                    totals[k] += n
                if commit_batches:
                    conn.commit()
                bar.update(written)
    if conn.dialect.name == "postgresql" and households:
        # Explicit ids do not advance PostgreSQL sequences; later ORM inserts need them to.
        for table in ("household", "person"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    return GenerationStats(*totals, seconds=time.perf_counter() - started)


def main(argv: Optional[list[str]] = None) -> GenerationStats:
    """Command line: migrate the database, then generate households into it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None)
    parser.add_argument("--quarters", type=int, default=4)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    from bot.core.db import get_engine
    from bot.core.migrate import upgrade

    upgrade(args.database_url)
    engine = get_engine(args.database_url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB: the CNIC index
        stats = generate(
            conn,
            args.households,
            args.seed,
            as_of=args.as_of,
            quarters=args.quarters,
            progress=not args.no_progress,
            commit_batches=True,
        )
        conn.commit()
    print(
        f"{stats.households} households, {stats.persons} persons, {stats.enrolments} enrolments, "
        f"{stats.instalments} instalments in {stats.seconds:.1f} s "
        f"({stats.households_per_second:,.0f} households/s)"
    )
    return stats


if __name__ == "__main__":
    main()
