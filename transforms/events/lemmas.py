"""The model's lemmatizer, remembered by (form, part of speech, morphology).

spaCy's rule lemmatizer works a token's lemma out from its text, its POS and its morphology alone, but
caches only some of its answers (a singular noun or a base-form verb is worked out again, morphology
dictionary and all, each time it occurs) and sets each lemma as a string, token by token.
``RememberedLemmatizer`` asks the model's lemmatizer once per distinct (form, POS, morphology) and sets
the lemmas of a document in one array: the same lemmas for a fraction of the CPU
(tests/test_event_lemmas.py compares the two).

``remember_lemmas(nlp)`` puts it in the place (and under the name) of the model's lemmatizer when that
lemmatizer is one whose lemma depends on nothing else (modes ``rule``, ``lookup``, ``pos_lookup``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

FACTORY = "communique_remembered_lemmatizer"
LEMMATIZER = "lemmatizer"
# The modes whose lemma is a function of the token's text, POS and morphology only.
PURE_MODES = ("rule", "lookup", "pos_lookup")
_ARRAY_ATTRS = [ORTH, POS, MORPH, LEMMA]


class RememberedLemmatizer:
    """Pipeline component: the lemmas ``lemmatizer`` would set, each distinct token asked once."""

    def __init__(self, name: str):
        self.name = name
        self._lemmatizer: Lemmatizer | None = None
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def remember(self, lemmatizer: Lemmatizer) -> None:
        if lemmatizer.mode not in PURE_MODES:
            raise ValueError(f"a {lemmatizer.mode!r} lemmatizer's lemma may depend on more than the token")
        self._lemmatizer = lemmatizer
        self._lemmas.clear()

    def __call__(self, doc: Doc) -> Doc:
        if self._lemmatizer is None:
            raise RuntimeError(f"{self.name} was not given the lemmatizer to remember (remember_lemmas)")
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        overwrite = self._lemmatizer.overwrite
        rows = doc.to_array(_ARRAY_ATTRS)
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            found = self._lemmas.get(key)
            if found is None:
                found = self._lemmas[key] = strings.add(self._lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = found
        doc.from_array([LEMMA], numpy.ascontiguousarray(lemmas.reshape(-1, 1)))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(FACTORY)
def make_remembered_lemmatizer(nlp: Language, name: str) -> RememberedLemmatizer:
    return RememberedLemmatizer(name)


def remember_lemmas(nlp: Language) -> bool:
    """Replaces ``nlp``'s lemmatizer by one that remembers its lemmas, under the same name; False (and
    ``nlp`` unchanged) when the lemmatizer's lemma may depend on more than the token."""
    lemmatizer = nlp.get_pipe(LEMMATIZER)
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode not in PURE_MODES:
        return False
    remembered = nlp.replace_pipe(LEMMATIZER, FACTORY)
    remembered.remember(lemmatizer)
    return True
