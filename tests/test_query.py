"""communique query: every format, to a file or standard output, read back by real readers."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

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
