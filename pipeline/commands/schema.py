"""communique schema: the tables' columns and their documentation."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from schemas import TABLES

NAME = "schema"
HELP = "print the tables' columns and their documentation"
DESCRIPTION = "Print every table's columns, types and meaning (from schemas/)."
EPILOG = None
ACCEPTS_EXTRA_ARGS = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", nargs="?", help="Only this table.")


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    names = [args.table] if args.table else list(TABLES)
    for name in names:
        if name not in TABLES:
            print(f"communique schema: no table {name!r}; tables: {', '.join(TABLES)}", file=sys.stderr)
            return EXIT_USAGE
        spec = TABLES[name]
        print(f"{name} (version {spec.version}, partitioned by {spec.partition_by})")
        print(f"  {spec.doc}")
        for field in spec.schema:
            print(f"  {field.name:<22} {field.type!s:<24} {spec.doc_of(field.name)}")
        print()
    return EXIT_OK
