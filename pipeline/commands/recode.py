"""communique recode: code the stored articles again with the current coder and lexicons."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_OK_WITH_REJECTS, EXIT_USAGE
from pipeline.commands.guard import run_output_job
from pipeline.options import DEFAULT_OUTPUT, ConfigError, parse_day

NAME = "recode"
HELP = "code the stored articles again (after a lexicon or coder change), replacing what was derived"
DESCRIPTION = ("Run sentences → dates → entities → events again over the articles already stored in the "
               "articles table (all, or those published between --since and --until), and replace their "
               "rows of dates, entities and events (and articles.num_sentences, events_dropped) in one "
               "commit: a recode killed before its commit leaves the tables as they were. Rows of other "
               "articles are not touched; event_daily is rebuilt. Each events row and the recode's runs "
               "row record the coder version. Options not listed here are passed to Beam.")
EPILOG = ("Examples:\n"
          "  communique recode\n"
          "  communique recode --output out/ --since 2024-01-01 --until 2024-03-31\n"
          "Exit codes: 0 success; 3 success, but some articles were rejected by a stage (see the rejects "
          "table); 1 failure (nothing committed); 2 bad options; 75 another run, recode or compaction "
          "holds the output directory (nothing done; try again later).")
ACCEPTS_EXTRA_ARGS = True  # Beam's own options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--since", metavar="DATE", default=None,
                        help="Only articles published on or after this UTC day (YYYY-MM-DD, "
                        "articles.published_date).")
    parser.add_argument("--until", metavar="DATE", default=None,
                        help="Only articles published on or before this UTC day (YYYY-MM-DD).")
    parser.add_argument("--rows-per-file", metavar="N", type=int, default=100_000,
                        help="Most rows in one Parquet file. Default: %(default)s.")
    parser.add_argument("--run-timestamp", metavar="ISO8601", default=None,
                        help="Pretend the recode started at this UTC time (reproducible ids and tests). "
                        "Default: now.")
    parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")



def _day(flag: str, value: str | None) -> dt.date | None:
    try:
        return parse_day(value) if value else None
    except ValueError as error:
        raise ConfigError(f"{flag} {error}") from None


def build_recode_config(args: argparse.Namespace, beam_args: list[str]):
    """Validates the options; raises ConfigError naming the bad value."""
    from outputs.tables import table_files

    # The run's own checks of the Beam options and of --run-timestamp.
    from pipeline.options import check_beam_args, parse_timestamp, resolve_runner
    from pipeline.recode import RecodeConfig, options_json, recode_run_id

    beam_args = resolve_runner(beam_args)
    check_beam_args(beam_args)
    since, until = _day("--since", args.since), _day("--until", args.until)
    if since and until and since > until:
        raise ConfigError(f"--since {since} is after --until {until}; give the earlier day first.")
    if args.rows_per_file <= 0:
        raise ConfigError(f"--rows-per-file must be positive, got {args.rows_per_file}.")
    output_dir = args.output.rstrip("/") or "/"
    if not table_files(output_dir, "articles"):
        raise ConfigError(f"--output {output_dir!r} holds no articles table: recode codes the articles a "
                          "'communique run' stored there; give the output directory of a run.")
    started_at = parse_timestamp(args.run_timestamp)
    options = options_json(output_dir, since, until, beam_args)
    return RecodeConfig(output_dir=output_dir, since=since, until=until, started_at=started_at,
                        run_id=recode_run_id(options, started_at), rows_per_file=args.rows_per_file,
                        beam_args=tuple(beam_args))


def execute(args: argparse.Namespace, beam_args: list[str]) -> int:
    from pipeline.recode import recode

    try:
        config = build_recode_config(args, beam_args)
    except ConfigError as error:
        print(f"communique recode: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"communique recode {config.run_id}: recoding {config.describe_range()} in "
              f"{config.output_dir}", file=sys.stderr)
    outcome = run_output_job("communique recode", "the recode failed", lambda: recode(config))
    if isinstance(outcome, int):
        return outcome
    if not args.quiet:
        print(outcome.summary())
    return EXIT_OK_WITH_REJECTS if outcome.exit_status == "ok_with_rejects" else EXIT_OK
