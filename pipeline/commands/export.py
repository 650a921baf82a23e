"""communique export: the events table as GDELT 2.0 or Phoenix event files (tab-separated, no header).

Rows are read and written a batch at a time (``--batch-rows``), so an export of any size runs in the memory
of one batch. ``--to FILE`` is written under a temporary name and renamed when complete, so a reader
never sees half a file; standard output is the default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
from typing import TextIO

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.options import DEFAULT_OUTPUT, parse_day

NAME = "export"
HELP = "write the events as GDELT 2.0 or Phoenix event files"
DESCRIPTION = ("Write the events table in the layout of GDELT 2.0's event table (61 columns) or of the "
               "Phoenix event data (26 columns): tab-separated, one event per line, no header line (as "
               "theirs), empty where communique has no value. docs/export.md maps every column.")
EPILOG = ("Examples:\n"
          "  communique export --format gdelt > events.gdelt.tsv\n"
          "  communique export --format phoenix --since 2021-10-01 --until 2021-10-31 --to october.tsv\n"
          "Exit codes: 0 success; 2 bad options, or no events table under --output (the message says "
          "where it looked).")
ACCEPTS_EXTRA_ARGS = False


class _UsageError(ValueError):
    """A request we cannot honour; the message says what to do instead."""



def _day(value: str) -> dt.date:
    try:
        return parse_day(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give a whole number of rows, at least 1")
    return number


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from pipeline.export_formats import FORMATS
    from pipeline.export_rows import DEFAULT_BATCH_ROWS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--format", choices=sorted(FORMATS), required=True,
                        help="gdelt (GDELT 2.0 event table) or phoenix (Phoenix daily event files).")
    parser.add_argument("--to", metavar="FILE", default=None,
                        help="Write to this file instead of standard output.")
    parser.add_argument("--since", metavar="DATE", type=_day, default=None,
                        help="Only events on or after this event_date (YYYY-MM-DD).")
    parser.add_argument("--until", metavar="DATE", type=_day, default=None,
                        help="Only events on or before this event_date (YYYY-MM-DD).")
    parser.add_argument("--header", action="store_true",
                        help="Start with a line of the column names (GDELT's and Phoenix's files have none).")
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--batch-rows", metavar="N", type=_positive, default=DEFAULT_BATCH_ROWS,
                        help="Rows read and written at a time (memory use). Default: %(default)s.")


def _check(args: argparse.Namespace) -> None:
    if args.since and args.until and args.since > args.until:
        raise _UsageError(f"--since {args.since} is after --until {args.until}: nothing could match.")
    if args.to:
        if os.path.isdir(args.to):
            raise _UsageError(f"--to {args.to!r} is a directory; name the file to write, e.g. "
                              f"{os.path.join(args.to, 'events.' + args.format + '.tsv')!r}.")
        directory = os.path.dirname(os.path.abspath(args.to))
        if not os.path.isdir(directory):
            raise _UsageError(f"--to {args.to!r}: directory {directory!r} does not exist; create it first.")


def _write(args: argparse.Namespace, out: TextIO) -> int:
    """Writes the export to ``out``; returns how many events it wrote."""
    from pipeline.export_formats import FORMATS, Places, lines
    from pipeline.export_rows import event_batches

    export_format = FORMATS[args.format]
    batches = event_batches(args.output, args.since, args.until, args.batch_rows)
    first = next(batches, [])  # raises NoEventsTable before anything is written
    places = Places.load()
    if args.header:
        out.write("\t".join(export_format.columns) + "\n")
    written = 0
    for batch in itertools.chain([first], batches):
        out.write(lines(batch, export_format, places))
        written += len(batch)
    return written


def _to_file(args: argparse.Namespace) -> int:
    partial = f"{args.to}.partial-{os.getpid()}"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            written = _write(args, handle)
        os.replace(partial, args.to)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return written


def _to_stdout(args: argparse.Namespace) -> int:
    # A reader that stops early (``| head``) ends the export quietly: pipeline.cli.main handles it.
    return _write(args, sys.stdout)


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    from pipeline.export_rows import NoEventsTable

    try:
        _check(args)
        written = _to_file(args) if args.to else _to_stdout(args)
    except _UsageError as error:
        print(f"communique export: {error}", file=sys.stderr)
        return EXIT_USAGE
    except NoEventsTable:
        output = args.output.rstrip("/")
        print(f"communique export: no events table under --output {args.output!r} (looked for "
              f"{output}/events/*/*.parquet); run 'communique run --output {args.output}' first, or point "
              "--output at the directory a run wrote.", file=sys.stderr)
        return EXIT_USAGE
    if args.to:
        print(f"wrote {args.to}: {written:,} events as {args.format}", file=sys.stderr)
    return EXIT_OK
