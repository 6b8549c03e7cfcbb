"""Registry tables and the 0001_registry migration."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from bot.core import db
from bot.core.migrate import alembic_config
from bot.registry.models import Household, Person


def test_migration_creates_the_tables_with_a_unique_cnic_index(db_url):
    inspector = inspect(db.get_engine(db_url))
    assert {"household", "person", "enrolment", "instalment"} <= set(inspector.get_table_names())
    indexes = {i["name"]: i for i in inspector.get_indexes("person")}
    assert indexes["ux_person_cnic"]["unique"]


def test_downgrade_removes_the_registry(db_url):
    command.downgrade(alembic_config(db_url), "base")
    assert "person" not in inspect(db.get_engine(db_url)).get_table_names()


def _person(household_id: int, cnic: str) -> Person:
    return Person(
        household_id=household_id, cnic=cnic, name="Amina Bibi", gender="female",
        date_of_birth=date(1980, 1, 1), relation="spouse", marital_status="married",
        disability=False, government_employee=False, tax_payer=False,
    )  # fmt: skip


def test_two_persons_cannot_share_a_cnic_but_children_have_none(session):
    hh = Household(pmt_score=20.0, district="Muzaffargarh", tehsil="Alipur",
                   survey_date=date(2024, 1, 1))  # fmt: skip
    session.add(hh)
    session.flush()
    session.add_all([_person(hh.id, None), _person(hh.id, None), _person(hh.id, "3230312345672")])
    session.commit()
    session.add(_person(hh.id, "3230312345672"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    found = session.execute(select(Person).where(Person.cnic == "3230312345672")).scalar_one()
    assert found.household.district == "Muzaffargarh"
