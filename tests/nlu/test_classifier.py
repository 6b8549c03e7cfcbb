"""The TF-IDF + logistic-regression intent classifier, trained and reloaded as Rasa does."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.classifier import LinearIntentClassifier
from bot.nlu.components import NormalisingTokenizer

EXAMPLES = {
    "payment_status": [
        "paise nahi mile",
        "meri qist nahi aayi",
        "میری قسط نہیں آئی",
        "payment not received",
        "pesay nai aye abhi tak",
    ],
    "report_deduction": [
        "agent ne 500 kaat liye",
        "دکاندار نے پیسے کاٹے",
        "retailer cut my money",
        "dukandar ne katoti ki",
        "shop wale ne 1000 kam diye",
    ],
    "greet": ["salam", "assalam o alaikum", "السلام علیکم", "hello", "aoa ji"],
}


def tokenizer() -> NormalisingTokenizer:
    context = ExecutionContext(GraphSchema({}), "test")
    return NormalisingTokenizer.create(
        NormalisingTokenizer.get_default_config(), None, None, context
    )  # type: ignore[arg-type]


def test_it_learns_reloads_and_ranks_intents(tmp_path):
    tok = tokenizer()
    data = TrainingData(
        [Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts]
    )
    tok.process_training_data(data)
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    LinearIntentClassifier.create({}, storage, resource, context).train(data)

    loaded = LinearIntentClassifier.load({}, storage, resource, context)
    messages = [Message.build(text=t) for t in ("pese nai mile", "ایجنٹ نے پیسے کاٹ لیے", "salaam")]
    tok.process(messages)
    loaded.process(messages)
    assert [m.get("intent")["name"] for m in messages] == [
        "payment_status",
        "report_deduction",
        "greet",
    ]
    ranking = messages[0].get("intent_ranking")
    assert len(ranking) == 3 and abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6
