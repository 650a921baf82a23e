"""The reference the events parser's replacements are checked against: spaCy's pipeline as it ships
(the model's own attribute ruler, lemmatizer, tok2vec and blis), and what a parse is made of."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from transforms.events.parser import EXCLUDED_COMPONENTS, model_package


def stock_pipeline() -> Language:
    """A fresh load of the model with the components the coder uses and none of our replacements."""
    return spacy.load(model_package(), exclude=list(EXCLUDED_COMPONENTS))


def token_parse(doc: Doc) -> list[tuple]:
    """Every attribute the coder reads of each token: text, tag, POS, morphology, lemma, dependency, head."""
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]
