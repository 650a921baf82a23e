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
On a Dask cluster (pip install 'communique[dask]'; without an address, a local one):
  communique run --runner=DaskRunner --dask_client_address=tcp://scheduler:8786
Any other Beam runner: pass its options, e.g.
  communique run --runner=PortableRunner --job_endpoint=embed --environment_type=LOOPBACK

Options for every command (before or after its name):
  --config PATH      read options from this TOML file (default: ./communique.toml, when there is one)
  --log-level LEVEL  debug, info, warning (default) or error: the log messages shown on standard error
  --version          print communique's version and exit

The configuration file sets any option of any command: the long option without its dashes, in a table
named after the command; options at the top apply to every command that takes them. Flags on the
command line win over the file (a list given on the command line replaces the file's). For example:
  log-level = "info"
  output = "/data/communique"     # every command that takes --output
  [run]
  feeds = "feeds.txt"
  fetch-articles = true
  [run.beam]                      # Beam's options, as Beam spells them
  direct_num_workers = 2
A key or value the command line would refuse is refused at once (exit 2), naming the file and the key.

Exit codes of 'run': 0 success; 3 success, but this run rejected items or a feed failed (see the rejects
table); 1 the run failed (nothing committed, unless the message says what was); 2 bad options; 75 another
run or compaction holds the output directory (nothing was done; try again later). A command whose
standard output is closed early (piped into 'head') stops writing quietly; its exit code is as if the
reader had read everything (0 for query, schema and export), so 'set -o pipefail' scripts that preview
with 'head' do not fail. See docs/operations.md for schedules and clusters.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from pipeline import __version__
from pipeline.commands.logs import LOG_LEVELS, configure_logging, set_log_level

configure_logging()  # before the commands below import Beam

from pipeline.commands import (  # noqa: E402
    compact,
    config_file,
    export,
    query,
    recode,
    report,
    run,
    schema,
    watch,
)
from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE  # noqa: E402

COMMANDS = [run, query, schema, report, compact, watch, export, recode]


def _add_shared_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", default=None,
                        help=f"Read options from this TOML file. Default: ./{config_file.DEFAULT_CONFIG}, "
                        "when there is one (see 'communique --help').")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="warning",
                        help="The log messages shown on standard error. Default: warning.")


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    summary, details = __doc__.split("\n\n", 1)
    parser = argparse.ArgumentParser(prog="communique", description=summary, epilog=details,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"communique {__version__}")
    _add_shared_options(parser)
    # The same options after a command's name, without defaults: a command's default would overwrite the
    # value given before its name.
    shared = argparse.ArgumentParser(add_help=False)
    _add_shared_options(shared)
    for action in shared._actions:
        action.default = argparse.SUPPRESS
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers = {}
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP, description=command.DESCRIPTION,
                                  epilog=command.EPILOG, allow_abbrev=False, parents=[shared])
        command.add_arguments(sub)
        subparsers[command.NAME] = sub
    return parser, subparsers


def _parser() -> argparse.ArgumentParser:
    """The command line's parser, without a configuration file (the tests and bench/ parse with it)."""
    return _parsers()[0]


def _config_path(argv: list[str] | None) -> str | None:
    """--config, wherever it is on the command line (the file's values must be in place before parsing)."""
    finder = argparse.ArgumentParser(prog="communique", add_help=False, allow_abbrev=False)
    finder.add_argument("--config", default=None)
    given, _ = finder.parse_known_args(argv)
    return config_file.config_path(given.config)


def _load_settings(argv, parser, subparsers) -> config_file.Settings | None:
    from pipeline.options import known_beam_flags

    path = _config_path(argv)
    if path is None:
        return None
    beam_commands = {command.NAME for command in COMMANDS if command.ACCEPTS_EXTRA_ARGS}
    settings = config_file.load(path, subparsers, parser, beam_commands, known_beam_flags())
    for name, sub in subparsers.items():
        config_file.apply(sub, settings.commands[name])
    if settings.log_level:
        parser.set_defaults(log_level=settings.log_level)
    return settings


def _main(argv: list[str] | None) -> int:
    parser, subparsers = _parsers()
    try:
        settings = _load_settings(argv, parser, subparsers)
    except config_file.ConfigFileError as error:
        print(f"communique: {error}", file=sys.stderr)
        return EXIT_USAGE
    args, extra = parser.parse_known_args(argv)
    set_log_level(args.log_level)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    command = next(command for command in COMMANDS if args.command == command.NAME)
    if extra and not command.ACCEPTS_EXTRA_ARGS:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from_file = settings.commands[command.NAME] if settings else None
    if from_file is not None:
        config_file.given_lists_win(args, from_file)
        extra = config_file.merged_beam_args(from_file, extra)
    code = command.execute(args, extra)
    if code == EXIT_USAGE and from_file is not None:
        note = config_file.source_note(from_file, args, settings.path)
        if note:
            print(f"communique: {note}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code. A reader that closes standard output early (``| head``)
    ends the command quietly with EXIT_OK, as Python's documentation on SIGPIPE recommends (its example
    exits 1; a reader that stops early is not a failure here, and under ``set -o pipefail`` the reader's
    own failure still shows)."""
    try:
        try:
            return _main(argv)
        finally:  # also after --help's SystemExit: a broken pipe shows here rather than at exit
            sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes standard output again at exit: point it at /dev/null so that flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        logging.getLogger("communique").debug("standard output was closed before all was written")
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
