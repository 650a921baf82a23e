"""communique compact: fewer files, the very same rows, readable during and after, safe to interrupt."""

from __future__ import annotations

import collections
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from outputs.commit import CRASH_ENV, STAGING
from outputs.compact import compact
from outputs.lock import OutputLock
from outputs.sql import run_query
from outputs.tables import read_table, table_files
from pipeline.cli import main
from pipeline.commands.exitcodes import EXIT_LOCKED
from schemas import TABLES
from tests.conftest import DATA, SEED_DOCUMENT, run_communique

TABLES_WITH_ROWS = ("articles", "dates", "rejects", "runs")


def _multiset(output: Path, table: str) -> collections.Counter:
    rows = read_table(str(output), table).to_pylist()
    return collections.Counter(repr(sorted(row.items())) for row in rows)


def _duckdb_multiset(output: Path, table: str) -> collections.Counter:
    rows = run_query(str(output), f"SELECT * FROM {table}").to_pylist()
    return collections.Counter(repr(sorted(row.items())) for row in rows)


def _split_into_single_rows(output: Path) -> None:
    """Every table file becomes one file per row: the worst case of many tiny runs."""
    for table in TABLES:
        for path in table_files(str(output), table):
            whole = pq.read_table(path)
            for index in range(whole.num_rows):
                pq.write_table(whole.slice(index, 1), path.replace(".parquet", f"-split{index:03d}.parquet"),
                               compression="zstd")
            os.remove(path)


@pytest.fixture(scope="module")
def fragmented(tmp_path_factory) -> Path:
    """An output written by three runs, then split into one-row files."""
    root = tmp_path_factory.mktemp("compact")
    seeds = root / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    output = root / "out"
    run_communique("--seeds", str(seeds), "--output", str(output), "--run-timestamp", "2024-06-01T12:00:00Z")
    shutil.copy(SEED_DOCUMENT, seeds / SEED_DOCUMENT.name)
    run_communique("--seeds", str(seeds), "--output", str(output), "--run-timestamp", "2024-06-01T13:00:00Z")
    run_communique("--seeds", str(seeds), "--output", str(output), "--run-timestamp", "2024-06-01T14:00:00Z")
    _split_into_single_rows(output)
    return output


@pytest.fixture
def output(fragmented, tmp_path) -> Path:
    copy = tmp_path / "out"
    shutil.copytree(fragmented, copy)
    return copy


def _files_per_partition(output: Path, table: str) -> dict[str, int]:
    counts: dict[str, int] = collections.Counter()
    for path in table_files(str(output), table):
        counts[Path(path).parent.name] += 1
    return dict(counts)


def test_compaction_merges_files_and_changes_no_row(output, capsys):
    before = {table: _multiset(output, table) for table in TABLES}
    before_duck = {table: _duckdb_multiset(output, table) for table in TABLES_WITH_ROWS}
    crowded = {table: {partition: count for partition, count in _files_per_partition(output, table).items()
                       if count > 1} for table in TABLES}
    one_file_a_row = len(table_files(str(output), "articles")) == read_table(str(output), "articles").num_rows
    assert one_file_a_row and crowded["runs"] == {"run_date=2024-06-01": 3}

    assert main(["compact", "--output", str(output)]) == 0
    printed = capsys.readouterr().out.splitlines()
    for table, partitions in crowded.items():
        merged = sum(partitions.values())
        line = next(line for line in printed if line.startswith(f"{table}:"))
        if partitions:
            assert line.startswith(f"{table}: {merged} files in {len(partitions)} partition"), line
            assert line.endswith("unchanged"), line
        else:
            assert line == f"{table}: nothing to compact"

    for table in TABLES:
        assert _multiset(output, table) == before[table], table
        assert all(count == 1 for count in _files_per_partition(output, table).values()), table
    for table in TABLES_WITH_ROWS:
        assert _duckdb_multiset(output, table) == before_duck[table], table
    assert len(table_files(str(output), "runs")) == 1
    for path in table_files(str(output), "articles"):  # the documented schema travels on
        schema = pq.read_schema(path)
        assert schema.field("article_id").metadata[b"doc"]
        assert schema.metadata[b"communique.table"] == b"articles"
    assert not list((output / STAGING).glob("*"))

    # Nothing left to do; and the next run still knows every article it wrote.
    assert all(not result.partitions for result in compact(str(output)))
    rerun = run_communique("--seeds", str(DATA / "seeds_small"), "--output", str(output))
    assert rerun.rows_written["articles"] == 0
    assert _multiset(output, "articles") == before["articles"]


def test_target_rows_bounds_the_merged_files_and_one_table_can_be_chosen(output):
    before = _multiset(output, "articles")
    results = compact(str(output), ["articles"], target_rows=2)
    assert [result.table for result in results] == ["articles"]
    assert _multiset(output, "articles") == before
    assert all(pq.read_metadata(path).num_rows <= 2 for path in table_files(str(output), "articles"))
    assert len(table_files(str(output), "runs")) == 3  # not asked for


def test_duckdb_reads_during_compaction_see_the_same_rows(output):
    expected = {table: _duckdb_multiset(output, table) for table in ("articles", "dates")}
    reads, retried, mismatches = collections.Counter(), collections.Counter(), []
    done = threading.Event()

    def read_until_done():
        while not done.is_set() or not reads:
            for table, rows in expected.items():
                try:
                    seen = _duckdb_multiset(output, table)
                except duckdb.IOException:
                    # A file listed just before the commit deleted it: this reader's view is stale.
                    retried[table] += 1
                    continue
                reads[table] += 1
                if seen != rows:
                    mismatches.append(table)

    reader = threading.Thread(target=read_until_done)
    reader.start()
    try:
        compact(str(output))
    finally:
        done.set()
        reader.join(timeout=60)
    assert not mismatches
    assert sum(reads.values()) >= 2
    for table, rows in expected.items():
        assert _duckdb_multiset(output, table) == rows


@pytest.mark.parametrize(("point", "view"), [("committed", "before"), ("removed:3", "after")])
def test_an_interrupted_compaction_is_finished_by_the_next_one(output, point, view):
    before = {table: _multiset(output, table) for table in TABLES}
    files_before = sum(len(table_files(str(output), table)) for table in TABLES)
    crashed = subprocess.run([sys.executable, "-m", "pipeline.cli", "compact", "--output", str(output)],
                             env={**os.environ, CRASH_ENV: point}, capture_output=True, check=False,
                             timeout=120)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    assert list((output / STAGING).glob("*"))  # it was cut short
    for table in TABLES:
        assert _multiset(output, table) == before[table], (point, table)
    merged = sum(len(table_files(str(output), table)) for table in TABLES) < files_before
    assert merged == (view == "after")

    assert main(["compact", "--output", str(output), "--quiet"]) == 0
    for table in TABLES:
        assert _multiset(output, table) == before[table], (point, table)
        assert all(count == 1 for count in _files_per_partition(output, table).values()), table
    assert not list((output / STAGING).glob("*"))


def test_compaction_waits_for_no_one_and_refuses_bad_options(output, capsys):
    with OutputLock(str(output), "communique run busy"):
        assert main(["compact", "--output", str(output)]) == EXIT_LOCKED
    assert "communique run busy" in capsys.readouterr().err
    assert main(["compact", "--output", str(output), "--table", "nope"]) == 2
    assert "no table 'nope'" in capsys.readouterr().err
    assert main(["compact", "--output", str(output), "--target-rows", "0"]) == 2
