"""communique query: every format, to a file or standard output, read back by real readers."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystems import FileSystems

from outputs.commit import CRASH_ENV, STAGING, OutputDir
from outputs.sql import read_only
from outputs.tables import read_table
from pipeline.cli import main
from tests.conftest import SEED_DOCUMENT, run_communique

SQL = "SELECT article_id, title, published_at, published_date, num_sentences FROM articles"


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory) -> str:
    seeds = tmp_path_factory.mktemp("seeds")
    shutil.copy(SEED_DOCUMENT, seeds / SEED_DOCUMENT.name)
    output = tmp_path_factory.mktemp("query") / "out"
    run_communique("--seeds", str(seeds), "--output", str(output), "--run-timestamp", "2024-06-01T12:00:00Z")
    return str(output)


def _direct(output: str) -> dict:
    """The same row, read straight from the Parquet files without communique's views."""
    return duckdb.sql(
        f"SELECT article_id, title, published_at, published_date, num_sentences FROM read_parquet("
        f"'{output}/articles/*/*.parquet', hive_partitioning = true, hive_types = {{'published_date': DATE}})"
    ).to_arrow_table().to_pylist()[0]


def test_parquet_to_a_file_keeps_the_column_types(seed_output, tmp_path):
    target = tmp_path / "articles.parquet"
    assert main(["query", "--output", seed_output, "--format", "parquet", "--to", str(target), SQL]) == 0
    table = pq.read_table(target)
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("published_date").type == pa.date32()
    assert table.schema.field("num_sentences").type == pa.int32()
    assert table.to_pylist() == [_direct(seed_output)]
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_parquet_to_standard_output_is_a_valid_file(seed_output):
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "--output", seed_output,
                           "--format", "parquet", SQL], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout[:4] == b"PAR1"
    assert pq.read_table(io.BytesIO(done.stdout)).to_pylist() == [_direct(seed_output)]


def test_parquet_refuses_a_terminal_and_table_refuses_a_file(seed_output, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["query", "--output", seed_output, "--format", "parquet", SQL]) == 2
    assert "--to FILE.parquet" in capsys.readouterr().err
    assert main(["query", "--output", seed_output, "--to", str(tmp_path / "x.txt"), SQL]) == 2
    assert "choose --format csv, json or parquet" in capsys.readouterr().err
    assert main(["query", "--output", seed_output, "--format", "csv", "--to",
                 str(tmp_path / "missing" / "x.csv"), SQL]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_csv_and_json_to_files_match_the_tables(seed_output, tmp_path):
    expected = _direct(seed_output)
    assert main(["query", "--output", seed_output, "--format", "csv", "--to", str(tmp_path / "a.csv"),
                 SQL]) == 0
    (row,) = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8"))))
    assert row["article_id"] == expected["article_id"] and row["title"] == expected["title"]
    assert row["published_date"] == expected["published_date"].isoformat()
    assert main(["query", "--output", seed_output, "--format", "json", "--to", str(tmp_path / "a.json"),
                 SQL]) == 0
    lines = (tmp_path / "a.json").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["num_sentences"] for line in lines] == [expected["num_sentences"]]
    published_at = expected["published_at"].strftime("%Y-%m-%d %H:%M:%S")
    assert json.loads(lines[0])["published_at"].startswith(published_at)


@pytest.fixture
def own_output(seed_output, tmp_path) -> Path:
    """A copy of the seed output that a test may attack."""
    copy = tmp_path / "out"
    shutil.copytree(seed_output, copy)
    return copy


@pytest.mark.parametrize("statement", [
    "COPY (SELECT 1 AS x) TO '{table_file}' (FORMAT parquet, USE_TMP_FILE false)",
    "COPY articles TO '{table_file}' (FORMAT csv, USE_TMP_FILE false, OVERWRITE_OR_IGNORE)",
    "COPY articles TO '{elsewhere}'",
    "EXPORT DATABASE '{elsewhere}'",
    "SELECT 1; COPY articles TO '{elsewhere}'",
    "ATTACH '{elsewhere}' AS other",
    "CREATE TABLE copied AS SELECT * FROM articles",
    "SET enable_external_access = true",
    "INSTALL httpfs",
])
def test_query_writes_nothing(own_output, tmp_path, statement, capsys):
    # Before: COPY ... TO a table file truncated it (5 bytes of CSV in a .parquet), without the lock.
    (table_file,) = (own_output / "articles").glob("*/*.parquet")
    before = table_file.read_bytes()
    elsewhere = tmp_path / "elsewhere.out"
    sql = statement.format(table_file=table_file, elsewhere=elsewhere)
    assert main(["query", "--output", str(own_output), sql]) == 2
    assert "only queries run" in capsys.readouterr().err
    assert table_file.read_bytes() == before and not elsewhere.exists()


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('{outside}')",
])
def test_query_reads_no_file_but_the_tables(own_output, tmp_path, sql, capsys):
    outside = tmp_path / "outside.parquet"
    pq.write_table(pa.table({"secret": ["not a table of this output"]}), outside)
    assert main(["query", "--output", str(own_output), sql.format(outside=outside)]) == 2
    assert "disabled by configuration" in capsys.readouterr().err


def test_the_read_only_connection_refuses_writes_even_without_the_statement_check(own_output, tmp_path):
    connection = read_only(str(own_output))
    with pytest.raises(duckdb.PermissionException):
        connection.execute(f"COPY articles TO '{tmp_path / 'x.csv'}'")
    with pytest.raises(duckdb.InvalidInputException, match="locked"):
        connection.execute("SET allowed_paths = ['/etc/passwd']")
    assert connection.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_read_only_queries_still_run(own_output, capsys):
    for sql in ("DESCRIBE articles", "SUMMARIZE events", "EXPLAIN SELECT * FROM events",
                "WITH a AS (SELECT * FROM articles) SELECT count(*) FROM a", "FROM runs", "SHOW TABLES"):
        assert main(["query", "--output", str(own_output), "--format", "csv", sql]) == 0, sql
        assert capsys.readouterr().out


def test_a_query_sees_every_table_as_of_one_commit(seed_only, tmp_path, monkeypatch):
    """A query that lists its tables while a commit is applied sees all of them before it or all after:
    never events whose articles it cannot see. Before, each table was listed against its own snapshot
    of the pending commits, and such a query saw the commit's events without its articles."""
    output = tmp_path / "out"
    crashed = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--quiet", "--seeds", str(seed_only), "--output",
         str(output)], env={**os.environ, CRASH_ENV: "committed"}, capture_output=True, check=False)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    assert (output / STAGING).exists()  # committed, nothing moved yet

    original_match = FileSystems.match
    finished = []

    def match_finishing_the_commit_before_events(patterns, limits=None):
        if not finished and any("/events/" in pattern for pattern in patterns):
            finished.append(True)
            OutputDir(str(output)).recover()  # the commit is applied between two tables' listings
        return original_match(patterns, limits)

    monkeypatch.setattr(FileSystems, "match", match_finishing_the_commit_before_events)
    connection = read_only(str(output))
    monkeypatch.undo()
    assert finished
    seen = connection.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles))").fetchone()
    articles, events, orphans = seen
    assert orphans == 0
    assert (articles, events) == (1, read_table(str(output), "events").num_rows)
