"""Reports to the parties who can fix the causes: per district and month, and per partner.

A printable page and a CSV with the same rows: complaints by cause and tehsil, pattern
cases and what became of them, median days to resolve and the appeal rate. The figures
come from bot.tickets.stats, as the dashboard's do. Counts from 1 to 4 are printed "< 5",
and nothing in a report names a citizen: no CNIC, no name, no phone, no complaint text;
payment points the registry does not know (names citizens typed) are not named either.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.core.districts import find_district
from bot.core.masking import mask_text
from bot.patterns.causes import Taxonomy, load_taxonomy
from bot.patterns.models import (
    KIND_SPIKE,
    SOURCE_REGISTRY,
    PatternCase,
    PatternCaseTicket,
    PaymentPoint,
)
from bot.registry.models import Person
from bot.tickets.config import TicketConfig, load_config
from bot.tickets.constants import PROTECTION
from bot.tickets.deadlines import local_zone
from bot.tickets.models import Ticket
from bot.tickets.queries import TicketFilter
from bot.tickets.stats import Dashboard, dashboard

SMALL = 5
TEMPLATES = Path(__file__).with_name("templates")
PARTY_PARTNERS = ("nadra", "survey_firm", "district_office")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def shown(n: int) -> str:
    """A count as a report prints it: 1 to 4 are "< 5" (too few to publish)."""
    return "< 5" if 0 < n < SMALL else str(n)


def rate_shown(part: int, whole: int, of: str) -> str:
    """A rate with what it divides by; hidden when either count is too small to publish."""
    if whole == 0:
        return f"– (no {of})"
    if whole < SMALL or 0 < part < SMALL:
        return f"not shown ({shown(part)} of {shown(whole)} {of})"
    return f"{part / whole:.0%} ({part} of {whole} {of})"


def month_bounds(month: str, config: TicketConfig) -> Tuple[datetime, datetime]:
    """The month "2026-11" in Pakistan time, as UTC instants [start, end)."""
    found = _MONTH.match(month or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"a month is YYYY-MM, not {month!r}")
    year, mon = int(found.group(1)), int(found.group(2))
    zone = local_zone(config.sla)
    start = datetime(year, mon, 1, tzinfo=zone)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def previous_month(now: datetime) -> str:
    first = now.date().replace(day=1) - timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


@dataclass
class CaseRow:
    label: str
    kind: str
    subject: str
    tehsil: str
    households: str
    complaints: str
    amount_claimed: str
    state: str
    outcome: str


@dataclass
class Report:
    title: str
    district: Optional[str]
    partner: Optional[str]
    month: str
    figures: Dashboard
    causes: List[str]  # cause labels, in taxonomy order
    tehsils: List[str]
    cells: Dict[Tuple[str, str], int]  # (cause label, tehsil) -> complaints
    cases: List[CaseRow] = field(default_factory=list)

    def by_cause(self, cause: str) -> int:
        return sum(n for (c, _), n in self.cells.items() if c == cause)

    def by_tehsil(self, tehsil: str) -> int:
        return sum(n for (_, t), n in self.cells.items() if t == tehsil)

    @property
    def median_days(self) -> str:
        days = self.figures.median_resolve_days
        n = self.figures.resolved
        if days is None:
            return "– (none resolved)"
        if n < SMALL:
            return f"not shown ({shown(n)} resolved)"
        return f"{days} days (of {n} tickets resolved and not reopened)"

    @property
    def appeal_rate(self) -> str:
        rate = self.figures.appeal
        return rate_shown(rate.part, rate.whole, rate.of)

    def rows(self) -> List[List[str]]:
        """Every figure of the report as CSV rows: section, what, where, value."""
        f = self.figures
        out = [
            ["report", "district", "", self.district or "all"],
            ["report", "partner", "", self.partner or "all"],
            ["report", "month", "", self.month],
            ["summary", "complaints", "", shown(f.total)],
            ["summary", "resolved at least once", "", shown(f.resolved_once)],
            ["summary", "median days to resolve", "", self.median_days],
            ["summary", "appeal rate", "", self.appeal_rate],
        ]
        for cause in self.causes:
            for tehsil in self.tehsils:
                n = self.cells.get((cause, tehsil), 0)
                if n:
                    out.append(["complaints by cause and tehsil", cause, tehsil, shown(n)])
            out.append(["complaints by cause", cause, "all tehsils", shown(self.by_cause(cause))])
        for tehsil in self.tehsils:
            out.append(
                ["complaints by tehsil", "all causes", tehsil, shown(self.by_tehsil(tehsil))]
            )
        for c in self.cases:
            where = c.tehsil
            out += [
                ["pattern case", c.label, where, f"{c.kind}: {c.subject}"],
                ["pattern case households", c.label, where, c.households],
                ["pattern case complaints", c.label, where, c.complaints],
                ["pattern case amount claimed", c.label, where, c.amount_claimed],
                ["pattern case state", c.label, where, c.state],
                ["pattern case outcome", c.label, where, c.outcome],
            ]
        return out


def _partner_clause(partner: Optional[str], taxonomy: Taxonomy) -> Any:
    if not partner:
        return None
    key = partner.strip().lower().replace(" ", "_")
    if key in PARTY_PARTNERS:
        return Ticket.cause.in_([c.id for c in taxonomy.causes if c.party == key])
    banked = [c.id for c in taxonomy.causes if c.party == "partner_bank"]
    points = select(PaymentPoint.id).where(func.lower(PaymentPoint.bank) == partner.lower())
    return and_(Ticket.cause.in_(banked), Ticket.payment_point_id.in_(points))


def _scope(district: Optional[str], start: datetime, end: datetime, partner: Any) -> Any:
    clause = and_(
        Ticket.created_at >= start, Ticket.created_at < end, Ticket.category != PROTECTION
    )
    if district:
        clause = and_(clause, Ticket.district == district)
    if partner is not None:
        clause = and_(clause, partner)
    return clause


def _scrub(text: str, names: Sequence[str]) -> str:
    """Staff-written outcome without CNICs, phones or the names of the citizens behind it."""
    text = mask_text(text or "")
    for name in sorted({n for n in names if n and len(n) > 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[name]", text, flags=re.IGNORECASE)
        for part in name.split():
            if len(part) > 3:
                text = re.sub(rf"\b{re.escape(part)}\b", "[name]", text, flags=re.IGNORECASE)
    return text


def _cases(
    session: Session,
    district: Optional[str],
    start: datetime,
    end: datetime,
    partner: Any,
    taxonomy: Taxonomy,
) -> List[CaseRow]:
    """Cases with a complaint in the month (of the partner's complaints, for a partner)."""
    in_month = (
        select(PatternCaseTicket.case_id)
        .join(Ticket, Ticket.id == PatternCaseTicket.ticket_id)
        .where(_scope(district, start, end, partner))
    )
    cases = session.execute(
        select(PatternCase).where(PatternCase.id.in_(in_month)).order_by(PatternCase.id)
    ).scalars()
    rows = []
    for case in cases:
        point = session.get(PaymentPoint, case.payment_point_id) if case.payment_point_id else None
        subject = case.subject
        if point is not None and point.source != SOURCE_REGISTRY:
            subject = "a payment point not in the registry"
        if case.kind == KIND_SPIKE:  # its subject carries the week's small counts
            subject = f"{taxonomy.label(case.cause)} in {case.tehsil or 'a tehsil'}"
        names = session.execute(
            select(Person.name)
            .join(Ticket, Ticket.cnic == Person.cnic)
            .join(PatternCaseTicket, PatternCaseTicket.ticket_id == Ticket.id)
            .where(PatternCaseTicket.case_id == case.id)
        ).scalars()
        rows.append(
            CaseRow(
                label=case.label,
                kind="payment point" if case.kind == "payment_point" else "spike",
                subject=subject,
                tehsil=case.tehsil or "",
                households=shown(case.households),
                complaints=shown(case.ticket_count),
                amount_claimed=f"Rs {case.amount_claimed:,}" if case.amount_claimed else "–",
                state=case.state,
                outcome=_scrub(case.outcome or "", list(names)) if case.outcome else "",
            )
        )
    return rows


def build_report(
    session: Session,
    month: str,
    district: Optional[str] = None,
    partner: Optional[str] = None,
    taxonomy: Optional[Taxonomy] = None,
    config: Optional[TicketConfig] = None,
) -> Report:
    taxonomy = taxonomy or load_taxonomy()
    config = config or load_config()
    if district:
        known = find_district(district)
        district = known.name if known else district
    start, end = month_bounds(month, config)
    partner_clause = _partner_clause(partner, taxonomy)
    scope = _scope(district, start, end, partner_clause)
    figures = dashboard(session, TicketFilter(), end, scope)
    tehsil = func.coalesce(Ticket.tehsil, "tehsil unknown")
    cause = func.coalesce(Ticket.cause, "other")
    cells: Dict[Tuple[str, str], int] = {}
    for cause_id, where, n in session.execute(
        select(cause, tehsil, func.count()).where(scope).group_by(cause, tehsil)
    ):
        key = (taxonomy.label(cause_id), str(where))
        cells[key] = cells.get(key, 0) + int(n)
    causes = [c.label for c in taxonomy.causes]
    party = ""
    if partner:
        key = partner.strip().lower().replace(" ", "_")
        party = taxonomy.parties.get(key, partner)
    title = "Complaints and their causes"
    title += f", {district}" if district else ", all districts"
    title += f", for {party}" if party else ""
    return Report(
        title=title,
        district=district,
        partner=partner,
        month=month,
        figures=figures,
        causes=causes,
        tehsils=sorted({t for _, t in cells}),
        cells=cells,
        cases=_cases(session, district, start, end, partner_clause, taxonomy),
    )


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "what", "where", "value"])
    for row in report.rows():
        writer.writerow([_cell(str(v)) for v in row])
    return out.getvalue()


_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape())


def report_html(report: Report, generated: Optional[datetime] = None) -> str:
    """The printable page (no scripts, no outside resources)."""
    return _env.get_template("report.html").render(
        r=report, shown=shown, generated=(generated or datetime.now(timezone.utc)).date()
    )


def report_name(report: Report) -> str:
    parts = ["report", report.district or "all", report.partner or "", report.month]
    return "-".join(re.sub(r"[^A-Za-z0-9-]+", "_", p) for p in parts if p)


def write_report(report: Report, out_dir: Path) -> List[Path]:
    """Write the page and the CSV; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / report_name(report)
    html, sheet = base.with_suffix(".html"), base.with_suffix(".csv")
    html.write_text(report_html(report), encoding="utf-8")
    sheet.write_text(report_csv(report), encoding="utf-8")
    return [html, sheet]


def districts_with_complaints(session: Session, month: str, config: TicketConfig) -> List[str]:
    start, end = month_bounds(month, config)
    rows = session.execute(
        select(Ticket.district)
        .where(_scope(None, start, end, None), Ticket.district.is_not(None))
        .distinct()
    ).scalars()
    return sorted(str(d) for d in rows)


def partners_of(session: Session, taxonomy: Taxonomy) -> List[str]:
    """The partner banks of the payment points, then NADRA and the survey firm."""
    banks = session.execute(
        select(PaymentPoint.bank).where(PaymentPoint.bank.is_not(None)).distinct()
    ).scalars()
    return sorted(str(b) for b in banks) + ["nadra", "survey_firm"]


def as_date(month: str) -> date:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1)
