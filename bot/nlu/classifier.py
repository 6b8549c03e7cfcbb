"""Intent classifier: TF-IDF over the folded words and character n-grams, plus dense
sentence features when a dense featurizer runs before it, into logistic regression.

Rasa 3.6's LogisticRegressionClassifier reads raw counts and exposes no regularisation;
sublinear TF-IDF with L2 normalisation and a tuned C measured better on every language
(docs/PERFORMANCE.md, bench/nlu_compare.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_classifier.joblib"


def folded_text(message: Message) -> str:
    """The message as the featurizers see it: token lemmas (normalised, Roman Urdu folded)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(str(t.lemma or t.text) for t in tokens)


def dense_sentence(message: Message) -> Optional[np.ndarray]:
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else np.asarray(sentence.features).reshape(-1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Sublinear TF-IDF (char_wb 2-5 + words 1-2) [+ dense] -> logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 20.0, "max_iter": 3000, "ranking_length": 10, "random_state": 42}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        state: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.state = state

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    def _matrix(self, messages: List[Message], state: Dict[str, Any]) -> sp.csr_matrix:
        texts = [folded_text(m) for m in messages]
        parts = [state["chars"].transform(texts), state["words"].transform(texts)]
        if state["dense_dim"]:
            dense = np.zeros((len(messages), state["dense_dim"]), dtype=np.float32)
            for i, m in enumerate(messages):
                vector = dense_sentence(m)
                if vector is not None and vector.shape[0] == state["dense_dim"]:
                    dense[i] = vector
            parts.append(sp.csr_matrix(dense))
        return sp.hstack(parts).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TOKENS_NAMES[TEXT])]
        texts = [folded_text(m) for m in examples]
        first_dense = next(
            (dense_sentence(m) for m in examples if dense_sentence(m) is not None), None
        )
        state: Dict[str, Any] = {
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            "words": TfidfVectorizer(
                analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
            ),
            "dense_dim": 0 if first_dense is None else int(first_dense.shape[0]),
        }
        state["chars"].fit(texts)
        state["words"].fit(texts)
        model = LogisticRegression(
            C=float(self.config["C"]),
            max_iter=int(self.config["max_iter"]),
            random_state=self.config["random_state"],
        )
        model.fit(self._matrix(examples, state), [m.get(INTENT) for m in examples])
        state["model"] = model
        self.state = state
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(state, directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                state = joblib.load(directory / MODEL_FILE)
        except ValueError:
            logger.warning("LinearIntentClassifier has no trained model; it predicts nothing.")
            state = None
        return cls(config, model_storage, resource, state)

    def process(self, messages: List[Message]) -> List[Message]:
        state = self.state
        todo = [m for m in messages if m.get(TOKENS_NAMES[TEXT])]
        if state is None or not todo:
            for m in messages:
                m.set(INTENT, {"name": None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                m.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return messages
        for m in messages:
            if not m.get(TOKENS_NAMES[TEXT]):  # emoji or nothing: let the fallback speak
                m.set(INTENT, {"name": None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                m.set(INTENT_RANKING_KEY, [], add_to_output=True)
        model = state["model"]
        probabilities = model.predict_proba(self._matrix(todo, state))
        for message, row in zip(todo, probabilities, strict=True):
            order = np.argsort(row)[::-1][: int(self.config["ranking_length"])]
            ranking = [
                {"name": str(model.classes_[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])}
                for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
