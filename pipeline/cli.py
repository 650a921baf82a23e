"""communique: CAMEO-coded event tables from news articles and feeds, on Apache Beam.

Commands:
  communique run      read seeds/ and feeds, write Parquet tables under output/
  communique query    run SQL (DuckDB) over the tables; each table is a view by its name
  communique schema   print every table's columns with their documentation
  communique report   write an HTML page of charts over the tables
  communique compact  merge the small files that frequent runs leave, without changing a row
  communique watch    run an incremental batch every --interval seconds until stopped
  communique export   write the events as GDELT 2.0 or Phoenix event files
  communique recode   code the stored articles again after a lexicon or coder change

Run on the local in-process runner (the default):
  communique run
  communique run --seeds my_articles/ --feed https://example.org/news.rss --output out/
Two worker processes:
  communique run --direct_running_mode=multi_processing --direct_num_workers=2
Any other Beam runner: pass its options, e.g.
  communique run --runner=PortableRunner --job_endpoint=embed --environment_type=LOOPBACK

Exit codes of 'run': 0 success; 3 success, but this run rejected items or a feed failed (see the rejects
table); 1 the run failed (nothing committed, unless the message says what was); 2 bad options; 75 another
run or compaction holds the output
directory (nothing was done; try again later). See docs/operations.md for schedules and clusters.
"""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.logs import configure_logging

configure_logging()  # before the commands below import Beam

from pipeline.commands import compact, export, query, recode, report, run, schema, watch  # noqa: E402
from pipeline.commands.exitcodes import EXIT_USAGE  # noqa: E402

COMMANDS = [run, query, schema, report, compact, watch, export, recode]


def _parser() -> argparse.ArgumentParser:
    summary, details = __doc__.split("\n\n", 1)
    parser = argparse.ArgumentParser(prog="communique", description=summary, epilog=details,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP, description=command.DESCRIPTION,
                                  epilog=command.EPILOG, allow_abbrev=False)
        command.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    command = next(command for command in COMMANDS if args.command == command.NAME)
    if extra and not command.ACCEPTS_EXTRA_ARGS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return command.execute(args, extra)


if __name__ == "__main__":
    sys.exit(main())
