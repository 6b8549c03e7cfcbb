"""Rasa 3.6 graph components: folding tokenizer, rule entity extractor, language id.

The only NLU module that imports Rasa; the text rules themselves live in the plain
modules next to it (normalise, roman, langid, extract) so they are tested without Rasa.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.reference import CLASSIFIER_LEMMA, is_reference
from bot.nlu.data_intent import intent_with_data
from bot.nlu.extract import extract_entities
from bot.nlu.langid import detect_with_confidence
from bot.nlu.normalise import normalise_with_offsets
from bot.nlu.roman import fold_roman

LANGUAGE = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalisingTokenizer(WhitespaceTokenizer):
    """Whitespace tokens over the folded text, reported with the original text and offsets.

    Each token's lemma is the folded form (NFKC, Urdu letter variants, digits, Roman
    Urdu spelling), which CountVectorsFeaturizer reads with `use_lemma: True`.
    Tokenising the folded text also keeps words typed in Arabic presentation forms,
    which the parent's emoji filter would delete.
    """

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokens of `attribute` with original text and offsets, folded lemmas."""
        text = message.get(attribute) or ""
        norm = normalise_with_offsets(text)
        if not norm.text:
            # Nothing readable (only zero-width marks): one token, like the parent does.
            return [Token(text, 0, len(text), lemma=text)]
        folded = Message(data={attribute: norm.text})
        tokens: List[Token] = []
        for piece in super().tokenize(folded, attribute):
            start, end = norm.to_original(piece.start, piece.end)
            lemma = fold_roman(piece.text) or piece.text
            if is_reference(piece.text):
                # The channels replaced a CNIC with its vault reference: classify the
                # message as the one the person typed, with a CNIC in it.
                lemma = CLASSIFIER_LEMMA
            if tokens and tokens[-1].start == start and tokens[-1].end == end:
                # One typed character that folds into several words (ﷺ): one token.
                tokens[-1].lemma = f"{tokens[-1].lemma}_{lemma}"
                continue
            tokens.append(Token(text[start:end], start, end, data=piece.data, lemma=lemma))
        return tokens


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class MadadgarEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds CNIC, phone, ticket, district, programme and amount entities found by rules."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MadadgarEntityExtractor:
        """A new extractor; it has nothing to learn."""
        # Load the district and programme lists now, not on the first citizen's message.
        extract_entities("")
        return cls()

    def train(self, training_data: TrainingData) -> Optional[Resource]:
        """Nothing to learn: the rules are in bot.nlu.extract."""
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        """Append the rule entities to each message's entities."""
        for message in messages:
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: ent.entity,
                    ENTITY_ATTRIBUTE_VALUE: ent.value,
                    ENTITY_ATTRIBUTE_START: ent.start,
                    ENTITY_ATTRIBUTE_END: ent.end,
                    ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                }
                for ent in extract_entities(message.get(TEXT) or "")
            ]
            found = self.add_extractor_name(found)
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageIdentifier(GraphComponent):
    """Sets parse_data["language"] = {"name": "en" | "ur" | "roman_ur" | None, "confidence"}."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        """A new language identifier; it has nothing to learn."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the language of each message's text to its output."""
        for message in messages:
            guess = detect_with_confidence(message.get(TEXT) or "")
            message.set(
                LANGUAGE, {"name": guess.code, "confidence": guess.confidence}, add_to_output=True
            )
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DataIntent(GraphComponent):
    """A CNIC with small talk around it is `inform` (bot.nlu.data_intent)."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DataIntent:
        """A new rule; it has nothing to learn."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Re-label each message whose CNIC outweighs its small talk."""
        for message in messages:
            intent = message.get(INTENT) or {}
            types = [e.get(ENTITY_ATTRIBUTE_TYPE) for e in message.get(ENTITIES) or []]
            wanted = intent_with_data(intent.get("name"), types)
            if wanted != intent.get("name"):
                message.set(INTENT, {"name": wanted, "confidence": 1.0}, add_to_output=True)
        return messages
