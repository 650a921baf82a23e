"""A run killed with SIGKILL at any point leaves no partial rows visible, and the next run completes the
work with nothing lost and nothing duplicated.

Each crash is a real ``communique run`` process: either it kills itself at a named point of the commit
(the test-only COMMUNIQUE_TEST_CRASH_AT hook of ``outputs.commit.crash_point``), or the test kills it
from outside at random instants.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outputs.commit import CRASH_ENV, STAGING
from outputs.lock import LOCK_NAME
from outputs.sql import connect
from outputs.tables import read_table
from schemas import TABLES
from tests.conftest import DATA, run_communique

# Columns that name the run that wrote a row; everything else must match row for row. (A reject's id
# hashes its run: a reject is an event of the run that rejected it.)
RUN_COLUMNS = {"run_id", "ingested_at", "rejected_at", "rejected_date", "fetched_at", "fetched_date",
               "reject_id"}
CONTENT_TABLES = ("articles", "entities", "dates", "events", "rejects", "feed_fetches")
BASE_TIME, ATTEMPT_TIME, RECOVERY_TIME = ("2024-06-01T12:00:00Z", "2024-06-02T12:00:00Z",
                                         "2024-06-03T12:00:00Z")

NEW_SEEDS = {
    "101_peru_chile.txt": (
        " date 2024-02-06 Peru and Chile sign a water-sharing accord.\n\n"
        "The presidents of Peru and Chile signed an accord in Lima on Monday to share the water of two "
        "rivers that cross their border.\n\nThe agreement follows three years of talks, officials said.\n"),
    "102_norway_sudan.txt": (
        " date 2024-02-07 Norway offers to mediate in Sudan.\n\n"
        "Norway offered on Wednesday to host talks between the warring parties in Sudan, its foreign "
        "ministry said.\n\nThe United Nations welcomed the offer.\n"),
    "103_empty.txt": "",
}


def _without_run_columns(row: dict) -> tuple:
    return tuple((key, repr(value)) for key, value in sorted(row.items()) if key not in RUN_COLUMNS)


def visible_rows(output: Path) -> dict[str, list]:
    """What a reader sees: every content table's rows (sorted, run columns left out), the run ids, and
    the rejects of each run (every run records its own)."""
    seen = {}
    for table in CONTENT_TABLES:
        rows = read_table(str(output), table).to_pylist()
        seen[table] = sorted(map(_without_run_columns, rows))
    runs = read_table(str(output), "runs").to_pylist()
    seen["runs"] = sorted(row["run_id"] for row in runs)
    rejects = read_table(str(output), "rejects").to_pylist()
    assert {row["run_id"] for row in rejects} <= set(seen["runs"])  # no reject without its run
    seen["rejects_by_run"] = {row["run_id"]: sorted(_without_run_columns(reject) for reject in rejects
                                                    if reject["run_id"] == row["run_id"])
                              for row in sorted(runs, key=lambda row: row["started_at"])}
    return seen


def assert_no_duplicate_keys(output: Path) -> None:
    for table in (*CONTENT_TABLES, "runs"):
        spec = TABLES[table]
        rows = read_table(str(output), table).to_pylist()
        keys = [tuple(row[column] for column in spec.key) for row in rows]
        assert len(keys) == len(set(keys)), table


def _content(seen: dict) -> dict:
    """The data tables: the same whichever runs committed them. (The rejects are checked run by run.)"""
    return {table: rows for table, rows in seen.items() if table not in ("runs", "rejects", "rejects_by_run")}


def assert_each_run_recorded_its_rejects(seen: dict, corpus: dict) -> None:
    """The first run rejected the bad files of the small seeds; every later run those and the new empty
    file: each committed run's rejects are all there, each once."""
    base_run, *later_runs = seen["rejects_by_run"].values()
    assert base_run == corpus["base_rejects"]
    assert all(rejects == corpus["run_rejects"] for rejects in later_runs)
    assert len(seen["rejects"]) == sum(map(len, seen["rejects_by_run"].values()))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds of the baseline run, the seeds of the next run (three more files), the baseline output,
    and what a reader sees before and after an uninterrupted next run."""
    root = tmp_path_factory.mktemp("crash")
    seeds = root / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    base = root / "base"
    run_communique("--seeds", str(seeds), "--output", str(base), "--run-timestamp", BASE_TIME)
    for name, text in NEW_SEEDS.items():
        (seeds / name).write_text(text, encoding="utf-8")
    reference = root / "reference"
    shutil.copytree(base, reference)
    outcome = run_communique("--seeds", str(seeds), "--output", str(reference), "--run-timestamp",
                             ATTEMPT_TIME)
    # Every run records its own rejects: the three of the small seeds again, and the new empty file.
    before, after = visible_rows(base), visible_rows(reference)
    assert _content(before) != _content(after)
    (base_rejects,) = before["rejects_by_run"].values()
    run_rejects = after["rejects_by_run"][outcome.run_id]
    assert outcome.rows_written["articles"] == 2
    assert outcome.rows_written["rejects"] == len(run_rejects) == len(base_rejects) + 1 > 1
    return {"root": root, "seeds": seeds, "base": base, "before": before, "after": after,
            "base_rejects": base_rejects, "run_rejects": run_rejects}


def _command(seeds: Path, output: Path, timestamp: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", "run", "--quiet", "--seeds", str(seeds), "--output",
            str(output), "--run-timestamp", timestamp]


def _fresh_copy(corpus, name: str) -> Path:
    output = corpus["root"] / name
    shutil.copytree(corpus["base"], output)
    return output


# Where the crash is, and whether a reader then sees the tables as before or as after the run.
CRASH_POINTS = [
    ("staged", "before"),            # the pipeline has written its staging files; no manifest yet
    ("manifest_partial", "before"),  # the manifest is half-way to existing (under a temporary name)
    ("moved:1", "before"),           # committed (the manifest exists), one file moved into the tables
    ("applied", "after"),            # every file moved; the staging directory is still there
    ("after_commit", "after"),       # all done but the feed state
]


def test_sigkill_at_each_point_of_a_commit(corpus):
    outputs = {point: _fresh_copy(corpus, point.replace(":", "_")) for point, _ in CRASH_POINTS}
    crashes = {
        point: subprocess.Popen(_command(corpus["seeds"], outputs[point], ATTEMPT_TIME),
                                env={**os.environ, CRASH_ENV: point},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for point, _ in CRASH_POINTS
    }
    for point, process in crashes.items():
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == -signal.SIGKILL, (point, stderr.decode()[-2000:])

    for point, expected in CRASH_POINTS:
        output = outputs[point]
        seen = visible_rows(output)
        assert _content(seen) == _content(corpus[expected]), point
        assert seen["rejects"] == corpus[expected]["rejects"], point  # whole runs of rejects, or none
        if point != "after_commit":
            assert (output / STAGING).exists(), point  # something was left to recover from

        # The next run (a later one, as from cron) finishes or discards it, then does its own work.
        recovery = run_communique("--seeds", str(corpus["seeds"]), "--output", str(output),
                                  "--run-timestamp", RECOVERY_TIME)
        final = visible_rows(output)
        assert _content(final) == _content(corpus["after"]), point
        assert_each_run_recorded_its_rejects(final, corpus)
        assert_no_duplicate_keys(output)
        committed_before = expected == "after" or point == "moved:1"
        assert recovery.rows_written["articles"] == (0 if committed_before else 2), point
        assert len(final["runs"]) == (3 if committed_before else 2), point
        assert not list((output / STAGING).glob("*")), point
        assert not (output / LOCK_NAME).exists()
        assert_event_daily_follows_events(output)


def assert_event_daily_follows_events(output: Path) -> None:
    """event_daily is rebuilt even by a run that adds nothing, when the run before it was killed between
    its commit and its rebuild."""
    connection = connect(str(output))
    daily = connection.sql("SELECT event_date, source_actor, target_actor, cameo_code, num_mentions "
                           "FROM event_daily ORDER BY ALL").fetchall()
    grouped = connection.sql("SELECT event_date, source_actor, target_actor, cameo_code, count(*) "
                             "FROM events GROUP BY ALL ORDER BY ALL").fetchall()
    assert daily and daily == grouped


def test_sigkill_at_random_instants_then_the_next_run_completes(corpus):
    output = _fresh_copy(corpus, "random")
    rng = random.Random(20240601)
    killed_running = 0
    for attempt in range(3):
        process = subprocess.Popen(_command(corpus["seeds"], output, f"2024-06-02T12:00:0{attempt}Z"),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 3.0))
        if process.poll() is None:
            killed_running += 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        seen = visible_rows(output)
        assert _content(seen) in (_content(corpus["before"]), _content(corpus["after"])), attempt
        assert_each_run_recorded_its_rejects(seen, corpus)
        assert_no_duplicate_keys(output)
    assert killed_running >= 1  # the instants are drawn so that most attempts are cut short
    run_communique("--seeds", str(corpus["seeds"]), "--output", str(output), "--run-timestamp", RECOVERY_TIME)
    final = visible_rows(output)
    assert _content(final) == _content(corpus["after"])
    assert_each_run_recorded_its_rejects(final, corpus)
    assert_no_duplicate_keys(output)
    assert not list((output / STAGING).glob("*"))
