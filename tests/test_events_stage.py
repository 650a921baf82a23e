"""The events stage on a real runner (TestPipeline): rows, counters, failures."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.devsets.events_fixtures import seed_inputs
from transforms.common.beam import DOCUMENTS, METRICS_NAMESPACE
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.events.coder import EventCoder
from transforms.events.stage import CodeEvents


def _counter(result, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))
    return sum(counter.committed for counter in found["counters"])


def test_stage_fills_events_counts_and_keeps_failing_articles():
    article, sentences, entities, dates = seed_inputs()
    article = {**article, "source_uri": "000_seed.txt"}
    seed = Document(article=article, sentences=sentences, dates=dates, entities=entities)
    quiet = Document(article={**article, "article_id": "quiet", "source_uri": "quiet.txt"},
                     sentences=sentences)  # no entities (not even in the title): nothing to code
    broken_entities = [{key: value for key, value in row.items() if key != "sentence_index"}
                        for row in entities[:2]]
    broken = Document(article={**article, "article_id": "broken", "source_uri": "broken.txt"},
                      sentences=sentences, entities=broken_entities)
    expected = EventCoder.load().code_document(article, sentences, entities, dates)
    assert len(expected) > 50

    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([seed, quiet, broken]) | CodeEvents()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.events)
    ids = outputs[DOCUMENTS] | "Ids" >> beam.Map(lambda document: document.article_id)
    reasons = outputs[REJECTS] | "Reasons" >> beam.Map(lambda row: (row["stage"], row["reason"],
                                                                    row["source_uri"]))
    assert_that(rows, equal_to(expected), label="rows")
    assert_that(ids, equal_to(["seed000", "quiet", "broken"]), label="all_articles_kept")
    assert_that(reasons, equal_to([("events", "stage_failed", "broken.txt")]), label="rejects")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "events_coded") == len(expected)
    assert _counter(result, "articles_with_events") == 1
    assert _counter(result, "events_failed") == 1
