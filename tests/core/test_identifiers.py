"""CNIC, phone and ticket-number formats as citizens type them."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.core.identifiers import (
    CNIC_PROBLEM_LENGTH,
    CNIC_PROBLEM_PREFIX,
    check_cnic,
    check_ticket_number,
    make_ticket_number,
    mask_cnic,
    mask_phone,
    normalise_phone,
    random_ticket_number,
)


@pytest.mark.parametrize(
    "typed",
    [
        "3520212345671",
        "35202-1234567-1",
        "35202 1234567 1",
        "35202.1234567.1",
        "۳۵۲۰۲-۱۲۳۴۵۶۷-۱",
        "٣٥٢٠٢١٢٣٤٥٦٧١",
    ],
)
def test_a_cnic_in_any_common_form_becomes_13_digits(typed):
    assert check_cnic(typed).digits == "3520212345671"


def test_a_cnic_with_the_wrong_length_or_region_says_what_is_wrong():
    short = check_cnic("35202-123456-1")
    assert (short.ok, short.problem, short.found_digits) == (False, CNIC_PROBLEM_LENGTH, 12)
    assert check_cnic("95202-1234567-1").problem == CNIC_PROBLEM_PREFIX
    assert check_cnic("82203-1234567-1").ok, "Azad Kashmir CNICs start with 8"


def test_masks_show_enough_to_recognise_and_no_more():
    assert mask_cnic("3520212345671") == "35202-*****67-1"
    assert mask_phone("03001234567") == "+92300*****67"
    assert "1234567" not in mask_cnic("35202-1234567-1")


@pytest.mark.parametrize(
    "typed",
    [
        "03001234567",
        "0300-1234567",
        "+92 300 1234567",
        "00923001234567",
        "923001234567",
        "whatsapp:+923001234567",
        "۰۳۰۰۱۲۳۴۵۶۷",
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed):
    assert normalise_phone(typed) == "+923001234567"


def test_landlines_and_junk_are_not_mobile_numbers():
    assert normalise_phone("042-35761234") is None
    assert normalise_phone("hello") is None


def test_ticket_numbers_accept_the_forms_people_type():
    number = make_ticket_number("1234567")
    digits = number[5:]
    for typed in (number, number.lower(), f"PCMS {digits}", f"pcms{digits}", digits):
        assert check_ticket_number(typed).number == number


def test_every_single_wrong_digit_and_every_neighbour_swap_is_caught():
    rng = random.Random(3)
    for _ in range(300):
        digits = random_ticket_number()[5:]
        for i, wrong in itertools.product(range(8), "0123456789"):
            if wrong != digits[i]:
                typo = digits[:i] + wrong + digits[i + 1 :]
                assert not check_ticket_number(typo).ok
        for i in range(7):
            if digits[i] != digits[i + 1]:
                swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
                assert check_ticket_number(swapped).problem == "check_digit"
        rng.random()


def test_new_ticket_numbers_are_valid_and_unguessable():
    numbers = {random_ticket_number() for _ in range(2000)}
    assert len(numbers) > 1990
    assert all(check_ticket_number(n).ok and len(n) == 13 for n in numbers)
