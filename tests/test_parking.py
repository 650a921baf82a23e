"""Values parked in files while a grouping decides about them (transforms.common.parking), and the
deduplication that groups references to parked documents instead of the documents."""

from __future__ import annotations

import datetime as dt
import os
import pickle

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.assemble import build_pipeline
from pipeline.options import RunConfig
from transforms.common.beam import DOCUMENTS, OUTCOMES
from transforms.common.document import Document
from transforms.common.parking import ParkedReader, Parking, park_directory
from transforms.normalize.article import normalize_item
from transforms.normalize.dedup import Deduplicate

STARTED = dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)


def _document(link: str, text: str, feed: str | None) -> Document:
    item = {"source_kind": "feed" if feed else "seed", "source_uri": link, "feed_uri": feed,
            "title": "A headline", "text": text, "published_raw": "2024-05-30T08:00:00+02:00",
            "article_key": link if feed else None}
    return Document(article=normalize_item(item, run_id="run0", ingested_at=STARTED))


def test_parked_values_come_back_whole_in_any_order_from_the_bundles_files(tmp_path):
    values = [{"n": n, "text": f"paragraph {n} " * 200} for n in range(50)]
    refs = []
    for bundle in (values[:30], values[30:]):
        parking = Parking(str(tmp_path))
        parking.start_bundle()
        refs.extend(parking.park(value) for value in bundle)
        parking.finish_bundle()
    assert all(isinstance(ref, tuple) and len(ref) == 3 for ref in refs)
    assert len({file for file, _, _ in refs}) == 2 == len(os.listdir(tmp_path))  # one file per bundle
    # The reference is what a grouping carries: a small fraction of the value.
    assert max(len(pickle.dumps(ref)) for ref in refs) * 10 < min(len(pickle.dumps(v)) for v in values)
    reader = ParkedReader(str(tmp_path))
    assert [reader.fetch(refs[i]) for i in reversed(range(50))] == list(reversed(values))
    reader.close()


def test_without_a_directory_the_value_travels_inline():
    parking = Parking(None)
    parking.start_bundle()
    ref = parking.park({"a": 1})
    parking.finish_bundle()
    assert isinstance(ref, bytes)
    assert ParkedReader(None).fetch(ref) == {"a": 1}


def test_a_file_cut_short_or_an_unknown_directory_is_an_error_that_says_so(tmp_path):
    parking = Parking(str(tmp_path))
    parking.start_bundle()
    ref = parking.park("x" * 5000)
    parking.finish_bundle()
    with pytest.raises(ValueError, match="without the park directory"):
        ParkedReader(None).fetch(ref)
    with open(tmp_path / ref[0], "r+b") as handle:
        handle.truncate(ref[2] // 2)
    reader = ParkedReader(str(tmp_path))
    with pytest.raises(OSError, match="cut short"):
        reader.fetch(ref)
    reader.close()


def test_deduplicate_parks_documents_from_several_sources_and_keeps_the_preferred_copy(tmp_path):
    first_copy = _document("https://news.test/x", "Same story.", feed="feed-a")
    feed_copies = [_document("https://news.test/x", "Same story.", feed="feed-b"),
                   _document("https://news.test/y", "Another story.", feed="feed-a"),
                   _document("https://news.test/y", "Another story.", feed="feed-a")]  # the same entry twice
    written = _document("https://news.test/old", "Written last run.", feed="feed-a")
    pipeline = TestPipeline()
    by_source = {"One": pipeline | "OneSource" >> beam.Create([first_copy]),
                 "Other": pipeline | "OtherSource" >> beam.Create([*feed_copies, written])}
    outputs = by_source | Deduplicate(beam.Create([written.article_id]), str(tmp_path / "parked"))
    kept = outputs[DOCUMENTS] | "Kept" >> beam.Map(lambda d: (d.article["source_uri"], d.article["feed_uri"]))
    # Among copies the smallest (source_uri, feed_uri or "", content hash) wins, whichever source it is in.
    assert_that(kept, equal_to([("https://news.test/x", "feed-a"), ("https://news.test/y", "feed-a")]),
                label="kept")
    assert_that(outputs[OUTCOMES], equal_to([("feed-a", "new"), ("feed-b", "duplicate"), ("feed-a", "new"),
                                             ("feed-a", "duplicate"), ("feed-a", "duplicate")]),
                label="outcomes")
    pipeline.run()
    assert os.listdir(tmp_path / "parked")  # the documents went through files, not the grouping


def _leaf_steps(pipeline: beam.Pipeline) -> list:
    steps = []

    class _Visitor(beam.pipeline.PipelineVisitor):
        def visit_transform(self, node):
            steps.append(node)

    pipeline.visit(_Visitor())
    return steps


def _dofn_name(step) -> str:
    fn = getattr(step.transform, "fn", None)
    return type(fn).__name__ if fn is not None else ""


def test_no_item_or_document_of_the_run_reaches_a_grouping_or_a_flatten(tmp_path):
    """Beam's in-process runner holds the whole input of a GroupByKey, and of a Flatten of several
    stages, in memory: at 100,000 articles the packed items at the sources' Flatten and the packed
    documents at the deduplicating grouping took hundreds of megabytes. Following the main outputs from
    the readers of items, the only way across a grouping must be a parked reference (``_ParkCopyFn``)."""
    config = RunConfig(seeds_dir=None, feed_uris=("https://news.test/feed.xml",),
                       output_dir=str(tmp_path), started_at=STARTED, run_id="run0")
    pipeline = beam.Pipeline()
    build_pipeline(pipeline, config)
    steps = _leaf_steps(pipeline)
    consumers: dict = {}
    for step in steps:
        for pcollection in step.inputs:
            consumers.setdefault(pcollection, []).append(step)
    # Where items and documents come from: the readers, and the grouping's choice read back from parking.
    sources = ("ReadSeedFileFn", "ReadFeedFn", "_KeepOneCopyFn")
    readers = [step for step in steps if _dofn_name(step) in sources]
    assert len(readers) == 3
    # Where the line of items and documents ends: parked references, and the staged files' paths.
    ends = ("_ParkCopyFn", "_WriteDocumentTablesFn")
    reached, heavy, seen = [], [step.outputs[None] for step in readers], set()
    while heavy:
        pcollection = heavy.pop()
        for step in consumers.get(pcollection, ()):
            if step.full_label in seen:
                continue
            seen.add(step.full_label)
            if isinstance(step.transform, beam.GroupByKey | beam.Flatten):
                reached.append(step.full_label)
            elif _dofn_name(step) not in ends and None in step.outputs:
                heavy.append(step.outputs[None])
    assert reached == []
    # The walk went all the way through the job.
    assert {"Deduplicate/KeyByIdSeeds", "Deduplicate/KeyByIdFeeds",
            "Annotate/Events/CodeEventsFn/ParDo(AnnotateFn)", "Sinks/WriteDocumentTables"} <= seen
    assert park_directory("/out/_staging/run1") == "/out/_staging/run1/_parked"
