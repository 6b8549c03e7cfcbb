"""Service API: plain dataclasses for a CNIC typed in any form."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from bot.registry import service
from bot.registry.personas import persona
from bot.registry.seed import ensure_personas


@pytest.fixture()
def seeded(session):
    ensure_personas(session)
    session.commit()
    return session


def test_find_person_accepts_dashes_spaces_and_urdu_digits(seeded):
    p = persona("paid")
    urdu = p.formatted_cnic.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    for typed in (p.cnic, p.formatted_cnic, p.formatted_cnic.replace("-", " "), urdu):
        found = service.find_person(seeded, typed)
        assert found is not None and found.name == "Shazia Bibi"
    assert (found.district, found.tehsil) == ("Muzaffargarh", "Alipur")
    assert found.enrolments[0].programme == "kafaalat"
    assert asdict(found)["cnic"] == p.cnic  # plain data the console can mask


def test_unknown_or_invalid_cnic_gives_nothing(seeded):
    assert service.find_person(seeded, persona("not_in_registry").cnic) is None
    assert service.find_person(seeded, "12345") is None
    assert service.latest_instalment(seeded, "12345") is None
    assert service.household_of(seeded, "12345") is None
    assert not service.check_eligibility(seeded, "12345").found


def test_eligibility_report_carries_place_and_numbers(seeded):
    report = service.check_eligibility(seeded, persona("disability").formatted_cnic)
    assert (report.found, report.district, report.tehsil) == (True, "Muzaffargarh", "Jatoi")
    assert set(report.programmes) == {"kafaalat", "taleemi_wazaif", "nashonuma"}
    assert report.programmes["kafaalat"].amount == 13500


def test_latest_instalment_prefers_kafaalat_and_filters_by_programme(seeded):
    cnic = persona("taleemi_wazaif").cnic
    assert service.latest_instalment(seeded, cnic).programme == "kafaalat"
    stipend = service.latest_instalment(seeded, cnic, "taleemi_wazaif")
    assert stipend.for_name in {"Iqra", "Hassan Ali", "Ayesha"}
    assert stipend.status == "paid"
    history = service.instalments(seeded, cnic, "kafaalat")
    assert len(history) == 4
    assert [h.quarter for h in history] == sorted((h.quarter for h in history), reverse=True)


def test_household_of_lists_members_with_children_without_cnic(seeded):
    household = service.household_of(seeded, persona("nashonuma").cnic)
    assert household.district == "Quetta"
    baby = next(m for m in household.members if m.name == "Maryam")
    assert baby.cnic is None


def test_find_person_lists_every_enrolment_in_order_and_none_when_not_enrolled(session):
    from datetime import date

    from bot.registry.models import Enrolment, Household, Person

    hh = Household(
        pmt_score=18.5, district="Quetta", tehsil="Quetta City", survey_date=date(2024, 1, 5)
    )
    session.add(hh)
    session.flush()
    mother = Person(
        household_id=hh.id,
        cnic="5440112345671",
        name="Gul Bibi",
        gender="female",
        date_of_birth=date(1988, 2, 1),
        relation="head",
        marital_status="married",
    )
    sister = Person(
        household_id=hh.id,
        cnic="5440112345682",
        name="Zarina",
        gender="female",
        date_of_birth=date(1990, 7, 9),
        relation="other",
        marital_status="single",
    )
    session.add_all([mother, sister])
    session.flush()
    session.add_all(
        [
            Enrolment(
                person_id=mother.id,
                household_id=hh.id,
                programme="nashonuma",
                status="active",
                since=date(2024, 3, 1),
            ),
            Enrolment(
                person_id=mother.id,
                household_id=hh.id,
                programme="kafaalat",
                status="suspended",
                reason="cnic_expired",
                since=date(2024, 2, 1),
            ),
        ]
    )
    session.commit()

    found = service.find_person(session, "54401-1234567-1")
    assert (found.name, found.district, found.tehsil, found.pmt_score) == (
        "Gul Bibi",
        "Quetta",
        "Quetta City",
        18.5,
    )
    assert [(e.programme, e.status, e.reason) for e in found.enrolments] == [
        ("nashonuma", "active", None),
        ("kafaalat", "suspended", "cnic_expired"),
    ]
    not_enrolled = service.find_person(session, "5440112345682")
    assert not_enrolled is not None and not_enrolled.enrolments == ()
    assert not_enrolled.survey_date == date(2024, 1, 5)
