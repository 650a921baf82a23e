"""DuckDB over the output: every table is a view by its name."""

from __future__ import annotations

import duckdb

from transforms.tablesql import connect_tables


def connect(output_dir: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of ``output_dir`` (empty tables included)."""
    return connect_tables(output_dir)


def run_query(output_dir: str, sql: str):
    """The result of ``sql`` as a pyarrow Table."""
    return connect(output_dir).sql(sql).to_arrow_table()
