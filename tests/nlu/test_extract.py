"""bot.nlu.extract: every entity format, and the look-alikes that must not match."""

import pytest

from bot.core.identifiers import CNIC_PROBLEM_LENGTH, CNIC_PROBLEM_PREFIX, make_ticket_number
from bot.nlu.extract import extract_entities, find_invalid_cnic


def found(text):
    return [(e.entity, e.value) for e in extract_entities(text)]


def raw(text, kind):
    return [e.raw for e in extract_entities(text) if e.entity == kind]


CNIC = "3520212345671"


@pytest.mark.parametrize(
    "text",
    [
        "3520212345671",
        "35202-1234567-1",
        "35202 1234567 1",
        "35202.1234567.1",
        "۳۵۲۰۲-۱۲۳۴۵۶۷-۱",
        "٣٥٢٠٢١٢٣٤٥٦٧١",
        "mera cnic 35202-1234567-1 hai",
        "3 5 2 0 2 1 2 3 4 5 6 7 1",
        "teen paanch do zero do ek do teen char paanch chay saat ek",
        "three five two zero two one two three four five six seven one",
        "تین پانچ دو صفر دو ایک دو تین چار پانچ چھ سات ایک",
        "35202\u20131234567\u20131",  # en dashes, as a word processor or phone puts them
        "35202\u20141234567\u20141",  # em dashes
        "35202\u22121234567\u22121",  # minus signs
        "35202 12 34 567 1",  # read out in chunks
        "cnic 35202 1234 5671 hai",
    ],
)
def test_cnic_in_every_common_form(text):
    assert found(text) == [("cnic", CNIC)]


def test_cnic_read_out_in_chunks_from_the_issue():
    assert found("54400 39 18 276 5") == [("cnic", "5440039182765")]
    assert found("45504\u20131122938\u20137") == [("cnic", "4550411229387")]


def test_cnic_offsets_are_into_the_original_text():
    text = "Mera CNIC ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ hai"
    (ent,) = extract_entities(text)
    assert text[ent.start : ent.end] == "۳۵۲۰۲-۱۲۳۴۵۶۷-۱" == ent.raw


@pytest.mark.parametrize(
    "text",
    [
        "03001234567",
        "0300-1234567",
        "0300 1234567",
        "+92 300 1234567",
        "+923001234567",
        "0092 300 1234567",
        "923001234567",
        "۰۳۰۰۱۲۳۴۵۶۷",
        "zero teen zero zero ek do teen char paanch chay saat",
    ],
)
def test_phone_in_every_common_form(text):
    assert found(text) == [("phone", "+923001234567")]


def test_phone_span_includes_the_plus():
    assert raw("call me on +92 300 1234567 please", "phone") == ["+92 300 1234567"]


def test_cnic_and_phone_side_by_side():
    assert found("3520212345671 03001234567") == [("cnic", CNIC), ("phone", "+923001234567")]


def test_a_phone_is_not_a_cnic_and_a_cnic_is_not_a_phone():
    assert [k for k, _ in found("0300-1234567")] == ["phone"]
    assert [k for k, _ in found("35202-1234567-1")] == ["cnic"]


@pytest.mark.parametrize(
    "text", ["PCMS-12345678", "pcms 12345678", "PCMS12345678", "pcms 1234 5678", "ticket 12345678"]
)
def test_ticket_forms(text):
    assert found(text) == [("ticket_id", "PCMS-12345678")]


def test_ticket_validity_comes_from_the_check_digit():
    good = make_ticket_number("1234567")
    (ent,) = extract_entities(f"mera ticket {good} hai")
    assert ent.is_valid and ent.value == good
    (bad,) = extract_entities("PCMS-12345678")
    assert not bad.is_valid and bad.value == "PCMS-12345678"


def test_a_cnic_or_phone_is_not_a_ticket():
    assert [k for k, _ in found("3520212345671")] == ["cnic"]
    assert "ticket_id" not in [k for k, _ in found("03001234567")]


def test_dates_are_not_tickets_or_amounts():
    assert found("12-03-2015") == []
    assert found("meri tareekh paidaish 12/03/2015 hai") == []
    assert found("2015-03-12 ko survey hua") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("agent ne 500 kaat liye", "500"),
        ("Rs 1000 kaat liye", "1000"),
        ("Rs.1000", "1000"),
        ("1,000 rupay", "1000"),
        ("٥٠٠ روپے", "500"),
        ("10500 milne thay", "10500"),
        ("2000/- kaat liye", "2000"),
        ("5 rupay", "5"),
        ("paanch sau kaat liye", "500"),
        ("das hazar paanch sau", "10500"),
        ("hazar rupay kaate", "1000"),
        ("دکاندار نے ہزار روپے کاٹے", "1000"),
        ("gave me 9000 instead of 10500", "9000"),
    ],
)
def test_amounts(text, value):
    amounts = [v for k, v in found(text) if k == "amount"]
    assert amounts and amounts[0] == value


@pytest.mark.parametrize(
    "text",
    [
        "8171 se message aya",
        "2 din se",
        "3 bachay hain",
        "2022 mein survey hua",
        "class 5 mein",
        "0300",
        "staff came at 11",
        "score 32 hai",
        "hum 3 chakkar laga chuke",
        "camp ke 4 dafa chakkar lagaye",
        "we went 150 times to the camp",
        "mera pmt score 29 aya",
        "کیمپ کے تین چکر لگائے، 12 بجے تک کھڑے رہے",
    ],
)
def test_numbers_that_are_not_money(text):
    assert [k for k, _ in found(text) if k == "amount"] == []


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Muzaffargarh mein daftar kahan hai", "Muzaffargarh"),
        ("muzaffargarh", "Muzaffargarh"),
        ("MUZAFARGARH", "Muzaffargarh"),
        ("muzaffargar ka office", "Muzaffargarh"),
        ("BISP office address in Quetta", "Quetta"),
        ("لاہور میں دفتر", "Lahore"),
        ("dg khan se hoon", "Dera Ghazi Khan"),
        ("ڈیرہ غازی خان", "Dera Ghazi Khan"),
    ],
)
def test_districts(text, district):
    assert ("district", district) in found(text)


def test_district_needs_word_boundaries_and_no_fuzzing_of_common_words():
    assert [k for k, _ in found("lahorewala")] == []
    assert [k for k, _ in found("complaint karni hai shikayat")] == []


@pytest.mark.parametrize(
    ("text", "programme"),
    [
        ("kafalat ki qist", "kafaalat"),
        ("taleemi wazaif kitne milte", "taleemi_wazaif"),
        ("نشوونما پروگرام کیا ہے", "nashonuma"),
        ("bait ul mal se madad", "bait_ul_mal"),
        ("زکوٰۃ", "zakat"),
        ("eobi pension", "eobi"),
    ],
)
def test_programmes(text, programme):
    assert ("programme", programme) in found(text)


def test_find_invalid_cnic_says_what_is_wrong():
    short = find_invalid_cnic("mera cnic 35202-123456-1 hai")
    assert short.problem == CNIC_PROBLEM_LENGTH and short.found_digits == 12
    long = find_invalid_cnic("35202-12345678-1")
    assert long.problem == CNIC_PROBLEM_LENGTH and long.found_digits == 14
    prefix = find_invalid_cnic("95202-1234567-1")
    assert prefix.problem == CNIC_PROBLEM_PREFIX


def test_find_invalid_cnic_is_quiet_for_valid_or_unrelated_numbers():
    assert find_invalid_cnic("35202-1234567-1") is None
    assert find_invalid_cnic("0300-1234567") is None
    assert find_invalid_cnic("500 rupay") is None


def test_so_and_a_lone_hundred_are_not_amounts():
    assert found("so what is my status") == []
    assert found("میں سو گیا تھا") == []
    assert ("amount", "100") in found("sau rupay kaate")
