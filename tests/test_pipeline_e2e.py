"""The whole job on a real Beam runner, read back with pyarrow, DuckDB and Polars."""

from __future__ import annotations

import shutil

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from outputs.sql import run_query
from outputs.tables import read_table, table_files
from schemas import TABLES
from tests.conftest import FIXED_TIMESTAMP, run_communique

CONTENT_TABLES = ("articles", "entities", "dates", "events", "rejects")


def _sorted_rows(output, table):
    spec = TABLES[table]
    rows = read_table(str(output), table).to_pylist()
    return sorted(rows, key=lambda row: tuple(str(row[column]) for column in spec.key))


def test_every_item_is_accounted_for(small_seeds, tmp_path):
    output = tmp_path / "out"
    outcome = run_communique("--seeds", str(small_seeds), "--output", str(output))
    counters = outcome.counters
    articles = read_table(str(output), "articles")
    rejects = read_table(str(output), "rejects")
    # 11 files: 6 usable articles, 1 exact copy, 4 unusable (no header line, binary, empty, unsupported .pdf)
    assert counters["items_read"] == 11
    assert articles.num_rows == 6
    assert counters["duplicates"] == 1
    assert rejects.num_rows == 4
    assert counters["items_read"] == articles.num_rows + counters["duplicates"] + counters["items_rejected"]
    assert sorted(rejects.column("reason").to_pylist()) == ["empty_document", "malformed_header",
                                                            "unreadable_file", "unsupported_file"]
    assert all(rejects.column("detail").to_pylist())
    assert outcome.exit_status == "ok_with_rejects"
    by_source = {row["source_uri"]: row for row in articles.to_pylist()}
    assert by_source["005_utf16.txt"]["published_date"].isoformat() == "2020-02-29"
    # Before: kept with title and date NULL, in the NULL partition, and exit 0 for it.
    [no_header] = [row for row in rejects.to_pylist() if row["source_uri"] == "004_no_date_line.txt"]
    assert no_header["reason"] == "malformed_header" and "' date YYYY-MM-DD Headline'" in no_header["detail"]
    bad_date = by_source["011_bad_date.txt"]  # ' date 2021-02-30 ...': kept, dated by the run, flagged
    assert (bad_date["date_source"], bad_date["date_flag"]) == ("fetched", "unparseable")
    assert bad_date["published_at"] == bad_date["ingested_at"]
    assert "Côte d’Ivoire" in by_source["006_cp1252.txt"]["title"]
    assert "009_copy_of_001.txt" not in by_source


def test_tables_read_back_with_documented_types(small_seeds, tmp_path):
    output = tmp_path / "out"
    run_communique("--seeds", str(small_seeds), "--output", str(output))
    for table in ("articles", "rejects", "runs"):
        spec = TABLES[table]
        arrow = read_table(str(output), table)
        assert arrow.schema.remove_metadata() == spec.schema.remove_metadata(), table
        for path in table_files(str(output), table):
            file_schema = pq.read_schema(path)
            assert file_schema.field("article_id" if table == "articles" else spec.key[0]).metadata
        glob = str(output / table / "*" / "*.parquet")
        duck = duckdb.sql(f"SELECT * FROM read_parquet('{glob}', hive_partitioning = true)")
        duck_types = dict(zip(duck.columns, map(str, duck.types), strict=True))
        assert duck_types[spec.partition_by] == "DATE"
        polars_frame = pl.read_parquet(glob, hive_partitioning=True)
        assert polars_frame.height == arrow.num_rows
        assert polars_frame.schema[spec.partition_by] == pl.Date
    described = run_query(str(output), "DESCRIBE articles").to_pylist()
    duck_types = {row["column_name"]: row["column_type"] for row in described}
    assert duck_types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert duck_types["published_date"] == "DATE"
    null_dates = run_query(str(output), "SELECT count(*) AS n FROM articles WHERE published_date IS NULL")
    assert null_dates.column("n").to_pylist() == [0]  # before: 2 (no date line; impossible date)
    assert not list(output.rglob("*__HIVE_DEFAULT_PARTITION__*"))


def test_same_input_same_rows_and_ids(small_seeds, tmp_path):
    # The output path is one of the options, so both runs write to the same path in turn.
    output, first, second = tmp_path / "out", tmp_path / "first", tmp_path / "second"
    run_communique("--seeds", str(small_seeds), "--output", str(output), "--run-timestamp", FIXED_TIMESTAMP)
    output.rename(first)
    run_communique("--seeds", str(small_seeds), "--output", str(output), "--run-timestamp", FIXED_TIMESTAMP)
    output.rename(second)
    for table in CONTENT_TABLES:
        assert _sorted_rows(first, table) == _sorted_rows(second, table), table
    first_files = sorted(path.relative_to(first) for path in first.rglob("*.parquet"))
    second_files = sorted(path.relative_to(second) for path in second.rglob("*.parquet"))
    assert first_files == second_files


def test_rerun_adds_nothing_and_a_new_article_adds_exactly_its_rows(small_seeds, tmp_path, seed_only):
    output = tmp_path / "out"
    run_communique("--seeds", str(small_seeds), "--output", str(output))
    before = {table: read_table(str(output), table).num_rows for table in CONTENT_TABLES}

    again = run_communique("--seeds", str(small_seeds), "--output", str(output))
    after_rerun = {table: read_table(str(output), table).num_rows for table in CONTENT_TABLES}
    # The data tables are unchanged; the rerun records its own rejects (the same bad files again).
    assert after_rerun == {**before, "rejects": 2 * before["rejects"]}
    assert again.rows_written["rejects"] == before["rejects"] and again.exit_status == "ok_with_rejects"
    rejects = read_table(str(output), "rejects").to_pylist()
    items_by_run = {run_id: sorted((row["source_uri"], row["stage"], row["reason"]) for row in rejects
                                   if row["run_id"] == run_id)
                    for run_id in {row["run_id"] for row in rejects}}
    assert len(items_by_run) == 2 and len({tuple(items) for items in items_by_run.values()}) == 1
    assert again.counters["duplicates"] == 7  # the 6 articles written before, and the copy
    assert read_table(str(output), "runs").num_rows == 2

    shutil.copy(next(seed_only.iterdir()), small_seeds / "seed.txt")
    third = run_communique("--seeds", str(small_seeds), "--output", str(output))
    after_new = {table: read_table(str(output), table).num_rows for table in CONTENT_TABLES}
    assert after_new["articles"] == before["articles"] + 1
    assert third.rows_written["articles"] == 1
    new_ids = set(read_table(str(output), "articles").column("article_id").to_pylist())
    for table in ("entities", "dates", "events"):
        added = after_new[table] - before[table]
        assert added == third.rows_written[table]
        assert set(read_table(str(output), table).column("article_id").to_pylist()) <= new_ids


@pytest.mark.parametrize("runner_args", [
    ["--direct_running_mode=multi_processing", "--direct_num_workers=2"],
])
def test_multi_processing_gives_the_same_tables(small_seeds, tmp_path, runner_args):
    in_process, multi = tmp_path / "in_process", tmp_path / "multi"
    run_communique("--seeds", str(small_seeds), "--output", str(in_process), "--run-timestamp",
                   FIXED_TIMESTAMP)
    outcome = run_communique("--seeds", str(small_seeds), "--output", str(multi), "--run-timestamp",
                             FIXED_TIMESTAMP, *runner_args)
    assert outcome.counters["items_read"] == 11
    for table in CONTENT_TABLES:
        rows_in_process = _sorted_rows(in_process, table)
        rows_multi = _sorted_rows(multi, table)
        for row in rows_in_process + rows_multi:
            row.pop("run_id", None)  # the options (and so the run id) differ by the runner flags
            row.pop("reject_id", None)  # hashes the run id
        if table == "rejects":  # were in the order of their ids
            rows_in_process, rows_multi = (sorted(rows, key=repr) for rows in (rows_in_process, rows_multi))
        assert rows_in_process == rows_multi, table
