"""Deadlines in Pakistan office hours with a fixed clock: evenings, weekends, holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tickets.config import DeadlineRule
from bot.tickets.deadlines import deadline_after, local_date_text, priority_for
from bot.tickets.service import open_ticket
from tests.tickets.helpers import MONDAY_10AM, PKT, deduction, pkt, ticket_config


@pytest.fixture()
def sla(tmp_path):
    return ticket_config(tmp_path).sla


@pytest.mark.parametrize(
    "start, hours, calendar, expected",
    [
        # Mon 10:00 + 16 office hours: 7 on Monday, 8 on Tuesday, 1 on Wednesday.
        (pkt(2025, 3, 3, 10), 16, "office", pkt(2025, 3, 5, 10)),
        # Friday afternoon: the weekend does not count.
        (pkt(2025, 3, 7, 15), 16, "office", pkt(2025, 3, 11, 15)),
        # ...but Saturday counts on the Mon-Sat calendar of payment sites.
        (pkt(2025, 3, 7, 15), 16, "field", pkt(2025, 3, 10, 15)),
        # A complaint at 20:00 starts counting at 09:00 the next morning.
        (pkt(2025, 3, 3, 20), 1, "office", pkt(2025, 3, 4, 10)),
        # Sunday 03:00 is the same as Monday 09:00.
        (pkt(2025, 3, 2, 3), 2, "office", pkt(2025, 3, 3, 11)),
        # Eid ul Fitr (31 Mar - 2 Apr 2025) is skipped; a full day ends at closing time.
        (pkt(2025, 3, 28, 9), 16, "office", pkt(2025, 4, 3, 17)),
        # Kashmir Day, Wednesday 5 Feb 2025.
        (pkt(2025, 2, 4, 13), 8, "office", pkt(2025, 2, 6, 13)),
        # Elapsed hours ignore nights and weekends (scams).
        (pkt(2025, 3, 8, 22), 24, "elapsed", pkt(2025, 3, 9, 22)),
    ],
)
def test_deadline_examples(sla, start, hours, calendar, expected):
    assert deadline_after(start, DeadlineRule(hours, calendar), sla) == expected


def test_deadlines_come_back_in_utc(sla):
    due = deadline_after(pkt(2025, 3, 3, 10), DeadlineRule(1, "office"), sla)
    assert due.tzinfo == timezone.utc and due.hour == 6  # 11:00 in Pakistan


def test_the_citizen_reads_the_date_in_pakistan_time(sla):
    # 20:00 UTC on the 3rd is 01:00 on the 4th in Pakistan.
    assert local_date_text(datetime(2025, 3, 3, 20, tzinfo=timezone.utc), sla) == "04-03-2025"


@pytest.mark.parametrize(
    "category, vulnerable, priority",
    [
        ("deduction", False, 1),
        ("scam", False, 1),
        ("payment_not_received", False, 2),
        ("update_details", False, 3),
        ("update_details", True, 1),  # a widow's survey request jumps the queue
        ("other", True, 1),
    ],
)
def test_money_taken_scams_and_vulnerable_citizens_come_first(sla, category, vulnerable, priority):
    assert priority_for(sla, category, vulnerable) == priority


def test_a_new_ticket_gets_the_deadline_of_its_category_and_priority(session, tmp_path):
    config = ticket_config(tmp_path)
    deduction_ticket = open_ticket(session, deduction(), MONDAY_10AM, config).ticket
    survey = open_ticket(
        session,
        deduction(category="update_details", description="survey", cnic="4210198765431"),
        MONDAY_10AM,
        config,
    ).ticket
    widow = open_ticket(
        session,
        deduction(
            category="update_details", description="survey", cnic="6110112345671", vulnerable=True
        ),
        MONDAY_10AM,
        config,
    ).ticket
    assert deduction_ticket.deadline_at == pkt(2025, 3, 5, 10)  # 16 h, Mon-Sat
    assert survey.priority == 3 and survey.deadline_at == pkt(2025, 3, 17, 10)  # 80 office h
    assert widow.priority == 1 and widow.deadline_at == pkt(2025, 3, 5, 10)


def _office_minutes(start: datetime, end: datetime, sla) -> int:
    """Brute force: count office minutes between two moments, a quarter hour at a time."""
    cal = sla.calendars["office"]
    t, minutes = start, 0
    while t < end:
        local = t.astimezone(PKT)
        if (
            local.weekday() in cal.days
            and local.date() not in sla.holidays
            and cal.start <= local.time() < cal.end
        ):
            minutes += 15
        t += timedelta(minutes=15)
    return minutes


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 20)),
    quarter=st.integers(0, 95),
    quarters=st.integers(1, 160),
)
def test_a_deadline_is_exactly_that_much_office_time_later(
    tmp_path_factory, day, quarter, quarters
):
    sla = ticket_config(tmp_path_factory.mktemp("sla")).sla
    start = datetime.combine(day, datetime.min.time(), PKT) + timedelta(minutes=15 * quarter)
    due = deadline_after(start, DeadlineRule(quarters / 4, "office"), sla)
    assert _office_minutes(start, due, sla) == quarters * 15
    local = due.astimezone(PKT)
    assert local.weekday() < 5 and local.date() not in sla.holidays
    assert sla.calendars["office"].start < local.time() <= sla.calendars["office"].end
