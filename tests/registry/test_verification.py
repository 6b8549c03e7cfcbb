"""Identity verification: CNIC plus issue date (any common form) or phone on record."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registry.personas import persona
from bot.registry.seed import ensure_personas
from bot.registry.verification import parse_date, verify


@pytest.mark.parametrize(
    "text",
    [
        "12-03-2015",
        "12/3/2015",
        "12.03.2015",
        "12 03 2015",
        "2015-03-12",
        "12-03-15",
        "12032015",
        "12 March 2015",
        "12 mar, 2015",
        "March 12 2015",
        "۱۲-۰۳-۲۰۱۵",
        "١٢/٣/٢٠١٥",
        "12 مارچ 2015",
    ],
)
def test_parse_date_reads_the_forms_people_type(text):
    assert parse_date(text) == date(2015, 3, 12)


@pytest.mark.parametrize("text", ["", "kal", "31-02-2015", "12-13-2015", "2015", "12/03"])
def test_parse_date_refuses_what_is_not_a_date(text):
    assert parse_date(text) is None


@pytest.fixture()
def shazia(session):
    ensure_personas(session)
    session.commit()
    return persona("paid")


def test_right_issue_date_verifies(session, shazia):
    typed = shazia.cnic_issue_date.strftime("%d/%m/%Y")
    result = verify(session, shazia.formatted_cnic, issue_date=typed)
    assert (result.status, result.method) == ("ok", "issue_date")


def test_issue_date_in_urdu_digits_verifies(session, shazia):
    typed = shazia.cnic_issue_date.strftime("%d-%m-%Y").translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    )
    assert verify(session, shazia.cnic, issue_date=typed).ok


def test_wrong_issue_date_is_a_mismatch(session, shazia):
    result = verify(session, shazia.cnic, issue_date="01-01-2000")
    assert (result.status, result.problem) == ("mismatch", "wrong_factor")


def test_unreadable_date_is_reported_so_the_bot_can_ask_again(session, shazia):
    result = verify(session, shazia.cnic, issue_date="pichle saal")
    assert (result.status, result.problem) == ("mismatch", "unreadable_date")


def test_sender_phone_on_record_verifies_in_any_format(session, shazia):
    local = "0" + shazia.phone[3:]
    assert verify(session, shazia.cnic, phone=local).method == "phone"
    assert verify(session, shazia.cnic, phone=f"whatsapp:{shazia.phone}").ok


def test_other_phone_and_no_date_is_a_mismatch(session, shazia):
    result = verify(session, shazia.cnic, phone="03451234567")
    assert (result.status, result.problem) == ("mismatch", "wrong_factor")
    assert verify(session, shazia.cnic).problem == "no_factor"


def test_unknown_cnic_is_not_found(session, shazia):
    absent = persona("not_in_registry")
    assert verify(session, absent.cnic, issue_date=absent.cnic_issue_date).status == "not_found"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2049, 12, 31)))
def test_any_issue_date_written_day_first_reads_back(day):
    for form in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d.%m.%Y"):
        assert parse_date(day.strftime(form)) == day
