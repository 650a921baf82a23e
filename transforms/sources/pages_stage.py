"""Stage 'sources/pages' (``--fetch-articles``): feed entries get the main text of their linked page.

Bounded per run, not only per page: at most ``max_pages`` distinct pages (the first links in sorted
order), and no page started after the run's page deadline. An entry whose page is left over is
*deferred*: it is not stored this run (a ``page_deferred`` reject says so) and its feed's row counts it
in ``entries_deferred``, which keeps the feed's ETag/Last-Modified from advancing
(``outputs.feedstate``). The next run therefore reads the feed in full again, skips the entries already
stored before any page is fetched, and fetches the left-over pages. Storing the entry without its page
instead would lose the page for good: an article, once written, is never rewritten.

Links come from fetched content, so by default a page is fetched only from a public address: the host
is resolved and checked at every connection, redirects included (``fetch.is_public_address``);
``allow_private_addresses`` lifts that for intranets and tests.

Outcomes per page: extracted text replaces the entry's text; a page disallowed by robots.txt, not HTML
or without main text leaves the entry its own text (counted); a page that could not be fetched or whose
address was refused leaves the entry its own text and one reject row naming the page
(``page_fetch_failed``, ``page_refused``: rows about pages, not entries, so they are not counted in
``items_rejected``).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import time
from collections.abc import Iterable, Iterator

import apache_beam as beam

from transforms.common.beam import counter
from transforms.common.rejects import REJECTS, make_reject
from transforms.normalize.article import article_id_for
from transforms.sources import fetch
from transforms.sources import pages as fetch_pages
from transforms.sources.urls import host_of, is_web_url

PAGES_PER_HOST = 2  # concurrent page requests to one host
DEFAULT_MAX_PAGES = 1000
DEFAULT_PAGES_DEADLINE_S = 600.0
ITEMS = "items"
DEFERRED = "deferred"  # (feed_uri, count) of entries left for the next run
_FETCH, _KEEP = "fetch", "keep"
_ITEMS_TAG, _KNOWN_TAG = "items", "known"
_DEFERRED_ITEMS = "deferred_items"
_REJECTED_PROBLEMS = {"fetch_failed": "page_fetch_failed", "address_refused": "page_refused"}


@dataclasses.dataclass(frozen=True)
class PageBudget:
    """How many pages one run may fetch, until when (epoch seconds), and whether links may lead to
    non-public addresses."""

    max_pages: int = DEFAULT_MAX_PAGES
    deadline_at: float | None = None
    allow_private_addresses: bool = False

    def __post_init__(self) -> None:
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}.")

    @classmethod
    def from_now(cls, max_pages: int = DEFAULT_MAX_PAGES, deadline_s: float = DEFAULT_PAGES_DEADLINE_S,
                 allow_private_addresses: bool = False) -> PageBudget:
        return cls(max_pages, time.time() + deadline_s, allow_private_addresses)

    def seconds_left(self) -> float:
        return float("inf") if self.deadline_at is None else self.deadline_at - time.time()


def _page_key(item: dict) -> tuple[str, dict]:
    return host_of(item["source_uri"]), item


class _ChoosePagesFn(beam.DoFn):
    """Items with a web link -> (their article id, item) on the main output; the others to ``_KEEP`` as
    they are."""

    def process(self, item: dict) -> Iterator:
        key = item.get("article_key")
        if not key or not is_web_url(item["source_uri"]):
            yield beam.pvalue.TaggedOutput(_KEEP, item)
        else:
            yield article_id_for(key, ""), item


class _SkipKnownFn(beam.DoFn):
    """(article id, {'items': items with a web link, 'known': markers}) -> the items, to ``_KEEP`` when
    the article is already written (its page is not fetched again)."""

    def __init__(self):
        self._skipped_known = counter("pages_skipped_known")

    def process(self, joined: tuple[str, dict]) -> Iterator:
        _, groups = joined
        items = list(groups[_ITEMS_TAG])
        if items and any(True for _ in groups[_KNOWN_TAG]):
            self._skipped_known.inc(len(items))
            for item in items:
                yield beam.pvalue.TaggedOutput(_KEEP, item)
            return
        yield from items


def _known_marker(article_id: str) -> tuple[str, bool]:
    return article_id, True


class _WithinBudgetFn(beam.DoFn):
    """Items whose link is among the run's budgeted links (a side input) -> main; others ->
    ``_DEFERRED_ITEMS``."""

    def __init__(self):
        self._side_input = None
        self._budgeted: frozenset[str] = frozenset()

    def process(self, item: dict, budgeted_links: list[str]) -> Iterator:
        if budgeted_links is not self._side_input:  # the same list for every item of a bundle
            self._side_input, self._budgeted = budgeted_links, frozenset(budgeted_links)
        if item["source_uri"] in self._budgeted:
            yield item
        else:
            yield beam.pvalue.TaggedOutput(_DEFERRED_ITEMS, item)


class _FetchHostPagesFn(beam.DoFn):
    """(host, items) -> the items, with the main text of their pages where it could be extracted;
    REJECTS rows for pages that failed or were refused; ``_DEFERRED_ITEMS`` for items whose page was
    not started before the deadline.

    One host's pages are fetched by at most ``PAGES_PER_HOST`` threads, after its robots.txt is read;
    a Crawl-delay makes them one at a time with that pause. The same link in several feeds is fetched
    once.
    """

    def __init__(self, limits: fetch.FetchLimits, budget: PageBudget):
        self._limits = limits
        self._budget = budget
        self._pool = None
        self._outcomes = {name: counter(f"pages_{name}") for name in
                          ("extracted", "disallowed", "fetch_failed", "address_refused", "not_html",
                           "no_text")}

    def setup(self) -> None:
        guard = None if self._budget.allow_private_addresses else fetch.is_public_address
        self._pool = fetch.make_pool(max_connections_per_host=PAGES_PER_HOST,
                                     header_deadline_s=self._limits.attempt_deadline_s, address_allowed=guard)

    def teardown(self) -> None:
        if self._pool is not None:
            self._pool.clear()

    def _deferred(self, url: str) -> fetch_pages.PageText:
        return fetch_pages.PageText(url, problem="deferred", detail="the run's page deadline was reached")

    def _limits_now(self) -> fetch.FetchLimits | None:
        """The fetch limits, with no response allowed past the run's page deadline; None once it passed."""
        left = self._budget.seconds_left()
        if left <= 0:
            return None
        if left < self._limits.attempt_deadline_s:
            return dataclasses.replace(self._limits, deadline_s=left)
        return self._limits

    def _one(self, url: str, robots: fetch_pages.Robots) -> fetch_pages.PageText:
        limits = self._limits_now()
        if limits is None:
            return self._deferred(url)
        outcome = fetch_pages.page_text(url, robots=robots, limits=limits, pool=self._pool)
        if outcome.problem == "fetch_failed" and self._budget.seconds_left() <= 0:
            return self._deferred(url)  # cut short by the deadline: not the page's fault
        return outcome

    def _texts(self, urls: list[str]) -> dict[str, fetch_pages.PageText]:
        limits = self._limits_now()
        if limits is None:
            return {url: self._deferred(url) for url in urls}
        robots = fetch_pages.robots_for(urls[0], limits=limits, pool=self._pool)
        if self._budget.seconds_left() <= 0:  # robots.txt took what was left: no page may start
            return {url: self._deferred(url) for url in urls}
        delay = robots.crawl_delay_s

        def one(url: str) -> fetch_pages.PageText:
            outcome = self._one(url, robots)
            if delay and outcome.problem != "deferred":
                time.sleep(delay)
            return outcome

        workers = 1 if delay else PAGES_PER_HOST
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
            return dict(zip(urls, executor.map(one, urls), strict=True))

    def process(self, keyed: tuple[str, Iterable[dict]]) -> Iterator:
        _, items = keyed
        items = list(items)
        urls = sorted({item["source_uri"] for item in items})
        texts = self._texts(urls)
        for url in urls:
            outcome = texts[url]
            if outcome.problem in _REJECTED_PROBLEMS:
                yield beam.pvalue.TaggedOutput(REJECTS, make_reject(
                    source_uri=url, stage="sources", reason=_REJECTED_PROBLEMS[outcome.problem],
                    detail=f"The entry's page was not used: {outcome.detail} The entry keeps the text its "
                    "feed gave.", raw_excerpt=None))
        for item in items:
            outcome = texts[item["source_uri"]]
            if outcome.problem == "deferred":
                yield beam.pvalue.TaggedOutput(_DEFERRED_ITEMS, item)
                continue
            self._outcomes["extracted" if outcome.text else outcome.problem].inc()
            if outcome.text:
                item = {**item, "text": outcome.text, "text_source": "page"}
            yield item


class _DeferFn(beam.DoFn):
    """An item whose page is left for the next run -> a ``page_deferred`` reject row, and
    (feed_uri, 1) to ``DEFERRED`` so its feed's state is not advanced."""

    def __init__(self, max_pages: int):
        self._max_pages = max_pages
        self._rejected = counter("items_rejected")
        self._deferred = counter("pages_deferred")

    def process(self, item: dict) -> Iterator:
        self._rejected.inc()
        self._deferred.inc()
        yield beam.pvalue.TaggedOutput(DEFERRED, (item["feed_uri"], 1))
        yield make_reject(
            source_uri=item["source_uri"], stage="sources", reason="page_deferred",
            detail=f"The run's page budget ({self._max_pages} pages, --max-pages) or its page deadline "
            "(--pages-deadline) was reached before this entry's page was fetched. The entry is not stored "
            "this run; the next run reads it again and fetches its page.", raw_excerpt=None)


class FetchArticlePages(beam.PTransform):
    """Raw feed items -> a dict: ITEMS (the same items, with the main text of their linked page when it
    can be had), REJECTS (rows for failed, refused and deferred pages) and DEFERRED ((feed_uri, count)
    of entries left for the next run).

    Items without a web link, and items whose article is already written (``known_ids``: a reader of the
    written article ids from the pipeline's root, e.g. ``WrittenKeys``, joined with the items' ids), pass
    through untouched; so do items whose page is disallowed, unreachable or yields no main text (they
    keep their content or summary).
    """

    def __init__(self, limits: fetch.FetchLimits, *, budget: PageBudget | None = None,
                 known_ids: beam.PTransform | None = None):
        super().__init__()
        self._limits = limits
        self._budget = budget or PageBudget.from_now()
        self._known_ids = known_ids

    def _unknown(self, items):
        """Items -> {_FETCH: items worth a page fetch, _KEEP: the others}."""
        linked = items | "ChooseItemsToFetch" >> beam.ParDo(_ChoosePagesFn()).with_outputs(_KEEP, main=_FETCH)
        if self._known_ids is None:
            return {_FETCH: linked[_FETCH] | "Unkeyed" >> beam.Values(), _KEEP: linked[_KEEP]}
        known = (items.pipeline
                 | "KnownArticleIds" >> self._known_ids
                 | "MarkKnown" >> beam.Map(_known_marker))
        unknown = (
            {_ITEMS_TAG: linked[_FETCH], _KNOWN_TAG: known}
            | "JoinKnownIds" >> beam.CoGroupByKey()
            | "SkipKnown" >> beam.ParDo(_SkipKnownFn()).with_outputs(_KEEP, main=_FETCH)
        )
        return {_FETCH: unknown[_FETCH],
                _KEEP: (linked[_KEEP], unknown[_KEEP]) | "AllKept" >> beam.Flatten()}

    def expand(self, items):
        split = self._unknown(items)
        budgeted_links = (
            split[_FETCH]
            | "Links" >> beam.Map(lambda item: item["source_uri"])
            | "DistinctLinks" >> beam.Distinct()
            | "FirstLinksInBudget" >> beam.combiners.Top.Smallest(self._budget.max_pages)
        )
        budgeted = split[_FETCH] | "WithinBudget" >> beam.ParDo(
            _WithinBudgetFn(), beam.pvalue.AsSingleton(budgeted_links)).with_outputs(
                _DEFERRED_ITEMS, main=_FETCH)
        fetched = (
            budgeted[_FETCH]
            | "KeyByHost" >> beam.Map(_page_key)
            | "GroupByHost" >> beam.GroupByKey()
            | "FetchPages" >> beam.ParDo(_FetchHostPagesFn(self._limits, self._budget))
            .with_outputs(REJECTS, _DEFERRED_ITEMS, main=ITEMS)
        )
        deferred = (
            (budgeted[_DEFERRED_ITEMS], fetched[_DEFERRED_ITEMS])
            | "AllDeferred" >> beam.Flatten()
            | "Defer" >> beam.ParDo(_DeferFn(self._budget.max_pages)).with_outputs(DEFERRED, main=REJECTS)
        )
        return {
            ITEMS: (fetched[ITEMS], split[_KEEP]) | "AllFeedItems" >> beam.Flatten(),
            REJECTS: (fetched[REJECTS], deferred[REJECTS]) | "AllPageRejects" >> beam.Flatten(),
            DEFERRED: deferred[DEFERRED] | "CountDeferred" >> beam.CombinePerKey(sum),
        }


def with_deferred_counts(joined: tuple[str, dict]) -> Iterator[dict]:
    """(feed_uri, {'fetches': rows, 'deferred': counts}) -> the feed_fetches rows with
    ``entries_deferred`` set and the deferred entries counted among its rejects (each has a reject row)."""
    _, groups = joined
    deferred = sum(groups["deferred"])
    for row in groups["fetches"]:
        yield {**row, "entries_deferred": deferred, "rejects": (row.get("rejects") or 0) + deferred}

