"""Routing from config/routing.yml: desks by category, place names, and rule changes."""

from __future__ import annotations

import pytest

from bot.core.settings import CONFIG_DIR, reset_settings
from bot.tickets.config import ConfigError, parse_routing
from bot.tickets.routing import route
from bot.tickets.service import open_ticket
from tests.tickets.helpers import MONDAY_10AM, deduction, ticket_config


@pytest.fixture()
def routing(tmp_path):
    return ticket_config(tmp_path).routing


@pytest.mark.parametrize(
    "category, district, tehsil, queue, level, rule",
    [
        (
            "deduction",
            "Muzaffargarh",
            "Alipur",
            "integrity:Muzaffargarh",
            1,
            "integrity-deduction-scam",
        ),
        ("scam", "Lahore", None, "integrity:Lahore", 1, "integrity-deduction-scam"),
        ("payment_not_received", "Lahore", None, "payments:Lahore", 1, "payments-bank"),
        ("biometric_failure", "Quetta", None, "payments:Quetta", 1, "payments-bank"),
        (
            "update_details",
            "Lahore",
            "Model Town",
            "registry:Lahore",
            1,
            "registry-surveys-updates",
        ),
        ("eligibility_dispute", "Quetta", None, "registry:Quetta", 1, "registry-surveys-updates"),
        ("misconduct", "Muzaffargarh", "Jatoi", "tehsil:Muzaffargarh/Jatoi", 0, "tehsil-office"),
        ("cnic_sim", "Lahore", None, "district:Lahore", 1, "district-office"),
        ("other", None, None, "head_office", 3, "head-office-fallback"),
        # A desk needs a district: a deduction from nowhere in particular goes to head office.
        ("deduction", None, None, "head_office", 3, "head-office-fallback"),
    ],
)
def test_each_complaint_goes_to_its_desk(routing, category, district, tehsil, queue, level, rule):
    chosen = route(routing, category, "kafaalat", district, tehsil)
    assert (chosen.queue, chosen.level, chosen.rule_id) == (queue, level, rule)


def test_place_names_are_read_the_way_people_write_them(routing):
    chosen = route(routing, "misconduct", None, "muzafargarh", "alipur")
    assert chosen.queue == "tehsil:Muzaffargarh/Alipur"


def test_a_ticket_records_the_rule_that_routed_it(session, tmp_path):
    t = open_ticket(session, deduction(), MONDAY_10AM, ticket_config(tmp_path)).ticket
    assert (t.queue, t.level, t.routing_rule) == (
        "integrity:Muzaffargarh",
        1,
        "integrity-deduction-scam",
    )


def test_changing_the_rules_file_reroutes_without_code_change(session, tmp_path, monkeypatch):
    rules = tmp_path / "routing.yml"
    base = (CONFIG_DIR / "routing.yml").read_text(encoding="utf-8")
    rules.write_text(base, encoding="utf-8")
    monkeypatch.setenv("ROUTING_FILE", str(rules))
    reset_settings()

    first = open_ticket(session, deduction(), MONDAY_10AM).ticket
    assert first.queue == "integrity:Muzaffargarh"

    # Policy change: deductions in Muzaffargarh go to the tehsil office for now.
    extra = (
        "rules:\n"
        "  - id: mzg-deductions-to-tehsil\n"
        "    match: {category: deduction, district: Muzaffargarh, tehsil: '*'}\n"
        "    queue: 'tehsil:{district}/{tehsil}'\n"
        "    level: 0\n"
    )
    rules.write_text(base.replace("rules:\n", extra, 1), encoding="utf-8")
    second = open_ticket(session, deduction(cnic="4210198765431"), MONDAY_10AM).ticket
    lahore = open_ticket(
        session,
        deduction(cnic="6110112345671", district="Lahore", tehsil="Model Town"),
        MONDAY_10AM,
    ).ticket

    assert (second.queue, second.level, second.routing_rule) == (
        "tehsil:Muzaffargarh/Alipur",
        0,
        "mzg-deductions-to-tehsil",
    )
    assert lahore.queue == "integrity:Lahore"  # the new rule is only for Muzaffargarh
    assert first.routing_rule == "integrity-deduction-scam"  # old tickets keep theirs


@pytest.mark.parametrize(
    "text, problem",
    [
        ("rules: [{queue: head_office, level: 3}]\nlevels: {1: a, 2: b, 3: c}", "unique id"),
        (
            "rules: [{id: a, queue: x, level: 3}, {id: a, queue: y, level: 3}]\n"
            "levels: {1: a, 2: b, 3: c}",
            "unique id",
        ),
        (
            "rules: [{id: a, match: {colour: red}, queue: x, level: 0}]\n"
            "levels: {1: a, 2: b, 3: c}",
            "unknown match key",
        ),
        ("rules: [{id: a, queue: x, level: 0}]\nlevels: {1: a}", "escalation level 2"),
    ],
)
def test_a_broken_rules_file_is_refused_with_the_reason(text, problem):
    import yaml

    with pytest.raises(ConfigError, match=problem):
        parse_routing(yaml.safe_load(text))
