"""Property tests on hostile input: identifiers, ticket numbers, log masking, CNIC vaulting.

tests/nlu/test_properties.py covers the normaliser and the extractor; these add the
identifier formats (bot.core.identifiers), ticket numbering, the log mask and the vault's
substitution, which must never leave a valid CNIC in what Rasa stores.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.core import db
from bot.core.identifiers import (
    ascii_digits,
    check_ticket_number,
    format_cnic,
    make_ticket_number,
    mask_cnic,
    mask_phone,
    normalise_cnic,
    normalise_phone,
    normalise_ticket_number,
    random_ticket_number,
)
from bot.core.masking import has_unmasked, mask_text
from bot.core.migrate import upgrade
from bot.core.reference import is_reference, make_reference
from bot.nlu.extract import extract_entities, find_invalid_cnic
from bot.nlu.normalise import normalise
from bot.privacy.vault import CnicVault, cnic_spans

URDU = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
HOSTILE = st.one_of(
    st.characters(),
    st.sampled_from(list("۰۱۲۳۴۵۶۷۸۹0123456789-+. ,/#\n\t\x00\x1b'\";<>&")),
    st.sampled_from(["\u202e", "\ufeff", "🙏", "ﷺ"]),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
)
# Pieces that look like the start of an identifier, glued into the text.
PIECES = st.sampled_from(["cnic#", "CNIC#", "pcms-", "+92", "0300", "32303", "-", " "])
texts = st.lists(st.one_of(st.text(alphabet=HOSTILE, max_size=40), PIECES), max_size=8).map("".join)
cnics = st.from_regex(r"[1-8][0-9]{12}", fullmatch=True)
phones = st.from_regex(r"3[0-9]{9}", fullmatch=True)
layouts = st.sampled_from(["{a}{b}{c}", "{a}-{b}-{c}", "{a} {b} {c}", "{a}.{b}.{c}"])
MANY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))


def typed(cnic: str, layout: str, urdu: bool) -> str:
    out = layout.format(a=cnic[:5], b=cnic[5:12], c=cnic[12])
    return out.translate(URDU) if urdu else out


# ------------------------------------------------------------ identifiers


@MANY
@given(texts)
def test_identifier_functions_are_total_and_idempotent(text):
    cnic = normalise_cnic(text)
    if cnic is not None:
        assert re.fullmatch(r"[1-8]\d{12}", cnic) and normalise_cnic(cnic) == cnic
        assert normalise_cnic(format_cnic(cnic)) == cnic
    phone = normalise_phone(text)
    if phone is not None:
        assert re.fullmatch(r"\+923\d{9}", phone) and normalise_phone(phone) == phone
    ticket = normalise_ticket_number(text)
    if ticket is not None:
        assert normalise_ticket_number(ticket) == ticket
    assert isinstance(mask_cnic(text), str) and isinstance(mask_phone(text), str)
    assert normalise(normalise(text)) == normalise(text)


@MANY
@given(cnics, layouts, st.booleans())
def test_a_masked_cnic_never_shows_the_middle_digits(cnic, layout, urdu):
    masked = mask_cnic(typed(cnic, layout, urdu))
    assert masked == f"{cnic[:5]}-*****{cnic[10:12]}-{cnic[12]}"
    assert cnic[5:10] not in masked.replace("-", "")[5:]


@MANY
@given(phones, st.sampled_from(["+92{}", "0{}", "92{}", "0092{}", "whatsapp:+92{}"]))
def test_a_masked_phone_keeps_only_the_network_and_the_last_two(phone, layout):
    masked = mask_phone(layout.format(phone))
    assert masked == f"+92{phone[:3]}*****{phone[-2:]}"


# ------------------------------------------------------------ ticket numbering


payloads = st.from_regex(r"[0-9]{7}", fullmatch=True)


@MANY
@given(payloads)
def test_every_ticket_number_checks_in_every_typed_form(payload):
    number = make_ticket_number(payload)
    assert re.fullmatch(r"PCMS-\d{8}", number)
    for form in (number, number.lower(), number[5:], f"pcms {number[5:]}", number.translate(URDU)):
        assert check_ticket_number(form).number == number


@MANY
@given(payloads, st.integers(0, 7), st.integers(1, 9))
def test_one_wrong_digit_is_always_caught(payload, position, delta):
    digits = make_ticket_number(payload)[5:]
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert check_ticket_number(wrong).problem == "check_digit"


@MANY
@given(payloads, st.integers(0, 6))
def test_two_swapped_neighbours_are_always_caught(payload, position):
    digits = make_ticket_number(payload)[5:]
    assume(digits[position] != digits[position + 1])
    swapped = digits[:position] + digits[position + 1] + digits[position] + digits[position + 2 :]
    assert check_ticket_number(swapped).problem == "check_digit"


@FEW
@given(st.text(max_size=12))
def test_bad_payloads_are_refused(payload):
    assume(not re.fullmatch(r"[0-9]{7}", payload))
    with pytest.raises(ValueError):
        make_ticket_number(payload)


def test_random_ticket_numbers_are_valid_and_spread():
    numbers = {random_ticket_number() for _ in range(2000)}
    assert len(numbers) > 1990
    assert all(check_ticket_number(n).number == n for n in numbers)


# ------------------------------------------------------------ log masking


@MANY
@given(texts)
def test_masking_is_total_idempotent_and_complete(text):
    once = mask_text(text)
    assert mask_text(once) == once
    assert not has_unmasked(once)


@MANY
@given(texts, cnics, phones, layouts, st.booleans())
def test_a_cnic_or_phone_anywhere_in_a_log_line_is_masked(prefix, cnic, phone, layout, urdu):
    line = f"{prefix} {typed(cnic, layout, urdu)} / +92{phone} {prefix}"
    out = mask_text(line)
    assert cnic[5:10] not in ascii_digits(out).replace(cnic[:5], "", 1)
    assert f"+92{phone}" not in out


# ------------------------------------------------------------ CNIC references and the vault


@MANY
@given(cnics, st.text(min_size=1, max_size=20))
def test_references_are_deterministic_keyed_and_hold_no_number(cnic, key):
    ref = make_reference(cnic, key)
    assert ref == make_reference(cnic, key) and is_reference(ref)
    assert not re.search(r"\d\d", ref)
    assert extract_entities(f"mera {ref} hai") and find_invalid_cnic(ref) is None
    assert [(e.entity, e.value) for e in extract_entities(f"mera {ref} hai")] == [("cnic", ref)]
    assert mask_text(ref) == ref


@pytest.fixture(scope="module")
def vault_url(tmp_path_factory) -> Iterator[str]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('vault')) / 'vault.db'}"
    upgrade(url)
    yield url
    db.dispose_engines()


@FEW
@given(texts, st.lists(st.tuples(cnics, layouts, st.booleans()), max_size=3), texts)
def test_substitution_never_leaks_a_valid_cnic_and_is_stable(vault_url, before, found, after):
    text = " , ".join([before, *(typed(*f) for f in found), after])
    with db.session_scope(vault_url) as session:
        vault = CnicVault(session, key="property-key")
        out = vault.substitute(text)
        # Nothing the NLU or the assistant would take for a CNIC is left as digits...
        assert not cnic_spans(out)
        assert all(is_reference(e.value) for e in extract_entities(out) if e.entity == "cnic")
        # ...each CNIC put in is gone and comes back from its reference...
        for cnic, _, _ in found:
            assert cnic not in re.sub(r"\D", "", ascii_digits(out))
            assert vault.reference(cnic) in out
            assert vault.resolve(vault.reference(cnic)) == cnic
        # ...and substituting again, or the same text again, changes nothing.
        assert vault.substitute(out) == out
        assert vault.substitute(text) == out
