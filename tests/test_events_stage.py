"""The events stage on a real runner (TestPipeline): rows, counters, failures."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.devsets.events_fixtures import seed_inputs
from transforms.common.beam import DOCUMENTS, METRICS_NAMESPACE
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.events.bounds import (
    MAX_EVENTS_PER_ARTICLE,
    MAX_EVENTS_PER_SENTENCE,
    bounded_events,
    events_capped_rejects,
)
from transforms.events.coder import EventCoder
from transforms.events.stage import CodeEvents, EventAnnotator
from transforms.events.version import coder_version


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
    # The stage stamps each row with the coder version (events.coder_version).
    expected = [{**row, "coder_version": coder_version()}
                for row in EventCoder.load().code_document(article, sentences, entities, dates)]
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


PARTIES = ("France", "Germany", "Italy", "Spain", "Poland", "Sweden", "Norway")


def _many_parties_document(sentences: int) -> Document:
    """Sentences in which the same seven states meet, pledge, sign and talk, each on its own day (so no
    two sentences merge): the coder gives every ordered pair of them, 42 per trigger, 126 per sentence."""
    from transforms.common.annotate import AnnotateFn
    from transforms.dates.stage import DateAnnotator
    from transforms.entities.stage import EntityAnnotator
    from transforms.normalize.article import normalize_item
    from transforms.sentences.stage import SentenceSplitter

    listing = " and ".join(PARTIES)
    text = "\n\n".join(f"{listing} met in Geneva on {day} March 2024, pledged to work together, signed an "
                       "accord and held talks." for day in range(1, sentences + 1))
    item = {"source_kind": "seed", "source_uri": "parties.txt", "title": None, "text": text,
            "published_raw": "2024-03-30"}
    document = Document(article=normalize_item(item, run_id="run0", ingested_at=dt.datetime(
        2024, 4, 1, tzinfo=dt.timezone.utc)))
    for annotator in (SentenceSplitter(), DateAnnotator(), EntityAnnotator()):
        fn = AnnotateFn(annotator)
        fn.setup()
        (document,) = list(fn.process(document))
    return document


def test_events_are_bounded_per_sentence_and_per_article_and_the_cut_is_reported():
    """Issue 14, attack 2: a list of parties acting together gives an event per ordered pair, so events
    grow with the square of the list and the number of sentences. Before the bounds this document of 10
    sentences gave 1,260 events (126 in each sentence), with no counter, flag or reject."""
    document = _many_parties_document(10)
    coded = [{**row, "coder_version": coder_version()} for row in EventCoder.load().code_document(
        document.article, document.sentences, document.entities, document.dates)]
    by_sentence = collections.Counter(row["sentence_index"] for row in coded)
    assert len(document.sentences) == 10 and min(by_sentence.values()) > MAX_EVENTS_PER_SENTENCE

    assert len(coded) == 1260
    # The coder's rows come ordered by sentence: the first ones of each sentence, then of the article.
    within_sentences = [row for index in sorted(by_sentence)
                        for row in [row for row in coded if row["sentence_index"] == index][
                            :MAX_EVENTS_PER_SENTENCE]]
    expected = within_sentences[:MAX_EVENTS_PER_ARTICLE]

    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([document]) | CodeEvents()
    assert_that(outputs[DOCUMENTS] | beam.Map(lambda kept: (kept.events == expected,
                                                            kept.article["events_dropped"])),
                equal_to([(True, len(coded) - MAX_EVENTS_PER_ARTICLE)]), label="bounded")
    assert_that(outputs[REJECTS] | "Reasons" >> beam.Map(lambda row: (row["stage"], row["reason"],
                                                                       row["source_uri"])),
                equal_to([("events", "events_capped", "parties.txt")]), label="rejects")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "events_coded") == MAX_EVENTS_PER_ARTICLE
    assert _counter(result, "events_dropped_by_bounds") == len(coded) - MAX_EVENTS_PER_ARTICLE
    assert _counter(result, "articles_events_capped") == 1


def test_bounds_keep_the_first_rows_of_each_sentence_then_of_the_article():
    rows = [{"sentence_index": sentence, "n": n} for sentence in (0, 1, 2) for n in range(5)]
    bounded = bounded_events(rows, per_sentence=3, per_article=7)
    assert [(row["sentence_index"], row["n"]) for row in bounded.kept] == [
        (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0)]
    assert (bounded.dropped_in_sentences, bounded.dropped_in_article, bounded.dropped) == (6, 2, 8)
    untouched = bounded_events(rows[:3], per_sentence=3, per_article=7)
    assert untouched.kept == rows[:3] and untouched.dropped == 0


def test_an_article_within_the_bounds_reports_nothing():
    article, sentences, entities, dates = seed_inputs()
    document = Document(article={**article, "source_uri": "000_seed.txt"}, sentences=sentences,
                        dates=dates, entities=entities)
    annotator = EventAnnotator()
    annotator.setup()
    changes = annotator.annotate(document)
    assert changes["article"]["events_dropped"] == 0 and len(changes["events"]) > 50
    assert events_capped_rejects(dataclasses.replace(document, **changes)) == []
