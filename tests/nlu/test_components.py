"""bot.nlu.components on Rasa Message objects (no trained model needed)."""

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.components import LanguageIdentifier, MadadgarEntityExtractor, NormalisingTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return NormalisingTokenizer(NormalisingTokenizer.get_default_config())


def tokens(tokenizer, text):
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return message.get(TOKENS_NAMES[TEXT])


def test_tokens_keep_original_text_and_offsets_with_folded_lemmas(tokenizer):
    text = "Paiseeee NAI milay!! ۳۵۲۰۲-۱۲۳۴۵۶۷-۱"
    toks = tokens(tokenizer, text)
    assert [t.text for t in toks] == ["Paiseeee", "NAI", "milay", "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"]
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert [t.lemma for t in toks] == ["paise", "nahi", "mil", "35202-1234567-1"]


def test_presentation_form_words_are_not_lost(tokenizer):
    # The parent tokenizer's emoji filter deletes U+FB50-U+FEFF: this word would vanish.
    text = "ﻣﯿﺮﯼ ﻗﺴﻂ"
    toks = tokens(tokenizer, text)
    assert [t.text for t in toks] == ["ﻣﯿﺮﯼ", "ﻗﺴﻂ"]
    assert [t.lemma for t in toks] == ["میری", "قسط"]


def test_arabic_keyboard_and_urdu_keyboard_give_the_same_lemmas(tokenizer):
    assert [t.lemma for t in tokens(tokenizer, "كيا")] == [
        t.lemma for t in tokens(tokenizer, "کیا")
    ]


@pytest.mark.parametrize("text", ["👍", "\u200b\u200c", "", "   ", "🙏🙏 ok"])
def test_emoji_only_and_invisible_messages_do_not_crash(tokenizer, text):
    toks = tokens(tokenizer, text)
    assert len(toks) >= 1


def test_tokenizer_handles_training_data(tokenizer):
    data = TrainingData([Message(data={TEXT: "paisay nai milay", "intent": "payment_status"})])
    tokenizer.process_training_data(data)
    lemmas = [t.lemma for t in data.training_examples[0].get(TOKENS_NAMES[TEXT])]
    assert lemmas == ["paise", "nahi", "mil"]


def test_entity_extractor_adds_entities_with_original_offsets():
    text = "mera cnic ۳۵۲۰۲-۱۲۳۴۵۶۷-۱ hai, Muzaffargarh"
    message = Message(data={TEXT: text})
    message.set(ENTITIES, [{"entity": "other", "value": "x", "start": 0, "end": 4}])
    MadadgarEntityExtractor().process([message])
    entities = message.get(ENTITIES)
    assert entities[0]["entity"] == "other"  # earlier extractors' entities stay
    cnic, district = entities[1:]
    assert (
        cnic["value"] == "3520212345671" and text[cnic["start"] : cnic["end"]] == "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"
    )
    assert district["value"] == "Muzaffargarh"
    assert {cnic["extractor"], cnic["confidence"]} == {"MadadgarEntityExtractor", 1.0}
    assert ENTITIES in message.output_properties


def test_entity_extractor_train_is_a_no_op():
    assert MadadgarEntityExtractor().train(TrainingData()) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("paise nahi mile", "roman_ur"),
        ("میری قسط نہیں آئی", "ur"),
        ("when will my payment come", "en"),
        ("3520212345671", None),
    ],
)
def test_language_identifier_sets_output(text, code):
    message = Message(data={TEXT: text})
    LanguageIdentifier().process([message])
    language = message.get("language")
    assert language["name"] == code and 0 <= language["confidence"] <= 1
    assert "language" in message.output_properties
