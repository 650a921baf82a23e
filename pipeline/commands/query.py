"""communique query: SQL over the output tables.

Formats: ``table`` (a box for people), ``csv`` (header row, then rows), ``json`` (JSON Lines: one object
per row) and ``parquet`` (the result with its column types, zstd-compressed). Any of the file formats goes
to ``--to PATH`` when given (written to a temporary name, then renamed, so a reader never sees half a
file), else to standard output; Parquet is binary, so it goes to standard output only when that is a file
or a pipe, never a terminal.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.options import DEFAULT_OUTPUT

NAME = "query"
HELP = "run SQL over the output tables"
DESCRIPTION = ("Run one SQL statement with DuckDB; every table is a view named after it (articles, "
               "entities, dates, events, rejects, feed_fetches, runs, ...). Timestamps are shown in UTC.")
EPILOG = ("Examples:\n"
          '  communique query "SELECT cameo_root, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC"\n'
          '  communique query "SELECT * FROM events" --format csv --to events.csv\n'
          '  communique query "SELECT * FROM events" --format parquet --to events.parquet\n'
          '  communique query "SELECT * FROM articles" --format parquet > articles.parquet\n'
          "Only queries run (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN): nothing can "
          "be written and no file but the tables read.\n"
          "Exit codes: 0 success; 2 bad SQL, a statement that is not a query, no tables under --output, or "
          "bad options (the message says why).")
ACCEPTS_EXTRA_ARGS = False
FORMATS = ("table", "csv", "json", "parquet")
PARQUET_COMPRESSION = "zstd"


class _UsageError(ValueError):
    """A request we cannot honour; the message says what to do instead."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("sql", help='e.g. "SELECT cameo_root, count(*) FROM events GROUP BY 1"')
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (for people), csv, json (JSON Lines) or parquet. Default: %(default)s.")
    parser.add_argument("--to", metavar="PATH", default=None,
                        help="Write the result to this file instead of standard output (csv, json, parquet).")


def _csv_text(relation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(relation.columns)
    writer.writerows(relation.fetchall())
    return buffer.getvalue()


def _json_text(relation) -> str:
    columns = relation.columns
    return "".join(json.dumps(dict(zip(columns, values, strict=True)), default=str, ensure_ascii=False) + "\n"
                   for values in relation.fetchall())


def _parquet_bytes(relation) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(relation.to_arrow_table(), buffer, compression=PARQUET_COMPRESSION)
    return buffer.getvalue()


def _write_file(path: str, payload: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise _UsageError(f"--to {path!r}: directory {directory!r} does not exist; create it first.")
    partial = f"{path}.partial-{os.getpid()}"
    with open(partial, "wb") as handle:
        handle.write(payload)
    os.replace(partial, path)


def _render(relation, fmt: str) -> bytes:
    if fmt == "csv":
        return _csv_text(relation).encode("utf-8")
    if fmt == "json":
        return _json_text(relation).encode("utf-8")
    return _parquet_bytes(relation)


def _check_destination(args: argparse.Namespace) -> None:
    if args.format == "table" and args.to:
        raise _UsageError("--format table is for reading on screen; with --to choose --format csv, json "
                          "or parquet.")
    if args.format == "parquet" and not args.to and sys.stdout.isatty():
        raise _UsageError("--format parquet is binary: give --to FILE.parquet or redirect standard "
                          "output to a file or pipe.")


def _check_tables_exist(output: str) -> None:
    from outputs.tables import committed_tables

    if not any(committed_tables(output).values()):
        raise _UsageError(
            f"no tables under --output {output!r} (looked for {output.rstrip('/')}/<table>/*/*.parquet); "
            f"run 'communique run --output {output}' first, or point --output at the directory a run "
            "wrote.")


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    import duckdb

    from outputs.sql import NotReadOnly, check_read_only, read_only

    try:
        _check_destination(args)
        _check_tables_exist(args.output)
        connection = read_only(args.output)
        check_read_only(connection, args.sql)
        relation = connection.sql(args.sql)
        if args.format == "table":
            relation.show(max_width=200, max_rows=1000)
            return EXIT_OK
        payload = _render(relation, args.format)
        if args.to:
            _write_file(args.to, payload)
        elif args.format == "parquet":
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(payload.decode("utf-8"))
    except (duckdb.Error, _UsageError, NotReadOnly) as error:
        print(f"communique query: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
