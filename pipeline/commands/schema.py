"""communique schema: the tables' columns and their documentation, on screen or as docs/tables.md."""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from schemas import SCHEMA_VERSION, TABLES, TableSpec

NAME = "schema"
HELP = "print the tables' columns and their documentation"
DESCRIPTION = ("Print every table's columns, types and meaning (from schemas/). With --markdown, write the "
               "data dictionary docs/tables.md instead (generated: edit schemas/, then run this again).")
EPILOG = None
ACCEPTS_EXTRA_ARGS = False
MARKDOWN_PATH = os.path.join("docs", "tables.md")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", nargs="?", help="Only this table (not with --markdown).")
    parser.add_argument("--markdown", metavar="PATH", nargs="?", const=MARKDOWN_PATH, default=None,
                        help=f"Write the data dictionary as Markdown to PATH (default {MARKDOWN_PATH}; "
                        "'-' for standard output).")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table_markdown(spec: TableSpec) -> list[str]:
    partition = spec.schema.field(spec.partition_by)
    lines = [
        f"## `{spec.name}`",
        "",
        spec.doc,
        "",
        f"- Version: {spec.version}",
        f"- Partitioned by: `{spec.partition_by}` ({partition.type}); files live under "
        f"`<output>/{spec.name}/{spec.partition_by}=YYYY-MM-DD/` and the column is read back from the "
        "directory name.",
        "- Key: " + ", ".join(f"`{column}`" for column in spec.key)
        + " (re-runs never write a second row with the same key).",
        "",
        "| column | type | required | meaning |",
        "|---|---|---|---|",
    ]
    for field in spec.schema:
        required = "yes" if not field.nullable else ""
        lines.append(f"| `{field.name}` | `{field.type}` | {required} | {_cell(spec.doc_of(field.name))} |")
    lines.append("")
    return lines


def render_markdown(tables: dict[str, TableSpec] | None = None, schema_version: int = SCHEMA_VERSION) -> str:
    """The data dictionary of ``tables`` (default: every output table) as Markdown."""
    tables = TABLES if tables is None else tables
    lines = [
        "# communique tables",
        "",
        "<!-- Generated from schemas/ by `communique schema --markdown`; do not edit by hand. -->",
        "",
        f"Schema version {schema_version}. Every table is Parquet (zstd), Hive-partitioned by a date column; "
        "timestamps are `timestamp[us, tz=UTC]` and dates `date32`. `communique query` shows each table as a "
        "view by its name. A missing partition date is the directory `__HIVE_DEFAULT_PARTITION__`, read "
        "back as NULL.",
        "",
        "| table | one row per | partitioned by | key |",
        "|---|---|---|---|",
    ]
    for spec in tables.values():
        key = ", ".join(f"`{column}`" for column in spec.key)
        lines.append(f"| [`{spec.name}`](#{spec.name}) | {_cell(spec.doc)} | "
                     f"`{spec.partition_by}` | {key} |")
    lines.append("")
    for spec in tables.values():
        lines.extend(_table_markdown(spec))
    return "\n".join(lines)


def _write_markdown(path: str) -> int:
    text = render_markdown()
    if path == "-":
        sys.stdout.write(text)
        return EXIT_OK
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        print(f"communique schema: directory {directory!r} does not exist; run from the project root "
              "or give --markdown PATH.", file=sys.stderr)
        return EXIT_USAGE
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    if args.markdown is not None:
        if args.table:
            print("communique schema: --markdown writes every table; leave out the table name.",
                  file=sys.stderr)
            return EXIT_USAGE
        return _write_markdown(args.markdown)
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
