"""The parser's layers multiply through numpy's BLAS on one thread (transforms/events/blas.py), and the
parse is the one thinc's own blis kernels give, on sentences written for these tests."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_info

from tests.stock_parse import stock_pipeline, token_parse
from transforms.events.blas import single_threaded_blas, use_numpy_blas
from transforms.events.parser import load_parser

SENTENCES = [
    "Kenya's foreign ministry summoned the Ugandan envoy on Tuesday over the border closure.",
    "The talks, which were held in Doha, did not produce an agreement, officials said.",
    "“We call on both parties to stop the shelling,” the envoy said in a statement on Friday.",
    "After Chile expelled two Peruvian diplomats, Peru recalled its ambassador from Santiago.",
    "Egyptian Foreign Minister Sameh Shoukry was accused by Ethiopia of stalling the dam negotiations.",
    "Police fired tear gas at thousands of students who had blocked the main road to the parliament.",
    "Neither side would say whether the sanctions, imposed in March, will be lifted next year.",
]


@pytest.fixture(scope="module")
def blis_pipeline():
    return stock_pipeline()


def test_the_loaded_parser_multiplies_through_numpy_on_one_thread():
    nlp = load_parser()
    assert single_threaded_blas()
    assert all(library["num_threads"] == 1 for library in threadpool_info() if library["user_api"] == "blas")
    layers = [layer for _, component in nlp.pipeline if getattr(component, "model", None) is not None
              for layer in component.model.walk()]
    assert layers and all(layer.ops.use_blis is False for layer in layers)


def test_the_parse_is_the_one_blis_gives(blis_pipeline):
    assert blis_pipeline.get_pipe("tok2vec").model.ops.use_blis  # the reference still multiplies with blis
    nlp = load_parser()
    for text in SENTENCES:
        assert token_parse(nlp(text)) == token_parse(blis_pipeline(text)), text


def test_a_pipeline_switched_twice_keeps_its_parse():
    nlp = stock_pipeline()
    before = [token_parse(doc) for doc in nlp.pipe(SENTENCES)]
    assert use_numpy_blas(nlp) and use_numpy_blas(nlp)
    assert [token_parse(doc) for doc in nlp.pipe(SENTENCES)] == before
