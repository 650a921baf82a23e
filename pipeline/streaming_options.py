"""The options of ``communique run --streaming`` (kept apart from ``pipeline.streaming`` so that parsing
the command line does not import the whole pipeline)."""

from __future__ import annotations

import argparse

DEFAULT_INTERVAL_S = 300.0
STREAMING_ONLY = ("interval", "window", "max_polls")


def add_streaming_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "streaming", "A streaming job for runners with unbounded sources (Flink, Dataflow): the "
        "inputs are polled every --interval seconds and rows written per fixed window. Locally, use "
        "'communique watch', or give --max-polls. See docs/operations.md.")
    group.add_argument("--streaming", action="store_true",
                       help="Run the streaming form of the pipeline (sets Beam's --streaming too).")
    group.add_argument("--interval", metavar="SECONDS", type=float, default=None,
                       help=f"Seconds between polls of the seeds directory and feeds. Default: "
                       f"{DEFAULT_INTERVAL_S:g}.")
    group.add_argument("--window", metavar="SECONDS", type=float, default=None,
                       help="Length of the fixed windows whose rows are written together. Default: the "
                       "interval.")
    group.add_argument("--max-polls", metavar="N", type=int, default=None,
                       help="Stop after N polls (a bounded job, which the local runners can run).")


def streaming_settings(args: argparse.Namespace) -> tuple[float, float, int | None]:
    """(interval, window, max polls) from the options; raises ValueError naming a bad one."""
    given = [name for name in STREAMING_ONLY if getattr(args, name, None) is not None]
    if not args.streaming:
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise ValueError(f"{flag} is an option of --streaming; add --streaming, or use 'communique "
                             f"watch' to poll with batch runs.")
        return DEFAULT_INTERVAL_S, DEFAULT_INTERVAL_S, None
    interval = DEFAULT_INTERVAL_S if args.interval is None else args.interval
    window = interval if args.window is None else args.window
    if interval <= 0:
        raise ValueError(f"--interval must be positive, got {interval:g}.")
    if window <= 0:
        raise ValueError(f"--window must be positive, got {window:g}.")
    if args.max_polls is not None and args.max_polls < 1:
        raise ValueError(f"--max-polls must be at least 1, got {args.max_polls}.")
    return interval, window, args.max_polls
