"""The run driver: build and run the pipeline, commit its output, record the run.

A run holds the output directory's lock from start to end (``outputs.lock``): it first finishes or
discards what interrupted writers left (``OutputDir.recover``), then stages everything it writes and
commits it at once (``OutputDir.commit``). Feed state is recorded only after the commit, so a run killed
before it simply fetches those entries again and finds them already written.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from outputs import feedstate
from outputs.commit import CommitIncomplete, OutputDir, crash_point
from outputs.event_daily import EVENT_DAILY, mark_stale, rebuild_if_stale, stale
from outputs.lock import OutputLock
from outputs.tablefiles import (
    part_file_name,
    partition_date_of,
    partition_path,
    read_file_rows,
    rows_to_arrow,
    write_parquet,
)
from outputs.tables import committed_tables
from pipeline import __version__
from pipeline.assemble import build_pipeline
from pipeline.options import RunConfig, beam_pipeline_options
from pipeline.summary import RunOutcome, counters_of, feed_summary
from schemas import TABLES
from transforms.common.rejects import rejects_by_reason
from transforms.events.version import coder_version


def _write_runs_row(output: OutputDir, config: RunConfig, row: dict) -> None:
    spec = TABLES["runs"]
    directory = partition_path(output.staging_root(config.run_id), spec, row["run_date"])
    write_parquet(FileSystems.join(directory, part_file_name(config.run_id, 0)), rows_to_arrow(spec, [row]))


def run_job(config: RunConfig) -> RunOutcome:
    """Runs one batch: returns what it did. Raises ``outputs.lock.OutputLocked`` at once when another
    writer holds the output directory, and any pipeline failure (nothing is committed then)."""
    with OutputLock(config.output_dir, f"communique run {config.run_id}"):
        return _run_locked(config)


def _stage_empty_tables(output: OutputDir, config: RunConfig) -> None:
    """A zero-row file, with the documented schema, for every table that has no file yet and gets none
    from this run, in the partition of the run's date: every table directory then exists from the first
    run on, and Spark, pandas and Polars read a clean run's tables (empty) instead of failing."""
    committed, staged = committed_tables(config.output_dir), output.staged_tables(config.run_id)
    for name, spec in TABLES.items():
        if staged.get(name) or committed[name]:
            continue
        directory = partition_path(output.staging_root(config.run_id), spec, config.started_at.date())
        write_parquet(FileSystems.join(directory, part_file_name(config.run_id, 0)), rows_to_arrow(spec, []))


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
    # Every reject of this run, also those a rerun of the same run finds already written.
    reasons = rejects_by_reason(counters)
    fetch_rows = [row for path in staged.get("feed_fetches", []) for row in read_file_rows(path)]
    feeds = feed_summary(fetch_rows)
    exit_status = "ok_with_rejects" if reasons or feeds["failed"] else "ok"
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
        "rejects_by_reason": json.dumps(reasons, sort_keys=True),
        "exit_status": exit_status,
        "coder_version": coder_version(),
        "run_date": config.started_at.date(),
    })
    _stage_empty_tables(output, config)
    if rows_written.get("events", 0) > 0:
        # Only the days this run adds events to are rebuilt after the commit.
        mark_stale(config.output_dir, {partition_date_of(path) for path in staged.get("events", [])})
    rows_written["runs"] = 1
    outcome = RunOutcome(
        run_id=config.run_id, output_dir=config.output_dir, elapsed_s=elapsed, counters=counters,
        rows_written=rows_written, rejects_by_reason=reasons, exit_status=exit_status, feeds=feeds,
        read_samples=config.reads_samples)
    _commit_and_finish(output, config, outcome, fetch_rows)
    return outcome


class FailedAfterCommit(RuntimeError):
    """The run's output is committed (its manifest is written), but a step after the commit point
    failed: the message says what is committed and what the next run completes."""

    def __init__(self, outcome: RunOutcome, step: str, error: BaseException, *, moved: bool, filed: bool,
                 feed_state_saved: bool, event_daily_stale: bool):
        written = ", ".join(f"{table} {rows:,}" for table, rows in outcome.rows_written.items()
                            if table != EVENT_DAILY)
        consequences = []
        if not moved:
            consequences.append("its files are not all moved into place yet: readers see the tables as "
                                "before this run until the next run (or 'communique compact') finishes "
                                "moving them")
        elif not filed:
            consequences.append("its files are in place; the next run finishes filing the commit")
        if not feed_state_saved:
            consequences.append("the feeds' validators were not saved: the next run fetches those feeds "
                                "in full (nothing is written twice)")
        if event_daily_stale:
            consequences.append("event_daily is stale (it does not count this run's events) and the "
                                "next run rebuilds it")
        super().__init__(
            f"run {outcome.run_id} committed its output ({written} rows) but then failed while {step}: "
            f"{type(error).__name__}: {error}. {_sentence('; '.join(consequences))}")
        self.outcome = outcome


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "." if text else ""


def _commit_and_finish(output: OutputDir, config: RunConfig, outcome: RunOutcome,
                       fetch_rows: list[dict]) -> None:
    """Commits the staged output, then records the feed state and rebuilds event_daily. A failure before
    the commit point propagates as it is (nothing committed); after it, as ``FailedAfterCommit``."""
    done = {"moved": False, "filed": False, "feed_state_saved": not fetch_rows,
            "event_daily_stale": stale(config.output_dir)}
    step = "moving the committed files into place"
    try:
        output.commit(config.run_id)
        done["moved"] = done["filed"] = True
        crash_point("after_commit")
        step = "saving the feed state"
        feedstate.record_run(config.output_dir, fetch_rows)
        done["feed_state_saved"] = True
        step = "rebuilding event_daily"
        rebuilt = rebuild_if_stale(config.output_dir)
        done["event_daily_stale"] = False
    except CommitIncomplete as error:
        done["moved"] = not output.staged_files(config.run_id)  # only the bookkeeping may be left
        step = "filing the commit and cleaning its staging directory" if done["moved"] else step
        raise FailedAfterCommit(outcome, step, error.__cause__ or error, **done) from error
    except Exception as error:
        if not done["moved"]:
            raise  # before the commit point: nothing is committed
        raise FailedAfterCommit(outcome, step, error, **done) from error
    if rebuilt is not None:
        outcome.rows_written[EVENT_DAILY] = rebuilt
