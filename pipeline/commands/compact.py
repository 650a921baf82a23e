"""communique compact: merge the small files in each partition, atomically, without changing a row."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.commands.guard import run_output_job
from pipeline.options import DEFAULT_OUTPUT
from pipeline.wording import counted

NAME = "compact"
HELP = "merge the small files that frequent runs leave in each partition"
DESCRIPTION = ("Within each partition, merge the Parquet files smaller than --target-rows rows into files "
               "of at most that many rows, sorted by the table key. Rows are not changed, added or "
               "dropped. Each table is swapped in one commit: readers see it before or after, and an "
               "interrupted compaction is finished by the next 'compact' or 'run'. Holds the output "
               "directory's lock, like a run.")
EPILOG = ("Examples:\n"
          "  communique compact\n"
          "  communique compact --output gs://my-bucket/communique --table events\n"
          "Exit codes: 0 success; 1 failure (tables as before, or as after for the tables already "
          "compacted); 2 bad options; 75 a run holds the output directory (nothing done; try again later).")
ACCEPTS_EXTRA_ARGS = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from outputs.compact import DEFAULT_TARGET_ROWS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--table", metavar="T", action="append", default=None,
                        help="Only this table (repeatable). Default: every table.")
    parser.add_argument("--target-rows", metavar="N", type=int, default=DEFAULT_TARGET_ROWS,
                        help="Files with fewer rows are merged, into files of at most N rows. "
                        "Default: %(default)s.")
    parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")


def describe(result) -> str:
    """One line of what compacting a table (an ``outputs.compact.TableCompaction``) did."""
    if not result.partitions:
        return f"{result.table}: nothing to compact"
    merged = f"{counted(result.files_before, 'file')} in {counted(result.partitions, 'partition')}"
    return (f"{result.table}: {merged} → {counted(result.files_after, 'file')}, "
            f"{counted(result.rows, 'row')} unchanged")


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    from outputs.compact import compact
    from schemas import TABLES

    unknown = [name for name in args.table or () if name not in TABLES]
    if unknown:
        print(f"communique compact: no table {unknown[0]!r}; tables: {', '.join(TABLES)}", file=sys.stderr)
        return EXIT_USAGE
    if args.target_rows < 1:
        print(f"communique compact: --target-rows must be at least 1, got {args.target_rows}.",
              file=sys.stderr)
        return EXIT_USAGE
    results = run_output_job("communique compact", "compaction failed",
                             lambda: compact(args.output, args.table, args.target_rows))
    if isinstance(results, int):
        return results
    if not args.quiet:
        for result in results:
            print(describe(result))
    return EXIT_OK
