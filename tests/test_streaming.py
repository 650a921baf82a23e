"""The streaming pipeline: windowed Parquet writes checked with TestStream on the runner that runs it here
(the DirectRunner's BundleBasedDirectRunner in streaming mode), and the whole ``run --streaming`` job,
bounded by --max-polls, on the default runner.

FnApiRunner refuses TestStream ("beam:transform:teststream:v1" not implemented); the
BundleBasedDirectRunner refuses PeriodicImpulse; neither runs an unbounded PeriodicImpulse. So the
PeriodicImpulse job is tested bounded, and the windowing with TestStream.
"""

from __future__ import annotations

import collections
import os
import shutil
from pathlib import Path

import apache_beam as beam
import duckdb
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing import test_stream
from apache_beam.transforms.window import TimestampedValue

from outputs.tables import read_table, table_files
from pipeline.cli import _parser, main
from pipeline.options import build_run_config
from pipeline.run import run_job
from pipeline.streaming import StreamingConfig, annotate_windowed, run_streaming
from transforms.common.rejects import REJECTS
from transforms.sources.feeds_stage import FEED_ITEMS
from transforms.sources.stage import classify_seed_path
from transforms.sources.streaming import ReadListedInputs

WINDOW_S = 60
CONTENT_TABLES = ("articles", "entities", "dates", "events", "rejects")
FIRST, SECOND = ("001_kenya_ethiopia.txt", "009_copy_of_001.txt", "003_japan_bom.txt", "007_binary.txt",
                 "010_notes.pdf"), ("002_brazil_crlf.txt", "005_utf16.txt")


def _config(seeds: Path, output: Path):
    parsed, beam_args = _parser().parse_known_args(
        ["run", "--quiet", "--seeds", str(seeds), "--output", str(output), "--run-timestamp",
         "2024-06-01T12:00:00Z"])
    return build_run_config(parsed, beam_args)


def _listed(seeds: Path, name: str, modified: float | None = None) -> tuple:
    path = seeds / name
    stat = path.stat()
    return (classify_seed_path(name), str(path), name, stat.st_size,
            stat.st_mtime if modified is None else modified)


def _rows(output: Path, table: str, ignore=()) -> list[tuple]:
    rows = read_table(str(output), table).to_pylist()
    return sorted(tuple((key, repr(value)) for key, value in sorted(row.items()) if key not in ignore)
                  for row in rows)


@pytest.fixture
def seeds(small_seeds) -> Path:
    return small_seeds


def test_teststream_windows_write_their_own_files_with_each_article_once(seeds, tmp_path):
    output = tmp_path / "stream"
    config = StreamingConfig(_config(seeds, output), interval_s=WINDOW_S, window_s=WINDOW_S)
    run = (config.run.run_id, config.run.started_at)
    first = [_listed(seeds, name) for name in FIRST]
    second = [
        _listed(seeds, "001_kenya_ethiopia.txt"),  # listed again, unchanged: not even read
        _listed(seeds, "001_kenya_ethiopia.txt", modified=1e9),  # touched: read, same article: dropped
        *(_listed(seeds, name) for name in SECOND),
    ]
    stream = (test_stream.TestStream()
              .advance_watermark_to(0)
              .add_elements([TimestampedValue(entry, 10) for entry in first])
              .advance_watermark_to(WINDOW_S + 1)
              .add_elements([TimestampedValue(entry, WINDOW_S + 10) for entry in second])
              .advance_watermark_to_infinity())
    options = PipelineOptions(["--runner=BundleBasedDirectRunner", "--streaming"])
    pipeline = beam.Pipeline(options=options)
    polled = pipeline | stream | ReadListedInputs(run_id=run[0], run_started_at=run[1])
    annotate_windowed(polled[FEED_ITEMS], polled[REJECTS], config, run)
    result = pipeline.run()
    result.wait_until_finish()

    # One file per window and partition, named after the window's start; all of them whole Parquet.
    by_window = collections.defaultdict(set)
    for path in table_files(str(output), "articles"):
        window = Path(path).name.split("-")[3]
        by_window[window].update(pq.read_table(path).column("source_uri").to_pylist())
    assert dict(by_window) == {"19700101T000000": {"001_kenya_ethiopia.txt", "003_japan_bom.txt"},
                               "19700101T000100": set(SECOND)}
    for table in CONTENT_TABLES:
        for path in table_files(str(output), table):
            assert pq.read_metadata(path).num_rows > 0
    glob = str(output / "articles" / "*" / "*.parquet")
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true)").fetchall() \
        == [(4,)]
    # (No counters here: this runner's streaming metrics leave out the bundles after the first
    # watermark advance. The bounded PeriodicImpulse test below checks them.)

    # The same rows as a batch run over the same files at the same time (the run id hashes the paths).
    batch_seeds = tmp_path / "batch_seeds"
    batch_seeds.mkdir()
    for name in FIRST + SECOND:
        shutil.copy(seeds / name, batch_seeds / name)
    batch = tmp_path / "batch"
    run_job(_config(batch_seeds, batch))
    for table in CONTENT_TABLES:
        run_columns = {"run_id", "reject_id"}  # a reject's id hashes its run
        assert _rows(output, table, run_columns) == _rows(batch, table, run_columns), table
    assert not (output / "runs").exists()  # batch only


def test_run_streaming_with_max_polls_on_the_default_runner(seeds, tmp_path, capsys):
    streamed, batch = tmp_path / "streamed", tmp_path / "batch"
    # One run time for both jobs: an article without a usable date is dated by it (011_bad_date.txt).
    stamp = ["--run-timestamp", "2024-06-01T12:00:00Z"]
    code = main(["run", "--streaming", "--max-polls", "2", "--interval", "0.5", "--window", "60",
                 "--seeds", str(seeds), "--output", str(streamed), *stamp])
    assert code == 3  # the small corpus has rejects
    summary = capsys.readouterr().out
    assert "2 polls, 6 new articles" in summary
    # The second poll listed every file again and read none of them.
    again = run_streaming(StreamingConfig(_config(seeds, streamed), interval_s=0.5, window_s=60,
                                          max_polls=2))
    assert again.counters["polls"] == 2
    assert again.counters["seed_files_read"] == 10  # once each, by the first poll
    assert again.counters["repeats_seed_files"] == 10 and again.counters["repeats_unsupported_files"] == 1
    assert again.counters["duplicates_of_earlier_runs"] == 7  # in the tables since the first job
    assert "articles_new" not in again.counters and "rows_streamed_articles" not in again.counters
    assert main(["run", "--quiet", "--seeds", str(seeds), "--output", str(batch), *stamp]) == 3
    ignore = {"run_id", "ingested_at", "rejected_at", "rejected_date", "reject_id"}
    for table in CONTENT_TABLES:
        if table == "rejects":  # each job records its own rejects: the same items
            assert sorted(set(_rows(streamed, table, ignore))) == _rows(batch, table, ignore)
            continue
        assert _rows(streamed, table, ignore) == _rows(batch, table, ignore), table
    assert not (streamed / "_LOCK").exists()
    assert not [name for name in os.listdir(streamed) if name.startswith(".temp")]
    assert not list((streamed / "_staging").glob("*"))


def test_streaming_options_are_checked(seeds, tmp_path, capsys):
    output = str(tmp_path / "out")
    assert main(["run", "--streaming", "--seeds", str(seeds), "--output", output]) == 2
    assert "needs a runner with unbounded sources" in capsys.readouterr().err
    assert main(["run", "--streaming", "--seeds", str(seeds), "--output", output, "--runner=PortableRunner",
                 "--job_endpoint=embed", "--environment_type=LOOPBACK"]) == 2
    assert "with an embedded job server" in capsys.readouterr().err
    assert main(["run", "--max-polls", "2", "--seeds", str(seeds), "--output", output]) == 2
    assert "--max-polls is an option of --streaming" in capsys.readouterr().err
    assert main(["run", "--streaming", "--max-polls", "2", "--window", "0", "--output", output]) == 2
    assert "--window must be positive" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
