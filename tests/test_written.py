"""Joins with what earlier runs wrote: the keys read back from the committed files by the runner
(``WrittenKeys``), and rows dropped by grouping with them (``SkipWrittenRows``; articles:
tests/test_spine_stages.py)."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from outputs.commit import OutputDir
from outputs.tablefiles import part_file_name, partition_path, write_parquet
from outputs.tables import WrittenIds
from pipeline.assemble import build_pipeline
from pipeline.options import RunConfig
from schemas import TABLES
from transforms.common.beam import METRICS_NAMESPACE
from transforms.common.written import WrittenKeys
from transforms.normalize.dedup import SkipWrittenRows


def _counter(result, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))
    return sum(counter.committed for counter in found["counters"])


def _stage_ids(output: OutputDir, writer: str, day: dt.date, ids: list[str], index: int = 0) -> None:
    directory = partition_path(output.staging_root(writer), TABLES["articles"], day)
    write_parquet(f"{directory}/{part_file_name(writer, index)}",
                  pa.table({"article_id": ids, "title": [f"title of {i}" for i in ids]}))


def test_written_keys_reads_the_column_of_every_committed_file(tmp_path):
    output = OutputDir(str(tmp_path))
    _stage_ids(output, "r1", dt.date(2024, 5, 1), ["a1", "a2"])
    _stage_ids(output, "r1", dt.date(2024, 5, 2), ["a3"])
    _stage_ids(output, "r1", dt.date(2024, 5, 2), ["a4"], index=1)
    output.commit("r1")
    _stage_ids(output, "r2", dt.date(2024, 5, 3), ["staged-not-committed"])
    with TestPipeline() as pipeline:
        keys = pipeline | WrittenKeys(str(tmp_path), "articles", "article_id")
        assert_that(keys, equal_to(["a1", "a2", "a3", "a4"]))


def test_written_keys_of_a_table_with_no_file_yet_is_empty(tmp_path):
    with TestPipeline() as pipeline:
        assert_that(pipeline | WrittenKeys(str(tmp_path), "rejects", "reject_id"), equal_to([]))


def test_skip_written_rows_drops_and_counts_the_rows_whose_key_is_written():
    rows = [{"reject_id": "r1", "reason": "entry_empty"}, {"reject_id": "r2", "reason": "binary_file"},
            {"reject_id": "r3", "reason": "unsupported_file"}]
    pipeline = TestPipeline()
    kept = (pipeline | "Rows" >> beam.Create(rows)
            | SkipWrittenRows(beam.Create(["r2", "written-but-not-in-this-run"]), "reject_id"))
    assert_that(kept | beam.Map(lambda row: (row["reject_id"], row["reason"])),
                equal_to([("r1", "entry_empty"), ("r3", "unsupported_file")]))
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "already_written_reject_id") == 1


def test_skip_written_rows_keeps_every_row_when_nothing_is_written():
    rows = [{"reject_id": "r1"}, {"reject_id": "r2"}]
    pipeline = TestPipeline()
    kept = pipeline | "Rows" >> beam.Create(rows) | SkipWrittenRows(
        beam.Create([]).with_output_types(str), "reject_id")
    assert_that(kept | beam.Map(lambda row: row["reject_id"]), equal_to(["r1", "r2"]))
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "already_written_reject_id") == 0


def _pardo_fns(pipeline: beam.Pipeline) -> dict[str, beam.DoFn]:
    found: dict[str, beam.DoFn] = {}

    class Visitor(beam.pipeline.PipelineVisitor):
        def visit_transform(self, node) -> None:
            if isinstance(node.transform, beam.ParDo):
                found[node.full_label] = node.transform.fn

    pipeline.visit(Visitor())
    return found


def test_a_batch_run_joins_with_what_is_written_and_holds_no_set_of_written_ids(tmp_path):
    """Before: the dedup, new-rejects and page-choosing DoFns each loaded every id ever written (a
    ``WrittenIds`` loader run in ``setup``), so a run's memory and time grew with the archive."""
    config = RunConfig(seeds_dir=None, feed_uris=("https://news.test/feed.xml",), output_dir=str(tmp_path),
                       started_at=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc), run_id="run0",
                       fetch_articles=True)
    pipeline = beam.Pipeline()
    build_pipeline(pipeline, config)
    fns = _pardo_fns(pipeline)
    loaders = sorted(label for label, fn in fns.items()
                     if any(isinstance(value, WrittenIds) for value in vars(fn).values()))
    assert loaders == []
    readers = sorted(label.rsplit("/", 1)[0] for label in fns if label.endswith("/ReadColumn"))
    assert readers == ["Deduplicate/WrittenIds", "NewRejects/WrittenKeys",
                       "Sources/ReadFeeds/FetchArticlePages/KnownArticleIds"]
