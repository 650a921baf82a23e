"""communique report: a self-contained HTML page of charts and tables over the output."""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.options import DEFAULT_OUTPUT
from pipeline.wording import counted

NAME = "report"
HELP = "write an HTML report of the output tables"
DESCRIPTION = ("Write one HTML page with charts of events over time by quad class (events dated far "
               "from the rest listed, not drawn), the most active dyads, events by CAMEO root, a map of "
               "located events over coastlines and borders, and the run history per day (articles, "
               "rejects, feed failures). The page needs no network to open: plotly.js and the outlines "
               "are inside it.")
EPILOG = ("Example:\n  communique report --output output/ --html report.html && xdg-open report.html\n"
          "Exit codes: 0 success; 2 bad options.")
ACCEPTS_EXTRA_ARGS = False
DEFAULT_HTML = "report.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="The output directory of 'communique run'. Default: %(default)s.")
    parser.add_argument("--html", metavar="PATH", default=DEFAULT_HTML,
                        help="Where to write the page. Default: %(default)s.")
    parser.add_argument("--top-dyads", metavar="N", type=int, default=None,
                        help="How many dyads to chart. Default: 15.")


def execute(args: argparse.Namespace, extra_args: list[str]) -> int:
    from apache_beam.io.filesystems import FileSystems

    from pipeline import report_data, report_html

    if not FileSystems.exists(args.output):
        print(f"communique report: --output {args.output!r} does not exist; run 'communique run --output "
              f"{args.output}' first, or point --output at its output directory.", file=sys.stderr)
        return EXIT_USAGE
    directory = os.path.dirname(os.path.abspath(args.html))
    if not os.path.isdir(directory):
        print(f"communique report: directory {directory!r} for --html does not exist; create it first.",
              file=sys.stderr)
        return EXIT_USAGE
    if args.top_dyads is not None and args.top_dyads < 1:
        print(f"communique report: --top-dyads must be at least 1, got {args.top_dyads}.", file=sys.stderr)
        return EXIT_USAGE
    options = {} if args.top_dyads is None else {"top_dyads": args.top_dyads}
    data = report_data.load(args.output, **options)
    page = report_html.render(data, source=args.output)
    partial = f"{args.html}.partial-{os.getpid()}"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(page)
    os.replace(partial, args.html)
    totals = data["totals"]
    print(f"wrote {args.html}: {counted(totals['events'], 'event')} from "
          f"{counted(totals['articles'], 'article')}, {counted(totals['runs'], 'run')}", file=sys.stderr)
    return EXIT_OK
