"""Options of ``communique run``: ours are parsed here, the rest go to Beam untouched.

Configuration errors are found here, before the pipeline is built, and raised as ``ConfigError``
naming the bad value and the fix.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import json
import os
from pathlib import Path

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from outputs.paths import is_local
from transforms.common.ids import stable_id
from transforms.sources.pages_stage import DEFAULT_MAX_PAGES, DEFAULT_PAGES_DEADLINE_S

DEFAULT_OUTPUT = "output"
DEFAULT_RUNNER = "FnApiRunner"
DASK_RUNNER = "pipeline.dask_runner.DaskRunner"
# What a user may write for it: Beam's short name and class path are taken to mean the completed runner.
DASK_RUNNER_NAMES = {"daskrunner", "dask", "apache_beam.runners.dask.dask_runner.daskrunner",
                     DASK_RUNNER.lower()}
_PROJECT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class ConfigError(ValueError):
    """A bad option value; the message says which and how to fix it."""


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything a run needs besides Beam's own options."""

    seeds_dir: str | None
    feed_uris: tuple[str, ...]
    output_dir: str
    started_at: dt.datetime
    run_id: str
    fetch_articles: bool = False
    feed_timeout_s: float = 20.0
    max_feed_bytes: int = 20_000_000
    rows_per_file: int = 100_000
    quiet: bool = False
    beam_args: tuple[str, ...] = ()
    refused_feeds: tuple[tuple[str, str], ...] = ()  # (entry, why) of --feeds entries not read: rejects
    max_pages: int = DEFAULT_MAX_PAGES
    pages_deadline_s: float = DEFAULT_PAGES_DEADLINE_S
    allow_private_addresses: bool = False

    @property
    def reads_samples(self) -> bool:
        """Whether this run reads the sample seeds that ship with communique (the summary says so)."""
        return is_sample_seeds(self.seeds_dir)

    def as_json(self) -> str:
        """The options that shaped this run, for the runs table (the run id is derived from it)."""
        return _options_json(self.seeds_dir, self.feed_uris, self.output_dir, self.fetch_articles,
                             self.feed_timeout_s, self.max_feed_bytes, self.beam_args, self._page_options())

    def _page_options(self) -> dict:
        return {"max_pages": self.max_pages, "pages_deadline_s": self.pages_deadline_s,
                "allow_private_addresses": self.allow_private_addresses}


def _options_json(seeds_dir, feed_uris, output_dir, fetch_articles, timeout, max_bytes, beam_args,
                  page_options: dict) -> str:
    return json.dumps({
        "seeds": seeds_dir, "feeds": list(feed_uris), "output": output_dir,
        "fetch_articles": fetch_articles, "feed_timeout_s": timeout, "max_feed_bytes": max_bytes,
        "beam_args": list(beam_args),
        # The page options shape only runs that fetch pages (and other runs keep their ids).
        **(page_options if fetch_articles else {}),
    }, sort_keys=True)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", metavar="DIR", default=None,
                        help="Directory of seed files (*.txt) and feed files (*.xml, *.rss, *.atom, *.rdf). "
                        "Default: none when --feed or --feeds is given; with no input option at all, ./seeds "
                        "if it exists, else the sample seeds that ship with communique.")
    parser.add_argument("--samples", action="store_true",
                        help="Read the sample seeds that ship with communique (also with --feed/--feeds).")
    parser.add_argument("--no-seeds", action="store_true",
                        help="Read no seeds directory, only the feeds given with --feed/--feeds.")
    parser.add_argument("--feed", metavar="URL_OR_PATH", action="append", default=[],
                        help="A feed to read: http(s)://, file:// or a path. Repeatable.")
    parser.add_argument("--feeds", metavar="FILE", default=None,
                        help="A file listing feeds: one per line (# comments), or an OPML export.")
    parser.add_argument("--output", metavar="DIR", default=DEFAULT_OUTPUT,
                        help="Where the tables are written (any Beam filesystem path). Default: %(default)s.")
    parser.add_argument("--fetch-articles", action="store_true",
                        help="Fetch each new feed entry's page and extract its full text.")
    parser.add_argument("--max-pages", metavar="N", type=int, default=DEFAULT_MAX_PAGES,
                        help="--fetch-articles: most pages fetched in one run; entries whose page is left "
                        "over are read again, with their page, next run. Default: %(default)s.")
    parser.add_argument("--pages-deadline", metavar="SECONDS", type=float, default=DEFAULT_PAGES_DEADLINE_S,
                        help="--fetch-articles: no page fetch starts this long after the run started; "
                        "what is left over is fetched next run. Default: %(default)s.")
    parser.add_argument("--allow-private-addresses", action="store_true",
                        help="--fetch-articles: let entry links (and their redirects) reach loopback, "
                        "private and link-local addresses, refused by default (for intranets and tests).")
    parser.add_argument("--feed-timeout", metavar="SECONDS", type=float, default=20.0,
                        help="Connect and read timeout for each HTTP request. Default: %(default)s.")
    parser.add_argument("--max-feed-bytes", metavar="BYTES", type=int, default=20_000_000,
                        help="Largest feed or page body accepted. Default: %(default)s.")
    parser.add_argument("--rows-per-file", metavar="N", type=int, default=100_000,
                        help="Most rows in one Parquet file. Default: %(default)s.")
    parser.add_argument("--run-timestamp", metavar="ISO8601", default=None,
                        help="Pretend the run started at this UTC time (reproducible runs and tests). "
                        "Default: now.")
    parser.add_argument("--quiet", action="store_true", help="Print no progress and no summary.")


def is_sample_seeds(seeds_dir: str | None) -> bool:
    """True when ``seeds_dir`` is the sample seeds directory that ships with communique."""
    if seeds_dir is None or not is_local(seeds_dir):
        return False
    return os.path.realpath(seeds_dir) == os.path.realpath(_PROJECT_SEEDS)


def choose_seeds_dir(args: argparse.Namespace) -> str | None:
    """The seeds directory to read. The bundled samples only when asked for: ``--samples``, or no input
    option at all (then ./seeds if it exists, else the samples). Raises ConfigError."""
    if args.samples and (args.seeds or args.no_seeds):
        raise ConfigError("--samples reads the sample seeds that ship with communique; it cannot be combined "
                          f"with {'--seeds' if args.seeds else '--no-seeds'}. Give one of them.")
    if args.samples:
        return str(_PROJECT_SEEDS)
    if args.seeds or args.no_seeds:
        return None if args.no_seeds else args.seeds
    if args.feed or args.feeds:
        return None  # the user named their input: sample articles must not join their tables
    local = Path("seeds")
    return str(local) if local.is_dir() else str(_PROJECT_SEEDS)


def known_beam_flags() -> set[str]:
    """Every option of Beam's PipelineOptions and their subclasses, as flags (``--runner``)."""
    parser = argparse.ArgumentParser(add_help=False)
    pending = list(PipelineOptions.__subclasses__())
    seen = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        try:
            cls._add_argparse_args(parser)
        except argparse.ArgumentError:
            continue  # an option two classes both declare: already known
    return {flag for action in parser._actions for flag in action.option_strings}


def _runner_name(beam_args: list[str]) -> tuple[int, str] | None:
    """(index, name) of the last --runner among ``beam_args``, in either spelling."""
    found = None
    for index, arg in enumerate(beam_args):
        if arg.startswith("--runner="):
            found = (index, arg.split("=", 1)[1])
        elif arg == "--runner" and index + 1 < len(beam_args):
            found = (index, beam_args[index + 1])
    return found


def resolve_runner(beam_args: list[str]) -> list[str]:
    """``beam_args`` with a Dask runner (``DaskRunner``, ``dask`` or Beam's own class path) replaced by
    communique's (``pipeline.dask_runner``: Beam's, completed for this pipeline). Raises ConfigError
    when Dask is asked for and not installed."""
    named = _runner_name(beam_args)
    if named is None or named[1].lower() not in DASK_RUNNER_NAMES:
        return list(beam_args)
    if importlib.util.find_spec("distributed") is None:
        raise ConfigError(f"--runner={named[1]} needs Dask's distributed scheduler, which is not installed: "
                          "pip install 'communique[dask]' (or drop --runner to run on this machine).")
    index, _ = named
    resolved = [arg for position, arg in enumerate(beam_args)
                if not (beam_args[index] == "--runner" and position == index + 1)]
    resolved[index] = f"--runner={DASK_RUNNER}"
    return resolved


def check_beam_args(beam_args: list[str]) -> None:
    if (_runner_name(beam_args) or (0, ""))[1] == DASK_RUNNER:
        import pipeline.dask_runner  # noqa: F401  (registers Beam's DaskOptions: --dask_client_address, ...)
    known = known_beam_flags()
    for arg in beam_args:
        if not arg.startswith("--"):
            continue
        flag = arg.split("=", 1)[0]
        if flag not in known:
            raise ConfigError(f"unknown option {flag!r}: it is neither a communique option nor a Beam "
                              "pipeline option. See 'communique run --help'.")


def parse_day(value: str) -> dt.date:
    """A --since/--until day (YYYY-MM-DD); ValueError saying how to write it."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a day; write it like 2024-03-31.") from None


def parse_timestamp(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.timezone.utc)
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ConfigError(f"--run-timestamp {value!r} is not an ISO 8601 time; write it like "
                          "2021-10-28T12:00:00Z.") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _check_utf8(flag: str, value: str) -> None:
    """A path that is not UTF-8 cannot be carried through Beam nor recorded in the tables."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        shown = os.fsencode(value).decode("utf-8", errors="backslashreplace")
        raise ConfigError(f"{flag} '{shown}' is not valid UTF-8; rename it (e.g. convmv -f latin1 -t utf-8) "
                          "or give it through a symlink with a UTF-8 name.") from error


def _check_positive(name: str, value: float) -> None:
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}.")


def build_run_config(args: argparse.Namespace, beam_args: list[str]) -> RunConfig:
    """Validates our options and derives the run id. Raises ConfigError."""
    from pipeline import feedlist  # the feeds issue owns the list format

    beam_args = resolve_runner(beam_args)
    check_beam_args(beam_args)
    seeds_dir = choose_seeds_dir(args)
    for flag, value in [("--seeds", seeds_dir), ("--feeds", args.feeds), *(("--feed", f) for f in args.feed)]:
        if value is not None:
            _check_utf8(flag, value)
    if seeds_dir is not None and not FileSystems.exists(seeds_dir):
        raise ConfigError(f"--seeds {seeds_dir!r} does not exist; give an existing directory or --no-seeds.")
    if seeds_dir is not None and is_local(seeds_dir) and not os.path.isdir(seeds_dir):
        raise ConfigError(f"--seeds {seeds_dir!r} is not a directory.")
    feed_uris = list(args.feed)
    refused = []
    if args.feeds:
        if not os.path.isfile(args.feeds):
            raise ConfigError(f"--feeds {args.feeds!r} is not a file; give a feed list (one URL per line) "
                              "or an OPML file.")
        try:
            listed = feedlist.read_feed_list(args.feeds)
            feed_uris.extend(listed.feeds)
            refused = [(entry.entry, entry.detail) for entry in listed.refused]
        except ValueError as error:
            raise ConfigError(f"--feeds {args.feeds!r}: {error}") from error
    feed_uris = list(dict.fromkeys(feed_uris))  # the same feed twice is read once
    for uri in feed_uris:
        if is_local(uri) and not os.path.exists(uri):
            raise ConfigError(f"--feed {uri!r} is neither a URL nor an existing file.")
    if seeds_dir is None and not feed_uris and not refused:
        raise ConfigError("nothing to read: --no-seeds was given without any --feed or --feeds.")
    _check_positive("--feed-timeout", args.feed_timeout)
    _check_positive("--max-feed-bytes", args.max_feed_bytes)
    _check_positive("--rows-per-file", args.rows_per_file)
    _check_positive("--max-pages", args.max_pages)
    _check_positive("--pages-deadline", args.pages_deadline)
    started_at = parse_timestamp(args.run_timestamp)
    page_options = {"max_pages": args.max_pages, "pages_deadline_s": args.pages_deadline,
                    "allow_private_addresses": args.allow_private_addresses}
    options = _options_json(seeds_dir, feed_uris, args.output, args.fetch_articles, args.feed_timeout,
                            args.max_feed_bytes, beam_args, page_options)
    return RunConfig(
        seeds_dir=seeds_dir,
        feed_uris=tuple(feed_uris),
        output_dir=args.output.rstrip("/") or "/",
        started_at=started_at,
        run_id=stable_id("run", options, started_at.isoformat()),
        fetch_articles=args.fetch_articles,
        feed_timeout_s=args.feed_timeout,
        max_feed_bytes=args.max_feed_bytes,
        rows_per_file=args.rows_per_file,
        quiet=args.quiet,
        beam_args=tuple(beam_args),
        refused_feeds=tuple(refused),
        max_pages=args.max_pages,
        pages_deadline_s=args.pages_deadline,
        allow_private_addresses=args.allow_private_addresses,
    )


def beam_pipeline_options(beam_args: tuple[str, ...]) -> PipelineOptions:
    """Beam's options, with the in-process runner unless the user named one.

    Without a runner, Beam 2.77's DirectRunner first tries to download the Prism runner, which fails
    with no network and slowly falls back; FnApiRunner is what it ends up using for batch anyway, and it
    honours --direct_running_mode and --direct_num_workers.
    """
    args = list(beam_args)
    if not any(arg == "--runner" or arg.startswith("--runner=") for arg in args):
        args.append(f"--runner={DEFAULT_RUNNER}")
    return PipelineOptions(args)
