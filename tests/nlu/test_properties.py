"""Property tests: the text functions are total, idempotent and return valid values."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.identifiers import check_cnic, normalise_phone
from bot.nlu.extract import extract_entities, find_invalid_cnic
from bot.nlu.langid import detect_with_confidence
from bot.nlu.normalise import normalise, normalise_with_offsets
from bot.nlu.roman import fold_roman_text

# Text weighted towards what arrives here: Urdu, presentation forms, digits, marks.
_ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(list("۰۱۲۳۴۵۶۷۸۹0123456789-+. ,/")),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
    st.sampled_from(
        ["\u200b", "\u200c", "\u200d", "\u200f", "\ufeff", "\u0640", "\u0654", "\u0653"]
    ),
)
texts = st.text(alphabet=_ALPHABET, max_size=200)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(texts)
def test_normalise_is_total_and_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@_SETTINGS
@given(texts)
def test_offsets_are_in_bounds_and_ordered(text):
    norm = normalise_with_offsets(text)
    assert len(norm.starts) == len(norm.text) == len(norm.ends)
    assert all(0 <= s < e <= len(text) for s, e in zip(norm.starts, norm.ends, strict=True))
    assert list(norm.starts) == sorted(norm.starts)


@_SETTINGS
@given(st.binary(max_size=300))
def test_binary_junk_never_raises(data):
    assert isinstance(normalise(data), str)
    assert isinstance(extract_entities(data), list)


@_SETTINGS
@given(texts)
def test_extraction_is_total_and_values_revalidate(text):
    for ent in extract_entities(text):
        assert 0 <= ent.start < ent.end <= len(text)
        assert text[ent.start : ent.end] == ent.raw
        if ent.entity == "cnic":
            assert check_cnic(ent.value).digits == ent.value
        elif ent.entity == "phone":
            assert normalise_phone(ent.value) == ent.value
        elif ent.entity == "ticket_id":
            assert re.fullmatch(r"PCMS-\d{8}", ent.value)
        elif ent.entity == "amount":
            assert ent.value.isdigit() and int(ent.value) > 0
    find_invalid_cnic(text)


@_SETTINGS
@given(texts)
def test_language_and_roman_folding_never_raise(text):
    guess = detect_with_confidence(text)
    assert guess.code in (None, "en", "ur", "roman_ur")
    assert isinstance(fold_roman_text(text), str)


@given(
    st.from_regex(r"[1-8][0-9]{12}", fullmatch=True),
    st.sampled_from(["{}", "{}-{}-{}", "{} {} {}"]),
)
@settings(max_examples=100, deadline=None)
def test_any_valid_cnic_is_found_in_the_usual_layouts(cnic, layout):
    typed = layout.format(cnic) if layout == "{}" else layout.format(cnic[:5], cnic[5:12], cnic[12])
    assert [(e.entity, e.value) for e in extract_entities(f"mera cnic {typed} hai")] == [
        ("cnic", cnic)
    ]


def test_a_long_message_is_handled():
    text = ("mera cnic 35202-1234567-1 hai aur paise nahi mile 🙏 " * 100)[:5000]
    assert len([e for e in extract_entities(text) if e.entity == "cnic"]) >= 90
