"""DuckDB over an output directory: every table a view by its name, read from its Parquet files.

DuckDB reads only the columns and row groups a query needs and streams them, so SQL over the whole
output (``communique query``, the event_daily rebuild) does not hold the tables in memory.
"""

from __future__ import annotations

import duckdb

from outputs.tables import table_files
from schemas import TABLES


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def scan_files_sql(files: list[str], partition_by: str) -> str:
    """A DuckDB ``read_parquet`` over ``files`` of one table, its Hive partition column typed as a date
    (``__HIVE_DEFAULT_PARTITION__`` read as NULL)."""
    file_list = "[" + ", ".join(_sql_literal(path) for path in files) + "]"
    return (f"read_parquet({file_list}, hive_partitioning = true, union_by_name = true, "
            f"hive_types = {{{_sql_literal(partition_by)}: 'DATE'}})")


def connect(output_dir: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table over the Parquet files in ``output_dir``.

    A table with no files yet is an empty view with the documented columns, so queries never fail for
    lack of data.
    """
    connection = duckdb.connect()
    for name, spec in TABLES.items():
        files = table_files(output_dir, name)
        if files:
            scan = scan_files_sql(files, spec.partition_by)
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM {scan}")
        else:
            connection.register(f"_empty_{name}", spec.schema.empty_table())
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
    return connection


def run_query(output_dir: str, sql: str):
    """The result of ``sql`` as a pyarrow Table."""
    return connect(output_dir).sql(sql).to_arrow_table()
