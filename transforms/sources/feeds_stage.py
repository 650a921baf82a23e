"""Stage 'sources/feeds': RSS and Atom feeds (over HTTP or from files) become raw items.

One element per configured feed: it is fetched (a conditional GET for http(s), a bounded read for a
file), parsed (``transforms.sources.feeds.parse_feed``) and turned into raw items, reject rows and exactly one
``feed_fetches`` row. With ``fetch_articles`` the entries' linked pages are then fetched, a few at a time
per host, only where robots.txt allows, only from public addresses and within the run's page budget
(``transforms.sources.pages_stage``), and their main text replaces the summary.

Accounting (counter ``items_read``): every entry read is one item or one reject; a feed that yields
nothing because it failed is one reject; entries beyond the per-feed cap are one reject together. A feed
answering 304 Not Modified, or a valid feed with no entries, reads nothing and loses nothing.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import time
import urllib.parse
from collections.abc import Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from outputs.paths import is_local
from transforms.common.beam import counter
from transforms.common.rejects import REJECTS, make_reject
from transforms.sources import fetch, localfiles
from transforms.sources.feeds import MAX_ENTRIES, ParsedFeed, parse_feed
from transforms.sources.pages_stage import (
    DEFERRED,
    ITEMS,
    FetchArticlePages,
    PageBudget,
    with_deferred_counts,
)
from transforms.sources.urls import host_of, is_web_url

FEED_ITEMS = "items"
FEED_FETCHES = "feed_fetches"
STAGE = "sources"
FEEDS_PER_BATCH = 8  # feeds fetched concurrently by one worker
FEEDS_PER_HOST = 2  # of which at most this many from one host

# feed_fetches.error_code values besides the fetch codes of transforms.sources.fetch.
NOT_FOUND = "not_found"
UNREADABLE = "unreadable"
UNPARSEABLE = "unparseable"
MALFORMED = "malformed"
TOO_MANY_ENTRIES = "too_many_entries"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _local_path(feed_uri: str) -> str:
    if feed_uri.lower().startswith("file://"):
        return urllib.parse.unquote(urllib.parse.urlsplit(feed_uri).path)
    return feed_uri


def _read_feed_bytes(path: str, limit: int) -> bytes:
    if is_local(path):
        return localfiles.read_regular_file(path, limit)  # a FIFO must not hang the run
    with FileSystems.open(path, compression_type="uncompressed") as handle:
        return handle.read(limit)


def read_feed_file(feed_uri: str, max_bytes: int) -> fetch.FetchResult:
    """A feed file (a path, a file:// URI or any Beam filesystem path) read within ``max_bytes``."""
    path = _local_path(feed_uri)
    result = fetch.FetchResult(url=feed_uri, final_url=feed_uri, attempts=1)
    started = time.monotonic()
    try:
        data = _read_feed_bytes(path, max_bytes + 1)
    except FileNotFoundError as error:
        result.error_code, result.error_message = NOT_FOUND, f"No such feed file: {error}."
    except OSError as error:
        result.error_code, result.error_message = UNREADABLE, f"Could not read the feed file: {error}."
    else:
        if len(data) > max_bytes:
            result.error_code = fetch.TOO_LARGE
            result.error_message = (f"The feed file is larger than {max_bytes} bytes; raise --max-feed-bytes "
                                    "if it is genuine.")
        else:
            result.body = data
    result.elapsed_ms = round((time.monotonic() - started) * 1000)
    return result


def feed_fetch_row(run_id: str, feed_uri: str, fetched: fetch.FetchResult, fetched_at: dt.datetime,
                   parsed: ParsedFeed | None, error_code: str | None, error_message: str | None) -> dict:
    """The feed_fetches row of one feed as known at fetch time (the spine adds entries_new/duplicates)."""
    rejects = (len(parsed.entry_problems) + parsed.entries_skipped) if parsed else 0
    # A permanent redirect counts as a move only once the new address gave a feed: a 301 to a parking
    # page or a login form must not replace the feed's address for good.
    moved_to = fetched.moved_to if parsed is not None and not parsed.unreadable else None
    return {
        "run_id": run_id,
        "feed_uri": feed_uri,
        "final_uri": fetched.final_url,
        "moved_to": moved_to,
        "http_status": fetched.status,
        "bytes": len(fetched.body) if fetched.body is not None else None,
        "entries_seen": parsed.entries_seen if parsed else 0,
        "entries_new": 0,
        "duplicates": 0,
        "rejects": rejects,
        "entries_deferred": 0,
        "not_modified": fetched.not_modified,
        "error_code": error_code,
        "error_message": error_message,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "fetched_at": fetched_at,
        "elapsed_ms": fetched.elapsed_ms,
        "fetched_date": fetched_at.date(),
    }


class ReadFeedFn(beam.DoFn):
    """A batch of feed uris -> raw items, REJECTS rows and one FEED_FETCHES row per feed."""

    def __init__(self, run_id: str, run_started_at: dt.datetime, feed_state: dict, limits: fetch.FetchLimits,
                 max_entries: int):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._feed_state = feed_state
        self._limits = limits
        self._max_entries = max_entries
        self._pool = None
        self._items_read = counter("items_read")
        self._rejected = counter("items_rejected")
        self._feeds_read = counter("feeds_read")
        self._feeds_failed = counter("feeds_failed")
        self._feeds_not_modified = counter("feeds_not_modified")
        self._feeds_malformed = counter("feeds_malformed")
        self._entries_read = counter("feed_entries_read")
        self._entries_rejected = counter("feed_entries_rejected")

    def setup(self) -> None:
        self._pool = fetch.make_pool(header_deadline_s=self._limits.attempt_deadline_s)

    def teardown(self) -> None:
        if self._pool is not None:
            self._pool.clear()

    def _reject(self, source_uri: str, reason: str, detail: str, excerpt) -> beam.pvalue.TaggedOutput:
        self._items_read.inc()
        self._rejected.inc()
        return beam.pvalue.TaggedOutput(REJECTS, make_reject(
            run_id=self._run_id, source_uri=source_uri, stage=STAGE, reason=reason, detail=detail,
            raw_excerpt=excerpt, rejected_at=self._run_started_at))

    def _fetch(self, feed_uri: str) -> fetch.FetchResult:
        if not is_web_url(feed_uri):
            return read_feed_file(feed_uri, self._limits.max_bytes)
        state = self._feed_state.get(feed_uri) or {}
        url = state.get("url") or feed_uri
        return fetch.fetch(url, limits=self._limits, pool=self._pool, etag=state.get("etag"),
                           last_modified=state.get("last_modified"))

    def process(self, feed_uris: list[str]) -> Iterator:
        """A batch of feeds is fetched concurrently (at most FEEDS_PER_HOST at a time from one host),
        then each is parsed in turn."""
        slots = {host: threading.Semaphore(FEEDS_PER_HOST) for host in map(host_of, feed_uris)}

        def timed_fetch(feed_uri: str) -> tuple[dt.datetime, fetch.FetchResult]:
            with slots[host_of(feed_uri)]:
                return _utc_now(), self._fetch(feed_uri)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(feed_uris))) as executor:
            for feed_uri, (fetched_at, fetched) in zip(feed_uris, executor.map(timed_fetch, feed_uris),
                                                       strict=True):
                yield from self._read(feed_uri, fetched_at, fetched)

    def _read(self, feed_uri: str, fetched_at: dt.datetime, fetched: fetch.FetchResult) -> Iterator:
        self._feeds_read.inc()
        if not fetched.ok:
            self._feeds_failed.inc()
            yield self._reject(feed_uri, "feed_fetch_failed",
                               f"The feed could not be fetched: {fetched.error_message} It will be tried "
                               "again next run.", fetched.body)
            yield beam.pvalue.TaggedOutput(FEED_FETCHES, feed_fetch_row(
                self._run_id, feed_uri, fetched, fetched_at, None, fetched.error_code, fetched.error_message))
            return
        if fetched.not_modified:
            self._feeds_not_modified.inc()
            yield beam.pvalue.TaggedOutput(FEED_FETCHES, feed_fetch_row(
                self._run_id, feed_uri, fetched, fetched_at, None, None, None))
            return
        try:
            parsed = parse_feed(fetched.body or b"", feed_uri=feed_uri, fetched_at=self._run_started_at,
                                base_url=fetched.final_url if is_web_url(fetched.final_url) else None,
                                content_type=fetched.content_type, max_entries=self._max_entries)
        except (ValueError, TypeError, LookupError, AttributeError, RuntimeError, OverflowError) as error:
            # parse_feed reports bad input in its result; this is a surprise in the parser itself, and
            # one feed must not stop the run.
            parsed = ParsedFeed([], [], 0, 0, unreadable=True,
                                problem=f"The feed parser failed ({type(error).__name__}: {error}).")
        yield from self._emit(feed_uri, fetched, fetched_at, parsed)

    def _emit(self, feed_uri: str, fetched: fetch.FetchResult, fetched_at: dt.datetime,
              parsed: ParsedFeed) -> Iterator:
        if parsed.unreadable:
            self._feeds_failed.inc()
            # A local file that is not a feed may be anything (a key, a password file): its bytes are
            # never copied into the tables. A web response's opening is kept to show what came back.
            excerpt = fetched.body[:500] if fetched.body and is_web_url(feed_uri) else None
            yield self._reject(feed_uri, "feed_unparseable",
                               f"{parsed.problem} Check that the URL or file is an RSS or Atom feed.",
                               excerpt)
            yield beam.pvalue.TaggedOutput(FEED_FETCHES, feed_fetch_row(
                self._run_id, feed_uri, fetched, fetched_at, parsed, UNPARSEABLE, parsed.problem))
            return
        self._entries_read.inc(parsed.entries_read)
        for item in parsed.items:
            self._items_read.inc()
            yield item
        for problem in parsed.entry_problems:
            self._entries_rejected.inc()
            yield self._reject(problem.source_uri, problem.reason, problem.detail, problem.excerpt)
        if parsed.entries_skipped:
            self._entries_rejected.inc(parsed.entries_skipped)
            yield self._reject(feed_uri, "feed_truncated",
                               f"The feed has {parsed.entries_seen} entries; only the first "
                               f"{parsed.entries_seen - parsed.entries_skipped} were read and "
                               f"{parsed.entries_skipped} were left out (a safety limit on feed size).",
                               None)
        error_code = None
        if parsed.entries_skipped:
            error_code = TOO_MANY_ENTRIES
        elif parsed.problem:
            error_code = MALFORMED
            self._feeds_malformed.inc()
        yield beam.pvalue.TaggedOutput(FEED_FETCHES, feed_fetch_row(
            self._run_id, feed_uri, fetched, fetched_at, parsed, error_code, parsed.problem))


class ReadFeeds(beam.PTransform):
    """Fetches and parses feeds; returns a dict of PCollections: 'items' (raw item dicts, see
    transforms.common.document.RAW_ITEM_KEYS), 'rejects' (rejects rows) and 'feed_fetches' (one row per feed).

    ``feed_uris``: http(s) URLs, file:// URIs or paths. ``feed_state`` (see outputs.feedstate) gives
    each feed's stored ETag, Last-Modified and moved URL. ``fetch_articles`` replaces each entry's text
    by the main text of its linked page when that can be extracted (``known_ids``, a reader of the article
    ids already written such as ``WrittenKeys``, saves fetching pages of known articles);
    ``page_budget`` bounds the page fetches of the run (see transforms.sources.pages_stage).
    """

    def __init__(self, feed_uris: list[str], run_id: str, run_started_at: dt.datetime,
                 *, feed_state: dict | None = None, fetch_articles: bool = False,
                 timeout_s: float = 20.0, max_bytes: int = 20_000_000, max_entries: int = MAX_ENTRIES,
                 retry_backoff_s: float = 1.0, page_budget: PageBudget | None = None,
                 known_ids: beam.PTransform | None = None):
        super().__init__()
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}.")
        self._feed_uris = sorted(dict.fromkeys(feed_uris))
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._feed_state = dict(feed_state or {})
        self._fetch_articles = fetch_articles
        self._limits = fetch.FetchLimits(timeout_s=timeout_s, max_bytes=max_bytes, backoff_s=retry_backoff_s)
        self._max_entries = max_entries
        self._known_ids = known_ids
        self._page_budget = page_budget or PageBudget.from_now()

    def _batches(self) -> list[list[str]]:
        size = FEEDS_PER_BATCH
        return [self._feed_uris[start:start + size] for start in range(0, len(self._feed_uris), size)]

    def expand(self, pbegin):
        read = (
            pbegin
            | "ListFeeds" >> beam.Create(self._batches(), reshuffle=False)
            | "SpreadFeeds" >> beam.Reshuffle()
            | "ReadFeeds" >> beam.ParDo(ReadFeedFn(self._run_id, self._run_started_at, self._feed_state,
                                                    self._limits, self._max_entries))
            .with_outputs(REJECTS, FEED_FETCHES, main=FEED_ITEMS)
        )
        if not self._fetch_articles:
            return {FEED_ITEMS: read[FEED_ITEMS], REJECTS: read[REJECTS], FEED_FETCHES: read[FEED_FETCHES]}
        pages = read[FEED_ITEMS] | "FetchArticlePages" >> FetchArticlePages(
            self._limits, budget=self._page_budget, known_ids=self._known_ids)
        fetches = (
            {"fetches": read[FEED_FETCHES] | "KeyFetchByFeed" >> beam.Map(lambda row: (row["feed_uri"], row)),
             "deferred": pages[DEFERRED]}
            | "JoinDeferredPages" >> beam.CoGroupByKey()
            | "CountDeferredEntries" >> beam.FlatMap(with_deferred_counts)
        )
        rejects = (read[REJECTS], pages[REJECTS]) | "AllFeedRejects" >> beam.Flatten()
        return {FEED_ITEMS: pages[ITEMS], REJECTS: rejects, FEED_FETCHES: fetches}
