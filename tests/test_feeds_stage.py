"""ReadFeeds on a real Beam runner (TestPipeline) against feed files and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import tempfile
import time
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from outputs import feedstate
from schemas.feed_fetches import FEED_FETCHES
from schemas.rejects import REJECTS as REJECTS_TABLE
from tests import feedserver as samples
from transforms.common.beam import METRICS_NAMESPACE
from transforms.common.rejects import REJECTS
from transforms.normalize.article import article_id_for
from transforms.sources.feeds_stage import FEED_ITEMS, ReadFeeds
from transforms.sources.pages_stage import PageBudget

STARTED = dt.datetime(2024, 6, 3, 12, 0, tzinfo=dt.timezone.utc)
SEED_FEEDS = Path(__file__).parent.parent / "seeds" / "feeds"
FAST = {"timeout_s": 0.5, "retry_backoff_s": 0.01}
# The test server is on 127.0.0.1: page fetches need private addresses allowed.
LOOPBACK_PAGES = PageBudget.from_now(allow_private_addresses=True)


@pytest.fixture(scope="module")
def server():
    running = samples.serve(slow_s=2.0)
    yield running
    running.stop()


def _counter(result, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))
    return sum(counter.committed for counter in found["counters"])


class Collected:
    """Runs ReadFeeds and keeps what came out, for assertions after the run."""

    def __init__(self, feed_uris: list[str], **options):
        pipeline = TestPipeline()
        outputs = pipeline | ReadFeeds(feed_uris, "run0", STARTED, **{**FAST, **options})
        with tempfile.TemporaryDirectory() as directory:
            # assert_that's checker runs wherever the runner runs it: it hands the elements back through
            # a file, and every output is then checked in full below.
            for name in (FEED_ITEMS, REJECTS, "feed_fetches"):
                assert_that(outputs[name], _save_to(os.path.join(directory, name)), label=f"collect_{name}")
            self.result = pipeline.run()
            self.result.wait_until_finish()
            self.items, self.rejects, self.fetches = (
                _load(os.path.join(directory, name)) for name in (FEED_ITEMS, REJECTS, "feed_fetches"))

    def counter(self, name: str) -> int:
        return _counter(self.result, name)

    def fetch_row(self, feed_uri: str) -> dict:
        (row,) = [row for row in self.fetches if row["feed_uri"] == feed_uri]
        return row

    def items_of(self, feed_uri: str) -> list[dict]:
        return [item for item in self.items if item["feed_uri"] == feed_uri]


def _save_to(path: str):
    def save(actual):
        with open(path, "wb") as handle:
            pickle.dump(list(actual), handle)
    return save


def _load(path: str) -> list:
    with open(path, "rb") as handle:
        return pickle.load(handle)


def test_feed_files_give_items_and_every_failure_one_reject(tmp_path):
    not_a_feed = tmp_path / "notes.xml"
    not_a_feed.write_bytes(b"%PDF-1.4 scanned")
    feeds = [str(path) for path in sorted(SEED_FEEDS.iterdir())]
    out = Collected([*feeds, str(tmp_path / "missing.rss"), str(not_a_feed), f"file://{feeds[0]}"])
    assert len(out.items) == 9 + 2  # the seed feeds' entries; the file:// URI is the RDF feed again
    assert {row["reason"] for row in out.rejects} == {"feed_fetch_failed", "feed_unparseable"}
    assert out.fetch_row(str(tmp_path / "missing.rss"))["error_code"] == "not_found"
    unparseable = out.fetch_row(str(not_a_feed))
    assert unparseable["error_code"] == "unparseable"
    assert "Not an XML document" in unparseable["error_message"]
    assert out.counter("items_read") == len(out.items) + len(out.rejects) == 13
    assert out.counter("items_rejected") == 2
    for feed in feeds:
        row = out.fetch_row(feed)
        assert row["http_status"] is None and row["error_code"] is None
        assert row["entries_seen"] == len(out.items_of(feed)) and row["rejects"] == 0
        assert row["bytes"] == Path(feed).stat().st_size
    # Rows fit their tables' schemas.
    pa.Table.from_pylist(out.fetches, schema=FEED_FETCHES.schema)
    pa.Table.from_pylist(out.rejects, schema=REJECTS_TABLE.schema)


HTTP_CASES = {
    # path: (error_code, http_status, entries_seen, items, rejects in the row, reasons of the rejects
    # that name the feed)
    "/etag.xml": (None, 200, 2, 2, 0, []),
    "/last-modified.xml": (None, 200, 2, 2, 0, []),
    "/missing.xml": ("http_error", 404, 0, 0, 0, ["feed_fetch_failed"]),
    "/flaky.xml": (None, 200, 2, 2, 0, []),
    "/slow.xml": ("timeout", None, 0, 0, 0, ["feed_fetch_failed"]),
    "/drip.xml": ("too_slow", 200, 0, 0, 0, ["feed_fetch_failed"]),
    "/header-drip.xml": ("too_slow", None, 0, 0, 0, ["feed_fetch_failed"]),
    "/gzip.xml": (None, 200, 2, 2, 0, []),
    "/old-home.xml": (None, 200, 2, 2, 0, []),
    "/elsewhere.xml": (None, 200, 2, 2, 0, []),
    "/huge-declared.xml": ("too_large", 200, 0, 0, 0, ["feed_fetch_failed"]),
    "/huge-streamed.xml": ("too_large", 200, 0, 0, 0, ["feed_fetch_failed"]),
    "/gzip-bomb.xml": ("too_large", 200, 0, 0, 0, ["feed_fetch_failed"]),
    "/malformed.xml": ("malformed", 200, 2, 2, 0, []),
    "/not-a-feed.html": ("unparseable", 200, 0, 0, 0, ["feed_unparseable"]),
    "/binary.rss": ("unparseable", 200, 0, 0, 0, ["feed_unparseable"]),
    "/cp1252.xml": (None, 200, 1, 1, 0, []),
    "/utf16.xml": (None, 200, 1, 1, 0, []),
    "/bomb.xml": ("malformed", 200, 1, 1, 0, []),
    "/empty-entry.xml": (None, 200, 2, 1, 1, []),  # its entry's reject names the entry (below)
    "/many.xml": ("too_many_entries", 200, 100_000, 50, 99_950, ["feed_truncated"]),
}


@pytest.fixture(scope="module")
def http_run(server):
    return Collected([server.url(path) for path in HTTP_CASES], max_bytes=20_000_000, max_entries=50)


@pytest.mark.parametrize("path", list(HTTP_CASES))
def test_each_feed_ends_as_items_or_a_recorded_failure(server, http_run, path):
    error_code, status, seen, items, row_rejects, reasons = HTTP_CASES[path]
    uri = server.url(path)
    row = http_run.fetch_row(uri)
    assert (row["error_code"], row["http_status"], row["entries_seen"], row["rejects"]) == (
        error_code, status, seen, row_rejects), row["error_message"]
    assert len(http_run.items_of(uri)) == items
    feed_rejects = [r["reason"] for r in http_run.rejects if r["source_uri"] == uri]
    assert sorted(feed_rejects) == reasons
    # Accounting per feed at this stage: every entry seen is an item or counted in the row's rejects.
    assert row["entries_seen"] == len(http_run.items_of(uri)) + row["rejects"]
    assert row["entries_new"] == 0 and row["duplicates"] == 0  # filled by the spine after dedup
    assert row["run_id"] == "run0" and row["fetched_date"] == row["fetched_at"].date()
    assert row["elapsed_ms"] >= 0
    if error_code:
        assert row["error_message"]
    if status == 200 and error_code in (None, "malformed", "too_many_entries"):
        assert row["bytes"] > 0


def test_an_empty_entry_is_rejected_under_its_own_link(http_run):
    (empty,) = [row for row in http_run.rejects if row["reason"] == "entry_empty"]
    assert empty["source_uri"] == "https://gaps.example.net/empty"
    assert empty["stage"] == "sources" and "no title and no text" in empty["detail"]


def test_http_run_accounting_and_counters(http_run):
    assert http_run.counter("items_read") == len(http_run.items) + len(http_run.rejects)
    assert http_run.counter("items_rejected") == len(http_run.rejects)
    assert http_run.counter("feeds_read") == len(HTTP_CASES)
    failed = [path for path, case in HTTP_CASES.items() if case[5] and case[5][0] != "feed_truncated"]
    assert http_run.counter("feeds_failed") == len(failed)
    pa.Table.from_pylist(http_run.fetches, schema=FEED_FETCHES.schema)


def test_redirects_are_recorded(server, http_run):
    moved = http_run.fetch_row(server.url("/old-home.xml"))
    assert moved["final_uri"] == moved["moved_to"] == server.url("/new-home.xml")
    temporary = http_run.fetch_row(server.url("/elsewhere.xml"))
    assert temporary["final_uri"] == server.url("/basic.xml") and temporary["moved_to"] is None


def test_items_from_http_are_decoded_and_keyed(server, http_run):
    (cp1252,) = http_run.items_of(server.url("/cp1252.xml"))
    assert cp1252["title"] == "Côte d’Ivoire and Mali reopen border — officials"
    (utf16,) = http_run.items_of(server.url("/utf16.xml"))
    assert utf16["title"].startswith("Ελλάδα")
    gzip_links = sorted(item["article_key"] for item in http_run.items_of(server.url("/gzip.xml")))
    plain_links = sorted(item["article_key"] for item in http_run.items_of(server.url("/etag.xml")))
    assert gzip_links == plain_links  # the same articles in two feeds: one key each, dedup drops copies
    for item in http_run.items:
        assert item["published_at"].tzinfo is not None


def test_conditional_get_across_runs_uses_the_state_file(server, tmp_path):
    feeds = [server.url("/etag.xml"), server.url("/last-modified.xml"), server.url("/old-home.xml"),
             server.url("/missing.xml")]
    first = Collected(feeds, feed_state=feedstate.load(str(tmp_path)))
    feedstate.record_run(str(tmp_path), first.fetches)
    stored = json.loads((tmp_path / "_state" / "feeds.json").read_text())["feeds"]
    assert stored[server.url("/etag.xml")]["etag"] == '"v1"'
    assert stored[server.url("/last-modified.xml")]["last_modified"] == samples.LAST_MODIFIED
    assert stored[server.url("/old-home.xml")]["url"] == server.url("/new-home.xml")
    assert server.url("/missing.xml") not in stored

    old_home_hits = server.hits("/old-home.xml")
    second = Collected(feeds, feed_state=feedstate.load(str(tmp_path)))
    assert server.hits("/old-home.xml") == old_home_hits  # fetched at its new address
    for path in ("/etag.xml", "/last-modified.xml"):
        row = second.fetch_row(server.url(path))
        assert row["not_modified"] and row["http_status"] == 304 and row["entries_seen"] == 0
        assert row["bytes"] is None and row["error_code"] is None
    assert second.items_of(server.url("/etag.xml")) == []
    # Not modified reads nothing and rejects nothing; the 404 is recorded again.
    assert second.counter("items_read") == len(second.items) + len(second.rejects)
    assert [r["reason"] for r in second.rejects] == ["feed_fetch_failed"]
    assert second.counter("feeds_not_modified") == 2
    feedstate.record_run(str(tmp_path), second.fetches)
    again = json.loads((tmp_path / "_state" / "feeds.json").read_text())["feeds"]
    assert again[server.url("/etag.xml")]["etag"] == '"v1"'


def _pages_feed(server) -> bytes:
    return samples.rss([
        ("Ghana and Togo sign fisheries accord", server.url("/articles/ghana-togo.html"),
         "A short summary of the accord."),
        ("Private briefing", server.url("/private/briefing.html"), "Summary of a private page."),
        ("Teaser only", server.url("/articles/teaser.html"), "Summary of a teaser."),
        ("A scanned document", server.url("/articles/scan.pdf"), "Summary of a scan."),
        ("A page that is gone", server.url("/articles/gone.html"), "Summary of a lost page."),
    ]).encode()


def test_fetch_articles_uses_page_text_when_extracted_and_keeps_the_summary_otherwise(server):
    server.route("/with-pages.xml", samples.static(_pages_feed(server)))
    robots_before = server.hits("/robots.txt")
    out = Collected([server.url("/with-pages.xml")], fetch_articles=True, page_budget=LOOPBACK_PAGES)
    by_link = {item["source_uri"]: item for item in out.items}
    assert len(by_link) == 5
    page = by_link[server.url("/articles/ghana-togo.html")]
    assert page["text_source"] == "page"
    assert "joint patrol and a commission" in page["text"]
    assert "should never appear" not in page["text"] and "Sport" not in page["text"]
    for path in ("/private/briefing.html", "/articles/teaser.html", "/articles/scan.pdf",
                 "/articles/gone.html"):
        assert by_link[server.url(path)]["text_source"] == "summary"
        assert by_link[server.url(path)]["text"].startswith("Summary of")
    assert server.hits("/private/briefing.html") == 0  # robots.txt disallows /private/
    assert server.hits("/robots.txt") == robots_before + 1
    assert out.counter("pages_extracted") == 1
    assert out.counter("pages_disallowed") == 1
    assert out.counter("pages_no_text") == 1
    assert out.counter("pages_not_html") == 1
    assert out.counter("pages_fetch_failed") == 1
    assert out.counter("items_read") == 5
    # The page that is gone is reported (before: no reject, no trace but a counter); the entry is kept.
    (gone,) = out.rejects
    assert (gone["source_uri"], gone["reason"]) == (server.url("/articles/gone.html"), "page_fetch_failed")
    assert "HTTP 404" in gone["detail"] and "keeps the text its feed gave" in gone["detail"]
    assert out.counter("items_rejected") == 0
    assert out.fetch_row(server.url("/with-pages.xml"))["entries_deferred"] == 0


def test_fetch_articles_skips_articles_already_written(server):
    feed = samples.rss([("Ghana and Togo sign fisheries accord", server.url("/articles/ghana-togo.html"),
                         "Summary.")])
    server.route("/known-pages.xml", samples.static(feed.encode()))
    known = [article_id_for(server.url("/articles/ghana-togo.html"), "")]
    page_hits = server.hits("/articles/ghana-togo.html")
    out = Collected([server.url("/known-pages.xml")], fetch_articles=True, known_ids=beam.Create(known),
                    page_budget=LOOPBACK_PAGES)
    assert [item["text_source"] for item in out.items] == ["summary"]
    assert server.hits("/articles/ghana-togo.html") == page_hits
    assert out.counter("pages_skipped_known") == 1


def test_no_feeds_is_an_empty_but_valid_stage():
    pipeline = TestPipeline()
    outputs = pipeline | ReadFeeds([], "run0", STARTED)
    for name in (FEED_ITEMS, REJECTS, "feed_fetches"):
        assert_that(outputs[name], equal_to([]), label=f"empty_{name}")
    pipeline.run().wait_until_finish()


def test_bad_option_fails_at_build_time():
    with pytest.raises(ValueError, match="max_entries"):
        ReadFeeds(["x.xml"], "run0", STARTED, max_entries=0)


def test_a_permanent_redirect_to_a_page_that_is_not_a_feed_is_not_remembered(server, tmp_path):
    """Before: /hijacked.xml 301 -> an HTML page was stored as the feed's address for good, so every later
    run fetched the parking page and never the feed again."""
    server.route("/hijacked.xml", samples.redirect(301, "/parked.html"))
    server.route("/parked.html", samples.static(b"<html><body><p>This domain is parked.</p></body></html>",
                                                "text/html"))
    feed = server.url("/hijacked.xml")
    first = Collected([feed], feed_state=feedstate.load(str(tmp_path)))
    row = first.fetch_row(feed)
    assert row["error_code"] == "unparseable" and row["final_uri"] == server.url("/parked.html")
    assert row["moved_to"] is None
    feedstate.record_run(str(tmp_path), first.fetches)
    assert "url" not in feedstate.load(str(tmp_path)).get(feed, {})

    hits = server.hits("/hijacked.xml")
    server.route("/hijacked.xml", samples.static(samples.BASIC_FEED))  # the owner fixed the feed
    second = Collected([feed], feed_state=feedstate.load(str(tmp_path)))
    assert server.hits("/hijacked.xml") == hits + 1
    assert len(second.items_of(feed)) == 2


def test_feedstate_keeps_a_move_only_when_the_new_address_gave_a_feed(tmp_path):
    rows = [{"feed_uri": "https://a.example/feed", "http_status": 200, "moved_to": "https://a.example/x.html",
             "error_code": "unparseable", "not_modified": False, "etag": None, "last_modified": None},
            {"feed_uri": "https://b.example/feed", "http_status": 200, "moved_to": "https://b.example/new",
             "error_code": None, "not_modified": False, "etag": None, "last_modified": None}]
    feedstate.record_run(str(tmp_path), rows)
    state = feedstate.load(str(tmp_path))
    assert "https://a.example/feed" not in state
    assert state["https://b.example/feed"]["url"] == "https://b.example/new"


def test_entry_links_to_private_addresses_are_refused_by_default(server):
    """Before: --fetch-articles followed entry links to loopback/private/link-local addresses (an internal
    admin page was stored as article text). The feed itself, named by the user, is still read."""
    admin = server.url("/private/briefing.html")  # loopback, and PRIVATE in its text
    by_name = server.url("/articles/ghana-togo.html").replace("127.0.0.1", "localhost")
    feed = samples.rss([("Admin", admin, "Summary of the admin link."),
                        ("By name", by_name, "Summary of the named link.")])
    server.route("/ssrf.xml", samples.static(feed.encode()))
    hits = {path: server.hits(path) for path in ("/private/briefing.html", "/articles/ghana-togo.html",
                                                 "/robots.txt")}
    out = Collected([server.url("/ssrf.xml")], fetch_articles=True, page_budget=PageBudget.from_now())
    assert {path: server.hits(path) for path in hits} == hits  # not even robots.txt was asked for
    assert sorted(item["text_source"] for item in out.items) == ["summary", "summary"]
    assert sorted((row["source_uri"], row["reason"]) for row in out.rejects) == sorted(
        [(admin, "page_refused"), (by_name, "page_refused")])
    assert all("--allow-private-addresses" in row["detail"] for row in out.rejects)
    assert out.counter("pages_address_refused") == 2 and out.counter("pages_extracted") == 0


def test_the_page_deadline_stops_slow_pages_and_defers_what_is_left(server):
    """Before: pages were bounded one by one (3 × timeout each) but not per run: six dripping pages took
    183 s. Now no page starts after the run's page deadline, one in flight stops at it, and the entries
    whose page was not had are deferred (not stored this run), counted on their feed's row.

    Pages of one host go in link order, two at a time: the article page first (extracted), then a and b
    drip until the deadline cuts them, and c, queued behind them, is never requested."""
    for name in ("a", "b", "c"):
        server.route(f"/slow-pages/{name}.html", samples.drip(0.05))
    slow = [server.url(f"/slow-pages/{name}.html") for name in ("a", "b", "c")]
    good = server.url("/articles/ghana-togo.html")
    feed = samples.rss([(f"Story {n}", link, f"Summary {n}.") for n, link in enumerate([good, *slow])])
    server.route("/slow-pages.xml", samples.static(feed.encode()))
    started = time.monotonic()
    out = Collected([server.url("/slow-pages.xml")], fetch_articles=True, timeout_s=10.0,
                    page_budget=PageBudget(max_pages=100, deadline_at=time.time() + 10.0,
                                           allow_private_addresses=True))
    assert time.monotonic() - started < 25  # each slow page alone may take 3 × 10 s
    assert [item["source_uri"] for item in out.items] == [good]
    assert out.items[0]["text_source"] == "page"
    assert sorted((row["source_uri"], row["reason"]) for row in out.rejects) == [
        (link, "page_deferred") for link in slow]
    assert server.hits("/slow-pages/c.html") == 0
    row = out.fetch_row(server.url("/slow-pages.xml"))
    assert row["entries_deferred"] == 3 and row["rejects"] == 3 and row["entries_seen"] == 4
    assert out.counter("pages_deferred") == 3 and out.counter("pages_extracted") == 1
    assert out.counter("items_read") == 4 and out.counter("items_rejected") == 3
