"""The run driver: build and run the pipeline, commit its output, record the run.

A run holds the output directory's lock from start to end (``outputs.lock``): it first finishes or
discards what interrupted writers left (``OutputDir.recover``), then stages everything it writes and
commits it at once (``OutputDir.commit``). Feed state is recorded only after the commit, so a run killed
before it simply fetches those entries again and finds them already written.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from outputs import feedstate
from outputs.commit import OutputDir, crash_point
from outputs.event_daily import EVENT_DAILY, mark_stale, rebuild_if_stale
from outputs.lock import OutputLock
from outputs.tablefiles import (
    part_file_name,
    partition_path,
    read_file_column,
    read_file_rows,
    rows_to_arrow,
    write_parquet,
)
from pipeline import __version__
from pipeline.assemble import build_pipeline
from pipeline.options import RunConfig, beam_pipeline_options
from pipeline.summary import RunOutcome, counters_of, feed_summary
from schemas import TABLES


def _write_runs_row(output: OutputDir, config: RunConfig, row: dict) -> None:
    spec = TABLES["runs"]
    directory = partition_path(output.staging_root(config.run_id), spec, row["run_date"])
    write_parquet(FileSystems.join(directory, part_file_name(config.run_id, 0)), rows_to_arrow(spec, [row]))


def run_job(config: RunConfig) -> RunOutcome:
    """Runs one batch: returns what it did. Raises ``outputs.lock.OutputLocked`` at once when another
    writer holds the output directory, and any pipeline failure (nothing is committed then)."""
    with OutputLock(config.output_dir, f"communique run {config.run_id}"):
        return _run_locked(config)


def _run_locked(config: RunConfig) -> RunOutcome:
    clock = time.monotonic()
    output = OutputDir(config.output_dir)
    output.recover()
    output.discard(config.run_id)  # a leftover of an identical, interrupted attempt
    pipeline = beam.Pipeline(options=beam_pipeline_options(config.beam_args))
    build_pipeline(pipeline, config, feed_state=feedstate.load(config.output_dir))
    result = pipeline.run()
    result.wait_until_finish()
    counters = counters_of(result)
    crash_point("staged")

    staged = output.staged_tables(config.run_id)
    # event_daily is not appended to but rebuilt after the commit; the runs row counts appended rows.
    rows_written = {table: 0 for table in TABLES if table not in ("runs", EVENT_DAILY)}
    rows_written.update(output.staged_row_counts(config.run_id))
    reasons = collections.Counter(
        reason for path in staged.get("rejects", []) for reason in read_file_column(path, "reason"))
    rejects_by_reason = dict(sorted(reasons.items()))
    exit_status = "ok_with_rejects" if rejects_by_reason else "ok"
    finished_at = dt.datetime.now(dt.timezone.utc)
    elapsed = time.monotonic() - clock
    _write_runs_row(output, config, {
        "run_id": config.run_id,
        "started_at": config.started_at,
        "finished_at": finished_at,
        "elapsed_s": elapsed,
        "options": config.as_json(),
        "communique_version": __version__,
        "items_read": counters.get("items_read", 0),
        "duplicates": counters.get("duplicates", 0),
        "rows_written": json.dumps(rows_written, sort_keys=True),
        "rejects_by_reason": json.dumps(rejects_by_reason, sort_keys=True),
        "exit_status": exit_status,
        "run_date": config.started_at.date(),
    })
    fetch_rows = [row for path in staged.get("feed_fetches", []) for row in read_file_rows(path)]
    if rows_written.get("events", 0) > 0:
        mark_stale(config.output_dir)
    output.commit(config.run_id)
    crash_point("after_commit")
    feedstate.record_run(config.output_dir, fetch_rows)
    rows_written["runs"] = 1
    rebuilt = rebuild_if_stale(config.output_dir)
    if rebuilt is not None:
        rows_written[EVENT_DAILY] = rebuilt
    return RunOutcome(
        run_id=config.run_id, output_dir=config.output_dir, elapsed_s=elapsed, counters=counters,
        rows_written=rows_written, rejects_by_reason=rejects_by_reason, exit_status=exit_status,
        feeds=feed_summary(fetch_rows), read_samples=config.reads_samples)
