"""The tok2vec layer's one-pass forward (transforms/events/tok2vec.py) gives the vectors thinc's own layers
give, to the bit, on sentences written for these tests, whatever else is in the batch."""

from __future__ import annotations

import pytest
import spacy

from tests.stock_parse import stock_pipeline, token_parse
from transforms.events.blas import use_numpy_blas
from transforms.events.parser import load_parser
from transforms.events.tok2vec import TOK2VEC, StreamlinedTok2Vec, streamline_tok2vec

SENTENCES = [
    "Kenya's foreign ministry summoned the Ugandan envoy on Tuesday over the border closure.",
    "Talks collapsed.",
    "“We call on both parties to stop the shelling,” the envoy said in a statement on Friday.",
    "Egyptian Foreign Minister Sameh Shoukry was accused by Ethiopia of stalling the dam negotiations.",
    "Police fired tear gas at thousands of students who had blocked the main road to the parliament.",
    "Neither side would say whether the sanctions -- imposed in March -- will be lifted next year.",
    "UN",
    "ABUJA, Nigeria (Reuters) - Nigeria's president met his Ghanaian counterpart in Abuja on Oct. 3.",
]


@pytest.fixture(scope="module")
def thinc_pipeline():
    """The model as loaded, multiplying through numpy's BLAS as the loaded parser does, tok2vec untouched."""
    nlp = stock_pipeline()
    use_numpy_blas(nlp)
    return nlp


def _vectors(nlp, texts, forward):
    model = nlp.get_pipe(TOK2VEC).model
    docs = [nlp.make_doc(text) for text in texts]
    return [array.tobytes() for array in forward(model, docs, False)[0]]


def test_the_loaded_parser_computes_its_token_vectors_in_one_pass():
    model = load_parser().get_pipe(TOK2VEC).model
    assert isinstance(model._func.__self__, StreamlinedTok2Vec)


def test_the_vectors_are_thincs_to_the_bit_alone_and_in_any_batch(thinc_pipeline):
    model = thinc_pipeline.get_pipe(TOK2VEC).model
    streamlined = StreamlinedTok2Vec(model)
    together = _vectors(thinc_pipeline, SENTENCES, streamlined.forward)
    assert together == _vectors(thinc_pipeline, SENTENCES, streamlined.thinc_forward)
    alone = [_vectors(thinc_pipeline, [text], streamlined.forward)[0] for text in SENTENCES]
    assert alone == [_vectors(thinc_pipeline, [text], streamlined.thinc_forward)[0] for text in SENTENCES]
    reversed_batch = _vectors(thinc_pipeline, SENTENCES[::-1], streamlined.forward)
    assert reversed_batch == _vectors(thinc_pipeline, SENTENCES[::-1], streamlined.thinc_forward)


def test_the_parse_and_tensors_are_those_of_thincs_layers(thinc_pipeline):
    nlp = load_parser()
    for ours, theirs in zip(nlp.pipe(SENTENCES), thinc_pipeline.pipe(SENTENCES), strict=True):
        assert token_parse(ours) == token_parse(theirs), ours.text
        assert ours.tensor.tobytes() == theirs.tensor.tobytes(), ours.text


def test_a_batch_with_an_empty_document_takes_thincs_pass(thinc_pipeline):
    model = thinc_pipeline.get_pipe(TOK2VEC).model
    streamlined = StreamlinedTok2Vec(model)
    texts = ["", *SENTENCES[:2]]
    assert _vectors(thinc_pipeline, texts, streamlined.forward) == _vectors(
        thinc_pipeline, texts, streamlined.thinc_forward)


def test_a_freshly_initialized_default_tok2vec_is_streamlined_to_the_bit():
    nlp = spacy.blank("en")
    nlp.add_pipe(TOK2VEC)  # spaCy's default: four hash embeddings, window encoder of depth 4
    nlp.initialize()
    model = nlp.get_pipe(TOK2VEC).model
    thinc_forward = model._func
    assert streamline_tok2vec(nlp) and streamline_tok2vec(nlp)  # installing twice keeps one pass
    assert model._func.__self__.thinc_forward is thinc_forward
    assert _vectors(nlp, SENTENCES, model._func) == _vectors(nlp, SENTENCES, thinc_forward)


def test_another_architecture_keeps_thincs_layers():
    nlp = spacy.blank("en")
    config = {"model": {"@architectures": "spacy.Tok2Vec.v2",
                        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 32,
                                  "attrs": ["NORM", "SHAPE"], "rows": [500, 50],
                                  "include_static_vectors": False},
                        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 32,
                                   "depth": 2, "window_size": 2, "maxout_pieces": 3}}}
    nlp.add_pipe(TOK2VEC, config=config)
    nlp.initialize()
    before = nlp.get_pipe(TOK2VEC).model._func
    assert streamline_tok2vec(nlp) is False
    assert nlp.get_pipe(TOK2VEC).model._func is before
    assert streamline_tok2vec(spacy.blank("en")) is False  # no tok2vec at all


def test_training_takes_thincs_pass():
    nlp = load_parser()
    model = nlp.get_pipe(TOK2VEC).model
    docs = [nlp.make_doc(text) for text in SENTENCES[:2]]
    _, backprop = model._func(model, docs, True)
    assert callable(backprop) and backprop.__name__ != "_no_backprop"
