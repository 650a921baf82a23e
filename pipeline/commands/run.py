"""communique run: run the pipeline once."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.commands.exitcodes import (
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_OK_WITH_REJECTS,
    EXIT_USAGE,
)
from pipeline.commands.guard import run_output_job
from pipeline.options import ConfigError, RunConfig, add_run_arguments, build_run_config
from pipeline.streaming_options import add_streaming_arguments
from pipeline.wording import counted

NAME = "run"
HELP = "run the pipeline once"
DESCRIPTION = ("Read the seeds directory and feeds, tag entities, dates and events, and write Parquet "
               "tables. Options not listed here are passed to Beam (--runner, --direct_num_workers, "
               "--direct_running_mode, --dask_client_address, ...; --runner=DaskRunner runs on a Dask "
               "cluster, docs/operations.md).")
EPILOG = EXIT_CODES_HELP
ACCEPTS_EXTRA_ARGS = True  # Beam's own options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)
    parser.add_argument("--json", action="store_true",
                        help="Print the summary as one JSON object on standard output (the same figures "
                        "as the text summary), and nothing else there; with --quiet, only that.")
    add_streaming_arguments(parser)


def _print_json(figures: dict) -> None:
    print(json.dumps(figures, ensure_ascii=False, sort_keys=False))


def execute(args: argparse.Namespace, beam_args: list[str]) -> int:
    from pipeline.run import FailedAfterCommit, run_job
    from pipeline.summary import format_summary, summary_figures

    try:
        config = build_run_config(args, beam_args)
    except ConfigError as error:
        print(f"communique run: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.streaming or (args.interval, args.window, args.max_polls) != (None, None, None):
        return _execute_streaming(args, config)
    if not config.quiet:
        from pipeline.progress import enable_progress_logging

        enable_progress_logging()
        feeds = f" and {counted(len(config.feed_uris), 'feed')}" if config.feed_uris else ""
        seeds = "the bundled sample seeds" if config.reads_samples else config.seeds_dir or "no seeds"
        print(f"communique run {config.run_id}: reading {seeds}{feeds} → "
              f"{config.output_dir}", file=sys.stderr)

    def job():
        try:
            return run_job(config)
        except FailedAfterCommit as failure:  # not "committed nothing": it says what it committed
            return failure

    outcome = run_output_job("communique run", "the run failed and committed nothing", job)
    if isinstance(outcome, int):
        return outcome
    if isinstance(outcome, FailedAfterCommit):
        print(f"communique run: {outcome}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        _print_json(summary_figures(outcome))
    elif not config.quiet:
        print(format_summary(outcome))
    return EXIT_OK_WITH_REJECTS if outcome.exit_status == "ok_with_rejects" else EXIT_OK


def _execute_streaming(args: argparse.Namespace, run_config: RunConfig) -> int:
    """``communique run --streaming``: checks the options, runs the job, prints its summary; returns the
    exit code (3 when reject rows were written)."""
    from pipeline.streaming import StreamingConfig, run_streaming, streaming_options
    from pipeline.streaming_options import streaming_settings

    if run_config.refused_feeds:
        # A batch run records refused feed-list entries as rejects; an endless job would carry them on
        # every poll, so it does not start with any.
        refused = "; ".join(f"{entry} ({why})" for entry, why in run_config.refused_feeds)
        print(f"communique run: --streaming does not start with refused --feeds entries: {refused}. "
              "Remove them from the list, or run without --streaming to record them as rejects.",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        interval, window, max_polls = streaming_settings(args)
        config = StreamingConfig(run_config, interval_s=interval, window_s=window, max_polls=max_polls)
        options = streaming_options(config)
    except (ValueError, ConfigError) as error:
        print(f"communique run: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not run_config.quiet:
        polls = counted(max_polls, "poll") if max_polls else "until cancelled"
        print(f"communique run --streaming {run_config.run_id}: a poll every {interval:g} s ({polls}), "
              f"windows of {window:g} s → {run_config.output_dir}", file=sys.stderr)
    outcome = run_output_job("communique run", "the streaming job failed",
                             lambda: run_streaming(config, options))
    if isinstance(outcome, int):
        return outcome
    if args.json:
        _print_json(outcome.figures())
    elif not run_config.quiet:
        print(outcome.summary())
    return EXIT_OK_WITH_REJECTS if outcome.counters.get("rows_streamed_rejects") else EXIT_OK
