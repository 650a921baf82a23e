"""DuckDB over an output directory: every table a view by its name, read from its Parquet files.

DuckDB reads only the columns and row groups a query needs and streams them, so SQL over the whole
output (``communique query``, the event_daily rebuild) does not hold the tables in memory.

``read_only`` is the connection for SQL a person types (``communique query``) and for ``report``: it
reads the committed table files and nothing else, and writes nothing. DuckDB's own settings do most of
it (external access off, the table files the only paths allowed, the configuration locked); but a path
DuckDB may read it may also write (``COPY ... TO`` a table file), so statements other than queries are
refused before they run (``check_read_only``).
"""

from __future__ import annotations

import duckdb

from outputs.tables import committed_tables
from schemas import TABLES

# Statements that only read: SELECT (with WITH, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE) and EXPLAIN.
_READING_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class NotReadOnly(ValueError):
    """A statement that would write, or change the connection, given where only queries are allowed."""


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def scan_files_sql(files: list[str], partition_by: str) -> str:
    """A DuckDB ``read_parquet`` over ``files`` of one table, its Hive partition column typed as a date
    (``__HIVE_DEFAULT_PARTITION__`` read as NULL)."""
    file_list = "[" + ", ".join(_sql_literal(path) for path in files) + "]"
    return (f"read_parquet({file_list}, hive_partitioning = true, union_by_name = true, "
            f"hive_types = {{{_sql_literal(partition_by)}: 'DATE'}})")


def _create_views(connection: duckdb.DuckDBPyConnection, output_dir: str) -> list[str]:
    """A view per table over its committed files, all listed as of one instant (see
    ``committed_tables``); returns every file the views read."""
    files_by_table = committed_tables(output_dir)
    for name, spec in TABLES.items():
        files = files_by_table[name]
        connection.register(f"_empty_{name}", spec.schema.empty_table())
        if files:
            scan = scan_files_sql(files, spec.partition_by)
            present = {row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()}
            if set(spec.schema.names) <= present:
                connection.execute(f"CREATE VIEW {name} AS SELECT * FROM {scan}")
            else:
                # Files written before a column was added: the view still has every documented column,
                # null in their rows (the empty table only lends the missing columns their types).
                connection.execute(f"CREATE VIEW {name} AS SELECT * FROM {scan} "
                                   f"UNION ALL BY NAME SELECT * FROM _empty_{name}")
        else:
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
    return [path for files in files_by_table.values() for path in files]


def connect(output_dir: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table over the Parquet files in ``output_dir``.

    A table with no files yet is an empty view with the documented columns, so queries never fail for
    lack of data.
    """
    connection = duckdb.connect()
    _create_views(connection, output_dir)
    return connection


def read_only(output_dir: str) -> duckdb.DuckDBPyConnection:
    """Like ``connect``, times shown in UTC, and closed to everything but reading the table files: no
    other file, no extension, no change of settings. Give it only statements ``check_read_only``
    accepts."""
    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False})
    files = _create_views(connection, output_dir)
    connection.execute("SET TimeZone = 'UTC'")  # the tables are in UTC; show them so everywhere
    connection.execute("SET allowed_paths = ?", [files])
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")
    return connection


def check_read_only(connection: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raises ``NotReadOnly`` unless every statement in ``sql`` is a query (or its EXPLAIN)."""
    for statement in connection.extract_statements(sql):
        if statement.type not in _READING_STATEMENTS:
            words = statement.query.split()
            first = words[0].upper() if words else statement.type.name
            raise NotReadOnly(
                f"{first} is not allowed here: only queries run (SELECT, WITH, FROM, VALUES, DESCRIBE, "
                "SHOW, SUMMARIZE, EXPLAIN), so the tables cannot be changed by accident. To save a "
                "result, use --format csv, json or parquet with --to FILE.")


def run_query(output_dir: str, sql: str):
    """The result of ``sql`` as a pyarrow Table."""
    return connect(output_dir).sql(sql).to_arrow_table()
