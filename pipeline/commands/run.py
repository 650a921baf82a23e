"""communique run: run the pipeline once."""

from __future__ import annotations

import argparse
import sys

from pipeline.commands.exitcodes import (
    EXIT_CODES_HELP,
    EXIT_OK,
    EXIT_OK_WITH_REJECTS,
    EXIT_USAGE,
)
from pipeline.commands.guard import run_output_job
from pipeline.options import ConfigError, add_run_arguments, build_run_config
from pipeline.streaming_options import add_streaming_arguments

NAME = "run"
HELP = "run the pipeline once"
DESCRIPTION = ("Read the seeds directory and feeds, tag entities, dates and events, and write Parquet "
               "tables. Options not listed here are passed to Beam (--runner, --direct_num_workers, "
               "--direct_running_mode, ...).")
EPILOG = EXIT_CODES_HELP
ACCEPTS_EXTRA_ARGS = True  # Beam's own options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)
    add_streaming_arguments(parser)


def execute(args: argparse.Namespace, beam_args: list[str]) -> int:
    from pipeline.run import run_job
    from pipeline.summary import format_summary

    try:
        config = build_run_config(args, beam_args)
    except ConfigError as error:
        print(f"communique run: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.streaming or (args.interval, args.window, args.max_polls) != (None, None, None):
        from pipeline.streaming import execute_streaming

        return execute_streaming(args, config)
    if not config.quiet:
        from pipeline.progress import enable_progress_logging

        enable_progress_logging()
        feeds = f" and {len(config.feed_uris)} feeds" if config.feed_uris else ""
        print(f"communique run {config.run_id}: reading {config.seeds_dir or 'no seeds'}{feeds} → "
              f"{config.output_dir}", file=sys.stderr)
    outcome = run_output_job("communique run", "the run failed and committed nothing",
                             lambda: run_job(config))
    if isinstance(outcome, int):
        return outcome
    if not config.quiet:
        print(format_summary(outcome))
    return EXIT_OK_WITH_REJECTS if outcome.exit_status == "ok_with_rejects" else EXIT_OK
