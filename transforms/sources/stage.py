"""Stage 'sources': seed files and feeds become raw items (dicts, see ``transforms.common.document``)."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from outputs.paths import is_local
from transforms.common.beam import counter
from transforms.common.rejects import REJECTS, make_reject
from transforms.sources import localfiles
from transforms.sources.feeds_stage import FEED_FETCHES, FEED_ITEMS, ReadFeeds
from transforms.sources.pages_stage import PageBudget
from transforms.sources.seeds import SeedError, parse_seed

SEED_SUFFIXES = (".txt", ".text")
FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
# Files a seeds directory may hold that are not input (documentation, editor and OS droppings).
SEED_ITEMS = "seed_items"
IGNORED_NAMES = ("readme", "license", ".")
MAX_SEED_BYTES = 10_000_000


def classify_seed_path(relative_path: str) -> str:
    """'seed', 'feed', 'ignored' or 'unsupported' for a file found under the seeds directory."""
    name = posixpath.basename(relative_path).lower()
    if name.startswith(IGNORED_NAMES) or name.endswith(".md"):
        return "ignored"
    if name.endswith(SEED_SUFFIXES):
        return "seed"
    if name.endswith(FEED_SUFFIXES):
        return "feed"
    return "unsupported"


def _listed_files(root: str) -> tuple[list[tuple[str, str]], list[localfiles.Unusable]]:
    if is_local(root):
        return localfiles.walk_files(root)
    matched = FileSystems.match([FileSystems.join(root, "**")])[0].metadata_list
    return [(metadata.path, metadata.path[len(root):].lstrip("/\\").replace("\\", "/"))
            for metadata in matched], []


def list_seed_dir(seeds_dir: str) -> dict[str, list[tuple[str, ...]]]:
    """The files under ``seeds_dir`` by kind, as sorted (path, path relative to seeds_dir) pairs, and
    under 'unusable' the (relative path, reason, detail) of entries that cannot be read (FIFOs, broken
    symlinks, unreadable directories, names that are not UTF-8: see transforms.sources.localfiles).

    Listing happens at pipeline build time so that the set of inputs is fixed and ordered before the
    run starts; any Beam filesystem works (local, gs://, s3://).
    """
    root = seeds_dir.rstrip("/") or "/"
    files, unusable = _listed_files(root)
    by_kind: dict[str, list[tuple[str, ...]]] = {"seed": [], "feed": [], "unsupported": [], "ignored": [],
                                                 "unusable": []}
    for path, relative in files:
        by_kind[classify_seed_path(relative)].append((path, relative))
    for entry in unusable:
        # Editors' lock files are dangling symlinks (.#name): what is ignored by name stays ignored.
        kind = "ignored" if classify_seed_path(entry.relative) == "ignored" else "unusable"
        by_kind[kind].append((entry.relative, entry.reason, entry.detail))
    return {kind: sorted(paths) for kind, paths in by_kind.items()}


def _read_seed_bytes(path: str) -> bytes:
    if is_local(path):
        return localfiles.read_regular_file(path, MAX_SEED_BYTES + 1)
    with FileSystems.open(path) as handle:
        return handle.read(MAX_SEED_BYTES + 1)


class ReadSeedFileFn(beam.DoFn):
    """(path, relative path) -> a raw item, or a reject row when the file is unusable. Shared by the
    batch sources and the streaming pipeline (transforms/sources/streaming.py)."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._items_read = counter("items_read")
        self._seed_files = counter("seed_files_read")
        self._rejected = counter("items_rejected")

    def _reject(self, relative: str, reason: str, detail: str, excerpt: bytes | None):
        self._rejected.inc()
        return beam.pvalue.TaggedOutput(REJECTS, make_reject(
            run_id=self._run_id, source_uri=relative, stage="sources", reason=reason, detail=detail,
            raw_excerpt=excerpt, rejected_at=self._run_started_at))

    def process(self, path_pair: tuple[str, str]) -> Iterator:
        path, relative = path_pair
        self._items_read.inc()
        self._seed_files.inc()
        try:
            data = _read_seed_bytes(path)
        except localfiles.NotRegularFile as error:
            yield self._reject(relative, localfiles.NOT_A_REGULAR_FILE,
                               f"Not read: {error.strerror}. Move it out of the seeds directory.", None)
            return
        except OSError as error:
            yield self._reject(relative, "unreadable_file",
                               f"Could not read the seed file: {error}. Check its permissions.", None)
            return
        if len(data) > MAX_SEED_BYTES:
            yield self._reject(relative, "unreadable_file",
                               f"The seed file is larger than {MAX_SEED_BYTES} bytes; split it into "
                               "one file per article.", data[:500])
            return
        try:
            parsed = parse_seed(data)
        except SeedError as error:
            yield self._reject(relative, error.reason, error.detail, data[:500])
            return
        yield {
            "source_kind": "seed",
            "source_uri": relative,
            "feed_uri": None,
            "title": parsed["title"],
            "text": parsed["text"],
            "published_at": None,
            "published_raw": parsed["published_raw"],
            "date_source": parsed["date_source"],
            "language": None,
            "guid": None,
            "text_source": "body",
            "article_key": None,
        }


class RejectUnsupportedFn(beam.DoFn):
    """(path, relative path) of a file in the seeds directory that is neither a seed nor a feed -> a
    rejects row saying which file types are read."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._items_read = counter("items_read")
        self._rejected = counter("items_rejected")

    def process(self, path_pair: tuple[str, str]) -> Iterator[dict]:
        _, relative = path_pair
        self._items_read.inc()
        self._rejected.inc()
        yield make_reject(
            run_id=self._run_id, source_uri=relative, stage="sources", reason="unsupported_file",
            detail=f"Files in the seeds directory must end in {', '.join(SEED_SUFFIXES + FEED_SUFFIXES)}; "
            "rename it or move it out of the seeds directory.",
            raw_excerpt=None, rejected_at=self._run_started_at)


class RejectListedFn(beam.DoFn):
    """(source, reason, detail) of an input refused before reading (an entry of the seeds directory
    that cannot be read, see ``list_seed_dir``; a feed-list entry that may not be read) -> a rejects
    row, counted under ``counter_name`` too."""

    def __init__(self, run_id: str, run_started_at: dt.datetime, counter_name: str):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._items_read = counter("items_read")
        self._rejected = counter("items_rejected")
        self._refused = counter(counter_name)

    def process(self, entry: tuple[str, str, str]) -> Iterator[dict]:
        source, reason, detail = entry
        self._items_read.inc()
        self._rejected.inc()
        self._refused.inc()
        yield make_reject(run_id=self._run_id, source_uri=source, stage="sources", reason=reason,
                          detail=detail, raw_excerpt=None, rejected_at=self._run_started_at)


class ReadSources(beam.PTransform):
    """Reads the seeds directory (text seed files and feed files) and the configured feeds.

    Returns a dict of PCollections: 'seed_items' (raw item dicts of the seed files), 'items' (raw item
    dicts of the feeds), 'rejects' (rejects rows) and 'feed_fetches' (feed_fetches rows). The two kinds
    of item stay apart: a Flatten of them would be held in memory by Beam's in-process runner.
    ``known_article_ids`` (a reader of the written article ids from the pipeline's root, e.g.
    ``WrittenKeys``) spares ``--fetch-articles`` the pages of articles already written.
    ``refused_feeds``: (entry, why) of feed-list entries not read, each a reject.
    """

    def __init__(self, *, seeds_dir: str | None, feed_uris: list[str], run_id: str,
                 run_started_at: dt.datetime, feed_state: dict | None = None,
                 fetch_articles: bool = False, timeout_s: float = 20.0, max_bytes: int = 20_000_000,
                 known_article_ids: beam.PTransform | None = None,
                 refused_feeds: Iterable[tuple[str, str]] = (), page_budget: PageBudget | None = None):
        super().__init__()
        self._refused_feeds = [(entry, "feed_refused", detail) for entry, detail in refused_feeds]
        self._listing = list_seed_dir(seeds_dir) if seeds_dir else {"seed": [], "feed": [],
                                                                      "unsupported": [], "unusable": []}
        self._feed_uris = [path for path, _ in self._listing["feed"]] + list(feed_uris)
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._feed_options = {"feed_state": feed_state, "fetch_articles": fetch_articles,
                              "timeout_s": timeout_s, "max_bytes": max_bytes,
                              "known_ids": known_article_ids, "page_budget": page_budget}

    def expand(self, pbegin):
        seed_read = (
            pbegin
            | "ListSeedFiles" >> beam.Create(self._listing["seed"], reshuffle=False)
            | "SpreadSeedFiles" >> beam.Reshuffle()
            | "ReadSeedFiles" >> beam.ParDo(ReadSeedFileFn(self._run_id, self._run_started_at))
            .with_outputs(REJECTS, main=FEED_ITEMS)
        )
        unsupported = (
            pbegin
            | "ListUnsupportedFiles" >> beam.Create(self._listing["unsupported"], reshuffle=False)
            | "RejectUnsupportedFiles" >> beam.ParDo(
                RejectUnsupportedFn(self._run_id, self._run_started_at))
        )
        unusable = (
            pbegin
            | "ListUnusableEntries" >> beam.Create(self._listing["unusable"], reshuffle=False)
            | "RejectUnusableEntries" >> beam.ParDo(
                RejectListedFn(self._run_id, self._run_started_at, "inputs_unusable"))
        )
        refused = (
            pbegin
            | "ListRefusedFeeds" >> beam.Create(self._refused_feeds, reshuffle=False)
            | "RejectRefusedFeeds" >> beam.ParDo(
                RejectListedFn(self._run_id, self._run_started_at, "feeds_refused"))
        )
        feeds = pbegin | "ReadFeeds" >> ReadFeeds(
            self._feed_uris, self._run_id, self._run_started_at, **self._feed_options)
        return {
            SEED_ITEMS: seed_read[FEED_ITEMS],
            FEED_ITEMS: feeds[FEED_ITEMS],
            REJECTS: (seed_read[REJECTS], unsupported, unusable, refused, feeds[REJECTS])
            | "AllSourceRejects" >> beam.Flatten(),
            FEED_FETCHES: feeds[FEED_FETCHES],
        }
