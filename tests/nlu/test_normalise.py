"""bot.nlu.normalise: folding that features and entity patterns rely on."""

import pytest

from bot.nlu.normalise import normalise, normalise_with_offsets


def test_presentation_forms_become_regular_letters():
    # "بتار" typed in isolated/initial/medial/final presentation forms
    assert normalise("\ufe91\ufe98\ufe8e\ufeae") == "بتار"
    # ک and ی presentation forms
    assert normalise("\ufb8e\ufbfe") == "کی"


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("كيا", "کیا"),  # Arabic kaf and yeh
        ("على", "علی"),  # alef maksura
        ("بهت", "بہت"),  # Arabic heh -> heh goal
        ("يه", "یہ"),
        ("زكاة", "زکاۃ"),  # teh marbuta
        ("أحمد", "احمد"),
        ("إمداد", "امداد"),
        ("آپ", "اپ"),
        ("آۓ", "ائے"),  # ۓ written as ئے
        ("ی\u0654", "ئ"),  # yeh + combining hamza
    ],
)
def test_arabic_letter_variants_fold_to_urdu(typed, folded):
    assert normalise(typed) == folded


def test_urdu_heh_goal_and_do_chashmi_heh_are_kept_apart():
    assert normalise("بھی") == "بھی"
    assert normalise("کہاں") == "کہاں"


def test_urdu_arabic_and_fullwidth_digits_become_ascii():
    assert normalise("۳۵۲۰۲-۱۲۳۴۵۶۷-۱") == "35202-1234567-1"
    assert normalise("٠٣٠٠") == "0300"
    assert normalise("０３００") == "0300"
    assert normalise("١٠٬٥٠٠") == "10,500"


def test_zero_width_and_direction_marks_and_tatweel_are_removed():
    assert normalise("پی\u200cسے\u200d \u200bنہیں\ufeff\u200f\u200e") == "پیسے نہیں"
    assert normalise("پیـــسے") == "پیسے"


def test_diacritics_are_dropped():
    assert normalise("مُجھے") == "مجھے"
    assert normalise("زکوٰۃ") == "زکوۃ"
    assert normalise("قِسْط") == "قسط"


def test_latin_is_lowercased_and_whitespace_collapsed():
    assert normalise("  Paise\tNAHI \n\n mile  ") == "paise nahi mile"


@pytest.mark.parametrize(
    "junk", [None, b"\xff\xfe\x00abc", "\ud800x", "\x00\x01", "🙂" * 50, "a" * 5000]
)
def test_never_raises_on_junk(junk):
    assert isinstance(normalise(junk), str)


def test_idempotent_on_tricky_sequences():
    for text in ["ا\u0640\u0653", "e\u200d\u0301", "ﷺ", "\ufc5e", "İstanbul", "ی\u200c\u0654"]:
        once = normalise(text)
        assert normalise(once) == once


def test_offsets_point_back_to_what_was_typed():
    text = "Mera  CNIC ۳۵۲۰۲-۱۲۳۴۵۶۷-۱\u200f hai"
    norm = normalise_with_offsets(text)
    start = norm.text.index("35202")
    end = start + len("35202-1234567-1")
    o_start, o_end = norm.to_original(start, end)
    assert text[o_start:o_end] == "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"


def test_offsets_cover_diacritics_and_presentation_forms():
    text = "ہیلو مُجھے"
    norm = normalise_with_offsets(text)
    start = norm.text.index("مجھے")
    assert norm.to_original(start, start + 4) == (5, 10)
    pres = normalise_with_offsets("x \ufe91\ufe98\ufe8e\ufeae")
    assert pres.to_original(2, 6) == (2, 6)
