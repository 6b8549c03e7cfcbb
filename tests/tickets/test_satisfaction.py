"""Satisfaction, appeals and reopen rates per desk and district, from the citizens' verdicts."""

from __future__ import annotations

import pytest

from bot.tickets.queries import TicketFilter
from bot.tickets.satisfaction import satisfaction_by
from bot.tickets.service import confirm_resolution, open_ticket, resolve
from tests.tickets.helpers import MONDAY_10AM, deduction, pkt, ticket_config

OTHER = "4210198765431"


@pytest.fixture()
def config(tmp_path):
    return ticket_config(tmp_path)


def _rated(session, config, rating=None, solved=None, **overrides):
    ticket = open_ticket(session, deduction(**overrides), MONDAY_10AM, config).ticket
    resolve(session, ticket, "staff:sadia", "refunded", pkt(2025, 3, 4, 11), config)
    confirm_resolution(
        session, ticket.number, solved, now=pkt(2025, 3, 5, 9), config=config, rating=rating
    )
    return ticket


def test_figures_per_district_and_desk(session, config):
    _rated(session, config, rating=5)
    _rated(session, config, rating=1, cnic=OTHER, description="retailer ne 500 kaat liye")
    _rated(
        session,
        config,
        solved=True,
        cnic="6110112345671",
        district="Quetta",
        tehsil="Quetta City",
        description="fees li gayi",
    )
    session.flush()
    by_district = {
        r.name: r for r in satisfaction_by(session, "district", TicketFilter(), MONDAY_10AM)
    }
    mzg, qta = by_district["Muzaffargarh"], by_district["Quetta"]
    assert (mzg.resolved, mzg.rated, mzg.average_rating, mzg.appealed) == (2, 2, 3.0, 1)
    assert mzg.satisfaction == 0.5 and mzg.appeal_rate == 0.5 and mzg.reopen_rate == 0.5
    assert (qta.rated, qta.confirmed, qta.satisfaction, qta.appeal_rate) == (0, 1, 1.0, 0.0)
    by_desk = {r.name for r in satisfaction_by(session, "desk", TicketFilter(), MONDAY_10AM)}
    assert "integrity:Quetta" in by_desk


def test_no_verdicts_yet_gives_no_rates(session, config):
    open_ticket(session, deduction(), MONDAY_10AM, config)
    session.flush()
    [row] = satisfaction_by(session, "district", TicketFilter(), MONDAY_10AM)
    assert row.satisfaction is None and row.appeal_rate is None and row.average_rating is None
