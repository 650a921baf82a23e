"""The whole job reading feeds from a real HTTP server on 127.0.0.1: tables, accounting and re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from outputs.tables import read_table
from pipeline.summary import format_summary
from tests import feedserver as samples
from tests.conftest import run_communique

SEED_FEEDS = Path(__file__).parent.parent / "seeds" / "feeds"


@pytest.fixture(scope="module")
def server():
    running = samples.serve(slow_s=2.0)
    yield running
    running.stop()


def _feeds(server) -> list[str]:
    urls = [server.url(path) for path in ("/etag.xml", "/basic.xml", "/gzip.xml", "/malformed.xml",
                                          "/empty-entry.xml", "/missing.xml", "/binary.rss")]
    return [*urls, str(SEED_FEEDS / "wire_sample.rss")]


def _run(server, output: Path):
    args = ["--no-seeds", "--output", str(output), "--feed-timeout", "1"]
    for feed in _feeds(server):
        args += ["--feed", feed]
    return run_communique(*args)


def _fetch_rows(output: Path, run_id: str) -> dict[str, dict]:
    rows = read_table(str(output), "feed_fetches").to_pylist()
    return {row["feed_uri"]: row for row in rows if row["run_id"] == run_id}


def test_feeds_end_to_end_accounting_and_rerun(server, tmp_path):
    output = tmp_path / "out"
    first = _run(server, output)
    articles = read_table(str(output), "articles").to_pylist()
    counters = first.counters
    # Every item read is an article, a duplicate or a reject.
    assert counters["items_read"] == len(articles) + counters["duplicates"] + counters["items_rejected"]
    # /etag, /basic and /gzip serve the same two stories: written once.
    links = [a["source_uri"] for a in articles]
    assert len(links) == len(set(links))
    assert "https://desk.example.net/2024/06/ghana-togo-fisheries" in links
    assert {a["source_kind"] for a in articles} == {"feed"}
    assert all(a["published_at"] is not None for a in articles)
    rows = _fetch_rows(output, first.run_id)
    assert set(rows) == set(_feeds(server))
    for uri, row in rows.items():
        assert row["entries_seen"] == row["entries_new"] + row["duplicates"] + row["rejects"], uri
    assert sum(row["entries_new"] for row in rows.values()) == len(articles)
    assert sum(row["duplicates"] for row in rows.values()) == counters["duplicates"] == 4
    assert rows[server.url("/missing.xml")]["error_code"] == "http_error"
    assert rows[server.url("/binary.rss")]["error_code"] == "unparseable"
    assert rows[server.url("/malformed.xml")]["error_code"] == "malformed"
    assert rows[server.url("/empty-entry.xml")]["rejects"] == 1
    reasons = sorted(r["reason"] for r in read_table(str(output), "rejects").to_pylist())
    assert reasons == ["entry_empty", "feed_fetch_failed", "feed_unparseable"]

    etag_hits = server.hits("/etag.xml")
    second = _run(server, output)
    assert server.headers_sent("/etag.xml")[-1]["if-none-match"] == '"v1"'
    assert server.hits("/etag.xml") == etag_hits + 1
    rows = _fetch_rows(output, second.run_id)
    assert rows[server.url("/etag.xml")]["not_modified"]
    assert rows[server.url("/etag.xml")]["entries_seen"] == 0
    assert read_table(str(output), "articles").num_rows == len(articles)  # nothing new, nothing twice
    assert second.rows_written["articles"] == 0
    for uri, row in rows.items():
        assert row["entries_new"] == 0, uri
        assert row["entries_seen"] == row["duplicates"] + row["rejects"], uri
    assert second.counters["items_read"] == second.counters["duplicates"] + second.counters["items_rejected"]


def test_fetch_articles_fetches_a_page_once_across_runs(server, tmp_path):
    page = server.url("/articles/ghana-togo.html")
    feed = samples.rss([("Ghana and Togo sign fisheries accord", page, "Summary of the accord.")])
    server.route("/one-page.xml", samples.static(feed.encode()))
    output = tmp_path / "out"
    args = ["--no-seeds", "--output", str(output), "--feed", server.url("/one-page.xml"), "--fetch-articles",
            "--allow-private-addresses"]  # the test server is on 127.0.0.1
    hits_before = server.hits("/articles/ghana-togo.html")
    first = run_communique(*args)
    assert server.hits("/articles/ghana-togo.html") == hits_before + 1
    [article] = read_table(str(output), "articles").to_pylist()
    assert article["text_source"] == "page" and first.counters["pages_extracted"] == 1
    assert "  pages      extracted 1" in format_summary(first)

    # The feed is read again (no validators), but the article is written: its page is not fetched again.
    second = run_communique(*args)
    assert server.hits("/articles/ghana-togo.html") == hits_before + 1
    assert second.counters["pages_skipped_known"] == 1
    assert second.rows_written["articles"] == 0


def test_pages_over_the_budget_are_fetched_next_run_not_lost(server, tmp_path):
    """--max-pages 2 on a feed of three: the third entry is deferred (a page_deferred reject), the feed's
    ETag is not stored, and the next run reads the feed in full, skips the two stored entries and fetches
    the third page. Only then is the ETag stored and the feed asked for conditionally."""
    pages = [server.url(f"/budget/p{n}.html") for n in range(3)]
    for n, link in enumerate(pages):
        server.route(link.removeprefix(server.base), samples.static(
            samples.ARTICLE_PAGE.format(marker=f"Budget page {n}.").encode(), "text/html"))
    feed = samples.rss([(f"Budget story {n}", link, f"Summary {n}.") for n, link in enumerate(pages)])
    server.route("/budget.xml", samples.with_etag(feed.encode(), '"budget-v1"'))
    output = tmp_path / "out"
    args = ["--no-seeds", "--output", str(output), "--feed", server.url("/budget.xml"), "--fetch-articles",
            "--allow-private-addresses", "--max-pages", "2"]

    first = run_communique(*args)
    assert first.rows_written["articles"] == 2 and first.counters["pages_deferred"] == 1
    assert first.rejects_by_reason == {"page_deferred": 1} and first.exit_status == "ok_with_rejects"
    [row] = _fetch_rows(output, first.run_id).values()
    assert (row["entries_seen"], row["entries_new"], row["entries_deferred"], row["rejects"]) == (3, 2, 1, 1)
    [deferred] = read_table(str(output), "rejects").to_pylist()
    assert deferred["source_uri"] == pages[2]

    second = run_communique(*args)
    assert "if-none-match" not in server.headers_sent("/budget.xml")[-1]  # validators were not advanced
    assert second.rows_written["articles"] == 1 and second.counters["pages_skipped_known"] == 2
    articles = read_table(str(output), "articles").to_pylist()
    assert sorted(article["source_uri"] for article in articles) == pages
    assert {article["text_source"] for article in articles} == {"page"}
    assert all(server.hits(link.removeprefix(server.base)) == 1 for link in pages)

    third = run_communique(*args)
    assert server.headers_sent("/budget.xml")[-1]["if-none-match"] == '"budget-v1"'
    assert _fetch_rows(output, third.run_id)[server.url("/budget.xml")]["not_modified"]
