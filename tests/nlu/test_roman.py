"""bot.nlu.roman: Roman Urdu spellings fold to one form per word."""

import pytest

from bot.nlu.roman import fold_roman, fold_roman_text, load_lexicon


@pytest.mark.parametrize(
    ("lemma", "spellings"),
    [
        ("paise", "pese paise paisay pesay paisy pesy paiseeee PAISAY"),
        ("nahi", "nahi nai ni nhi nahin nahee nae nahiii NAHI"),
        ("mil", "mila mela milay mile mili milaa"),
        ("qist", "qist kist qisth qiston"),
        ("shikayat", "shikayat shikayet shkayat complain complaint"),
        ("angutha", "angutha angootha anguta angotha"),
        ("kafaalat", "kafalat kafaalat"),
        ("kaat", "kaat kat kata katay kati"),
        ("kab", "kab kb kub"),
        ("kahan", "kahan kahaan kidhar kithay kithe"),
        ("kya", "kya kia kiya"),
        ("hai", "h hai he hy"),
        ("ap", "ap aap aaaap tusi"),
        ("mujhe", "mjy mujhe mujy mjhe"),
        ("please", "plz pls plzzz please"),
        ("mustahiq", "mustahiq mustahaq"),
        ("mera", "mera meri saday"),
        ("survey", "survey servey sarvey"),
        ("shanakhti", "shanakhti shanakti"),
    ],
)
def test_variants_share_a_lemma(lemma, spellings):
    assert {fold_roman(s) for s in spellings.split()} == {lemma}


def test_english_words_are_not_squeezed_into_urdu_words():
    assert fold_roman("see") == "see"
    assert fold_roman("good") == "good"
    assert fold_roman("will") == "will"


def test_unknown_words_lose_only_elongation():
    assert fold_roman("zaroooorat") == "zarorat"
    assert fold_roman("zaroorat") == "zaroorat"


def test_other_tokens_are_only_normalised():
    assert fold_roman("03001234567") == "03001234567"
    assert fold_roman("پیسے") == "پیسے"
    assert fold_roman("") == ""


def test_text_folding_keeps_punctuation_and_other_scripts():
    assert fold_roman_text("Paisay NAI milay!! پیسے") == "paise nahi mil!! پیسے"


def test_lexicon_is_substantial_and_unambiguous():
    exact, skeletons = load_lexicon()
    assert len(exact) >= 300
    assert all(" " not in spelling for spelling in exact)
