"""communique query: SQL over the output tables."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.options import DEFAULT_OUTPUT

NAME = "query"
HELP = "run SQL over the output tables"
DESCRIPTION = ("Run one SQL statement with DuckDB; every table is a view named after it (articles, "
               "entities, dates, events, rejects, feed_fetches, runs, ...).")
EPILOG = None
ACCEPTS_EXTRA_ARGS = False
FORMATS = ("table", "csv", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sql", help='e.g. "SELECT cameo_root, count(*) FROM events GROUP BY 1"')
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--format", choices=FORMATS, default="table", help="Default: %(default)s.")


def _print_csv(relation) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(relation.columns)
    writer.writerows(relation.fetchall())


def _print_json(relation) -> None:
    columns = relation.columns
    for values in relation.fetchall():
        print(json.dumps(dict(zip(columns, values, strict=True)), default=str, ensure_ascii=False))


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    import duckdb

    from pipeline.query import connect

    try:
        relation = connect(args.output).sql(args.sql)
    except duckdb.Error as error:
        print(f"communique query: {error}", file=sys.stderr)
        return EXIT_USAGE
    if relation is None:  # a statement with no result (SET, CREATE ...)
        return EXIT_OK
    if args.format == "table":
        relation.show(max_width=200, max_rows=1000)
    elif args.format == "csv":
        _print_csv(relation)
    else:
        _print_json(relation)
    return EXIT_OK
