"""The lemmatizer that remembers the model's lemmas (transforms/events/lemmas.py) sets exactly the lemmas
spaCy's own lemmatizer sets, on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy

from tests.stock_parse import stock_pipeline
from transforms.events.lemmas import LEMMATIZER, RememberedLemmatizer, remember_lemmas
from transforms.events.parser import load_parser

# Repeated forms with different tags ("talks" noun and verb, "staged"), irregular forms, forms the
# attribute ruler lemmatizes itself ("was", "n't"), capitalised names and an empty-looking token.
SENTENCES = [
    "The talks stalled after Kenya staged a walkout; Uganda talks of a boycott and staged protests.",
    "Ministers were meeting again on Friday, but the meeting was cancelled and nobody met anyone.",
    "He didn't say whether the geese, mice and children had been taken across the border.",
    "Ghana's envoys criticised Togo's leaders, who were criticising Ghana's border policies.",
    "The Russian and Ukrainian delegations signed the deal, then signed another one in Istanbul.",
    "  Sanctions were imposed; the sanctions   imposed in March are still being imposed.",
]


def _lemmas(doc) -> list[tuple[str, str, str]]:
    return [(t.text, t.pos_, t.lemma_) for t in doc]


@pytest.fixture(scope="module")
def spacy_lemmatizer_pipeline():
    return stock_pipeline()


def test_the_loaded_parser_remembers_lemmas_under_the_lemmatizers_name():
    nlp = load_parser()
    assert isinstance(nlp.get_pipe(LEMMATIZER), RememberedLemmatizer)
    assert nlp.pipe_names[-1] == LEMMATIZER


def test_the_lemmas_are_those_of_spacys_lemmatizer(spacy_lemmatizer_pipeline):
    nlp = load_parser()
    for _ in range(2):  # the second time from memory
        for text in SENTENCES:
            assert _lemmas(nlp(text)) == _lemmas(spacy_lemmatizer_pipeline(text)), text


def test_a_form_with_two_parts_of_speech_keeps_two_lemmas():
    nlp = load_parser()
    nlp("Troops left by the left gate.")  # both forms remembered first
    doc = nlp("She left the left bank.")
    assert [(t.pos_, t.lemma_) for t in doc if t.lower_ == "left"] == [("VERB", "leave"), ("ADJ", "left")]


def test_a_lemmatizer_of_another_mode_is_left_in_place():
    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "rule"})
    lemmatizer._mode = "custom"  # as a subclass with a mode of its own would be
    assert remember_lemmas(nlp) is False
    assert nlp.get_pipe(LEMMATIZER) is lemmatizer
    with pytest.raises(ValueError, match="custom"):
        RememberedLemmatizer(LEMMATIZER).remember(lemmatizer)
