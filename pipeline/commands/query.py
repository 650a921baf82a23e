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
from typing import BinaryIO, TextIO

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


# Standard output is written in pieces: one large write into a pipe whose reader has gone (``| head``)
# can end without an error, silently dropping the rest, where a later small write raises BrokenPipeError.
_CHUNK_BYTES = 1 << 16


def _write_csv(relation, stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(relation.columns)
    writer.writerows(relation.fetchall())


def _write_json(relation, stream: TextIO) -> None:
    columns = relation.columns
    for values in relation.fetchall():
        stream.write(json.dumps(dict(zip(columns, values, strict=True)), default=str, ensure_ascii=False)
                     + "\n")


def _parquet_bytes(relation) -> bytes:
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(relation.to_arrow_table(), buffer, compression=PARQUET_COMPRESSION)
    return buffer.getvalue()


def _write_result(relation, fmt: str, binary: BinaryIO) -> None:
    if fmt == "parquet":
        payload = memoryview(_parquet_bytes(relation))
        for start in range(0, len(payload), _CHUNK_BYTES):
            binary.write(payload[start:start + _CHUNK_BYTES])
        return
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
    try:
        (_write_csv if fmt == "csv" else _write_json)(relation, text)
        text.flush()
    finally:
        text.detach()  # leaves ``binary`` open: it is standard output, or the caller closes it


def _write_file(path: str, relation, fmt: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise _UsageError(f"--to {path!r}: directory {directory!r} does not exist; create it first.")
    partial = f"{path}.partial-{os.getpid()}"
    with open(partial, "wb") as handle:
        _write_result(relation, fmt, handle)
    os.replace(partial, path)


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
        if args.to:
            _write_file(args.to, relation, args.format)
        else:
            sys.stdout.flush()
            _write_result(relation, args.format, sys.stdout.buffer)
            sys.stdout.buffer.flush()
    except (duckdb.Error, _UsageError, NotReadOnly) as error:
        print(f"communique query: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
