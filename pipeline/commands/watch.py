"""communique watch: an incremental run every interval, until stopped."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pipeline.commands.exitcodes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from pipeline.options import ConfigError, add_run_arguments, build_run_config
from pipeline.wording import counted

NAME = "watch"
HELP = "run an incremental batch every interval, until stopped"
DESCRIPTION = ("Poll the seeds directory and feeds every --interval seconds: each poll is an incremental "
               "'communique run' (only entries not written before are processed; feeds are fetched with "
               "their stored ETag/Last-Modified), committed atomically, and prints one summary line. "
               "SIGINT (Ctrl-C) or SIGTERM finishes the current poll and exits; a second one aborts the "
               "poll (which then commits nothing). Takes every option of 'run'.")
EPILOG = ("Examples:\n"
          "  communique watch --interval 900 --feeds feeds.txt --output /data/communique\n"
          "  communique watch --interval 60 --max-polls 10 --feed https://example.org/news.rss\n"
          "A poll that finds the output directory in use (a 'compact', a manual 'run') is skipped; a poll "
          "that fails is reported and the next one tries again.\n"
          "Exit codes: 0 stopped by a signal or after --max-polls; 1 the last poll failed, or a second "
          "signal aborted a poll; 2 bad options.")
ACCEPTS_EXTRA_ARGS = True  # Beam's own options, as for 'run'


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--interval", metavar="SECONDS", type=_positive_float, required=True,
                        help="Seconds from the start of one poll to the start of the next.")
    parser.add_argument("--max-polls", metavar="N", type=_positive_int, default=None,
                        help="Stop after N polls. Default: poll until stopped.")
    add_run_arguments(parser)


def execute(args: argparse.Namespace, beam_args: list[str]) -> int:
    from pipeline.watch import Watcher

    if args.run_timestamp is not None:
        print("communique watch: --run-timestamp cannot be used: each poll is stamped with the time it "
              "starts.", file=sys.stderr)
        return EXIT_USAGE
    try:
        build_run_config(args, beam_args)  # every option is checked before the first poll
    except ConfigError as error:
        print(f"communique watch: {error}", file=sys.stderr)
        return EXIT_USAGE

    def config_at(started_at: dt.datetime):
        poll_args = argparse.Namespace(**{**vars(args), "run_timestamp": started_at.isoformat()})
        return build_run_config(poll_args, beam_args)

    if not args.quiet:
        print(f"communique watch: a poll every {args.interval:g} s"
              + (f", {args.max_polls} at most" if args.max_polls else "")
              + f" → {args.output} (Ctrl-C or SIGTERM to stop after the current poll)", file=sys.stderr)
    watcher = Watcher(config_at, args.interval, args.max_polls)
    code = EXIT_OK if watcher.run() else EXIT_FAILED
    if not args.quiet:
        print(f"communique watch: stopped after {counted(len(watcher.polls), 'poll')}", file=sys.stderr)
    return code
