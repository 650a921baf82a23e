"""communique: CAMEO-coded event tables from news articles and feeds, on Apache Beam.

Commands:
  communique run      read seeds/ and feeds, write Parquet tables under output/
  communique query    run SQL (DuckDB) over the tables; each table is a view by its name
  communique schema   print every table's columns with their documentation

Run on the local in-process runner (the default):
  communique run
  communique run --seeds my_articles/ --feed https://example.org/news.rss --output out/
Two worker processes:
  communique run --direct_running_mode=multi_processing --direct_num_workers=2
Any other Beam runner: pass its options, e.g.
  communique run --runner=PortableRunner --job_endpoint=embed --environment_type=LOOPBACK

Exit codes of 'run': 0 success; 3 success, but some items were rejected (see the rejects table);
1 the run failed and committed nothing; 2 bad options.
"""

from __future__ import annotations

import argparse
import logging
import sys

from pipeline.options import DEFAULT_OUTPUT, ConfigError, add_run_arguments, build_run_config
from pipeline.run import EXIT_FAILED, EXIT_OK, EXIT_OK_WITH_REJECTS, EXIT_USAGE

QUERY_FORMATS = ("table", "csv", "json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="communique", description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run the pipeline once", allow_abbrev=False,
        description="Read the seeds directory and feeds, tag entities, dates and events, and write "
        "Parquet tables. Options not listed here are passed to Beam (--runner, --direct_num_workers, "
        "--direct_running_mode, ...).",
        epilog="Exit codes: 0 success; 3 success with rejected items (see the rejects table); "
        "1 failure (nothing committed); 2 bad options.")
    add_run_arguments(run)
    query = commands.add_parser("query", help="run SQL over the output tables",
                                description="Run one SQL statement with DuckDB; every table is a view "
                                "named after it (articles, entities, dates, events, rejects, runs, ...).")
    query.add_argument("sql", help='e.g. "SELECT cameo_root, count(*) FROM events GROUP BY 1"')
    query.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                       help="The output directory of 'communique run'. Default: %(default)s.")
    query.add_argument("--format", choices=QUERY_FORMATS, default="table", help="Default: %(default)s.")
    schema = commands.add_parser("schema", help="print the tables' columns and their documentation")
    schema.add_argument("table", nargs="?", help="Only this table.")
    return parser


def _command_run(args: argparse.Namespace, beam_args: list[str]) -> int:
    from pipeline.run import run_job
    from pipeline.summary import format_summary

    try:
        config = build_run_config(args, beam_args)
    except ConfigError as error:
        print(f"communique run: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not config.quiet:
        print(f"communique run {config.run_id}: reading {config.seeds_dir or 'no seeds'}"
              f"{f' and {len(config.feed_uris)} feeds' if config.feed_uris else ''} → {config.output_dir}",
              file=sys.stderr)
    outcome = run_job(config)
    if not config.quiet:
        print(format_summary(outcome))
    return EXIT_OK_WITH_REJECTS if outcome.exit_status == "ok_with_rejects" else EXIT_OK


def _command_query(args: argparse.Namespace) -> int:
    import duckdb

    from pipeline.query import connect

    try:
        relation = connect(args.output).sql(args.sql)
    except duckdb.Error as error:
        print(f"communique query: {error}", file=sys.stderr)
        return EXIT_USAGE
    if relation is None:
        return EXIT_OK
    if args.format == "table":
        relation.show(max_width=200, max_rows=1000)
    elif args.format == "csv":
        _print_csv(relation)
    else:
        _print_json(relation)
    return EXIT_OK


def _print_csv(relation) -> None:
    import csv

    writer = csv.writer(sys.stdout)
    writer.writerow(relation.columns)
    writer.writerows(relation.fetchall())


def _print_json(relation) -> None:
    import json

    columns = relation.columns
    for values in relation.fetchall():
        print(json.dumps(dict(zip(columns, values, strict=True)), default=str, ensure_ascii=False))


def _command_schema(args: argparse.Namespace) -> int:
    from schemas import TABLES

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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command != "run" and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "run":
        try:
            return _command_run(args, extra)
        except Exception as error:  # the last line of defence: report it, exit non-zero
            logging.getLogger("communique").exception("the run failed and committed nothing: %s", error)
            return EXIT_FAILED
    if args.command == "query":
        return _command_query(args)
    return _command_schema(args)


if __name__ == "__main__":
    sys.exit(main())
