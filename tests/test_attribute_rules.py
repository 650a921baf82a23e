"""The index of the model's attribute-ruler rules (transforms/events/attribute_rules.py) sets exactly what
spaCy's own ``AttributeRuler`` sets, on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy

from tests.stock_parse import stock_pipeline, token_parse
from transforms.events.attribute_rules import RULER, IndexedAttributeRuler, index_attribute_ruler
from transforms.events.parser import load_parser

# Written to reach the ruler's odd corners too: contractions its two-token rules handle ("gonna",
# "let's", "y'all", "ain't"), a regular expression ("nothin'"), whitespace tokens, auxiliaries,
# pronouns by case, "there is", "but" as an adverb, "that" as a pronoun.
SENTENCES = [
    "Kenya's foreign ministry summoned the Ugandan envoy on Tuesday over the border closure.",
    "The talks, which were held in Doha, did not produce an agreement, officials said.",
    "I ain't gonna sign it, y'all, and let's be clear: there is nothin' to discuss.",
    "You told me it was over; I saw it and it saw you.",
    "Whatever they decide, that is what we will do, but we have done it before.",
    "He gets the point.  She got it   too,\n\nand they had it done by Friday.",
    "C'mon, we gotta go, said the minister, who'd been waiting since noon.",
    "Does the government have a plan? It does, and it has had one since 2019.",
    "Neither side would say whether the sanctions, imposed in March, will be lifted.",
    "“We call on both parties to stop the shelling,” the envoy said in a statement.",
]


@pytest.fixture(scope="module")
def spacy_ruler_pipeline():
    return stock_pipeline()


def test_the_loaded_parser_runs_the_index_under_the_rulers_name():
    nlp = load_parser()
    assert isinstance(nlp.get_pipe(RULER), IndexedAttributeRuler)
    assert nlp.pipe_names.index(RULER) == nlp.pipe_names.index("parser") + 1


def test_the_index_sets_what_spacys_ruler_sets(spacy_ruler_pipeline):
    assert not isinstance(spacy_ruler_pipeline.get_pipe(RULER), IndexedAttributeRuler)
    indexed = load_parser()
    for text in SENTENCES:
        expected = token_parse(spacy_ruler_pipeline(text))
        assert token_parse(indexed(text)) == expected, text


def test_the_two_token_and_expression_rules_fire(spacy_ruler_pipeline):
    # Without this the comparison above could pass on sentences none of the rarer rules touch.
    lemmas = {t.text: t.lemma_ for t in load_parser()("I ain't gonna say nothin', y'all.")}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to"
    assert lemmas["nothin'"] == "nothing"
    assert lemmas["ai"] == "be"


def test_a_pattern_beyond_the_index_leaves_spacys_ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"POS": "ADV"})
    assert index_attribute_ruler(nlp) is False
    assert nlp.get_pipe(RULER) is ruler


def test_a_blank_pipeline_gets_the_same_attributes_from_both():
    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 0},
        {"patterns": [[{"LOWER": {"IN": ["army", "police"]}}]], "attrs": {"POS": "PROPN"}, "index": 0},
        {"patterns": [[{"LOWER": "the"}, {"LOWER": "army"}]], "attrs": {"LEMMA": "military"}, "index": -1},
    ]
    words = ["the", "army", "and", "police", "the", "Army"]
    plain = spacy.blank("en")
    plain.add_pipe("attribute_ruler").add_patterns(patterns)
    doc = spacy.tokens.Doc(plain.vocab, words=words, tags=["DT", "NN", "CC", "NN", "DT", "NNP"])
    expected = token_parse(plain.get_pipe(RULER)(doc))
    again = spacy.tokens.Doc(plain.vocab, words=words, tags=["DT", "NN", "CC", "NN", "DT", "NNP"])
    assert token_parse(IndexedAttributeRuler(plain.vocab, RULER, patterns)(again)) == expected
    assert [t.lemma_ for t in again][1] == "military" and again[5].lemma_ == "military"
    assert [t.pos_ for t in again] == ["", "PROPN", "", "PROPN", "", "PROPN"]
