"""parse_feed: feed bytes to raw items, without Beam and without a network."""

from __future__ import annotations

import datetime as dt
import resource
from pathlib import Path

import pytest

from tests import feedserver as samples
from transforms.common.document import RAW_ITEM_KEYS
from transforms.sources.feeds import parse_feed

FETCHED = dt.datetime(2024, 6, 3, 12, 0, tzinfo=dt.timezone.utc)
SEED_FEEDS = Path(__file__).parent.parent / "seeds" / "feeds"
UTC = dt.timezone.utc


def parse(data: bytes, feed_uri: str = "https://feeds.example.net/world.xml", **options):
    return parse_feed(data, feed_uri=feed_uri, fetched_at=FETCHED, **options)


def atom(entries: str, feed_extra: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">'
            f"<title>Atom test</title><id>urn:test:feed</id>{feed_extra}{entries}</feed>").encode()


def test_items_carry_only_raw_item_keys_and_the_feed():
    parsed = parse(samples.BASIC_FEED)
    assert not parsed.unreadable and parsed.problem is None
    assert parsed.entries_seen == 2 and len(parsed.items) == 2
    for item in parsed.items:
        assert set(item) == set(RAW_ITEM_KEYS)
        assert item["source_kind"] == "feed"
        assert item["feed_uri"] == "https://feeds.example.net/world.xml"
    assert parsed.version == "rss20"


def test_links_are_canonical_and_are_the_article_key():
    first = parse(samples.BASIC_FEED).items[0]
    assert first["source_uri"] == "https://desk.example.net/2024/06/ghana-togo-fisheries"
    assert first["article_key"] == first["source_uri"]


def test_rss_pubdate_becomes_aware_utc():
    first = parse(samples.BASIC_FEED).items[0]
    assert first["published_at"] == dt.datetime(2024, 6, 2, 22, 15, tzinfo=UTC)
    assert first["published_raw"] == "Mon, 03 Jun 2024 00:15:00 +0200"
    assert first["date_source"] == "published"


def test_date_falls_back_from_published_to_updated_to_feed_date_to_fetch_time():
    entries = (
        "<entry><id>urn:e:1</id><title>A</title><published>2024-05-01T10:00:00+02:00</published>"
        "<updated>2024-05-02T10:00:00Z</updated><summary>one</summary></entry>"
        "<entry><id>urn:e:2</id><title>B</title><updated>2024-05-02T10:00:00-05:00</updated>"
        "<summary>two</summary></entry>"
        "<entry><id>urn:e:3</id><title>C</title><summary>three</summary></entry>"
    )
    with_feed_date = parse(atom(entries, "<updated>2024-05-03T00:00:00Z</updated>")).items
    assert [(i["date_source"], i["published_at"]) for i in with_feed_date] == [
        ("published", dt.datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("updated", dt.datetime(2024, 5, 2, 15, 0, tzinfo=UTC)),
        ("feed_date", dt.datetime(2024, 5, 3, 0, 0, tzinfo=UTC)),
    ]
    without = parse(atom(entries)).items
    assert (without[2]["date_source"], without[2]["published_at"]) == ("fetched", FETCHED)
    assert without[2]["published_raw"] is None


def test_the_sources_offset_is_kept_not_feedparsers_utc_value():
    feed = samples.rss([("Talks", "https://d.example.net/t", "Text.")]).replace(
        "Mon, 03 Jun 2024 00:15:00 +0200", "Tue, 04 Mar 2025 06:30 +0900")
    item = parse(feed.encode()).items[0]
    assert item["published_at"] == dt.datetime(2025, 3, 3, 21, 30, tzinfo=UTC)
    assert item["published_at"].utcoffset() == dt.timedelta(hours=9)  # before: UTC, the local day lost


@pytest.mark.parametrize(
    "pub_date",
    ["Thu, 06 Mar 2025 10:15:00 +99:99", "Thu, 06 Mar 2025 10:15:00 -23:59", "10000-01-01T00:00:00Z",
     "Mon, 29 Feb 2021 10:00:00 GMT", "garbage"],
)
def test_an_unreadable_entry_date_is_kept_raw_for_the_flag_and_the_fetch_time_stands_in(pub_date):
    # Before: feedparser's value won (+99:99 four days early, -23:59 accepted, 10000 as 2010-11-01) or
    # the fetch time was used with no trace of the string.
    feed = samples.rss([("Talks", "https://d.example.net/t", "Text.")]).replace(
        "Mon, 03 Jun 2024 00:15:00 +0200", pub_date)
    item = parse(feed.encode()).items[0]
    assert (item["date_source"], item["published_at"]) == ("fetched", FETCHED)
    assert item["published_raw"] == pub_date


def test_an_unreadable_entry_date_gives_way_to_the_feeds_date():
    entries = ("<entry><id>urn:e:1</id><title>A</title><published>garbage</published>"
               "<summary>one</summary></entry>")
    [item] = parse(atom(entries, "<updated>2024-05-03T00:00:00Z</updated>")).items
    assert (item["date_source"], item["published_at"]) == ("feed_date", dt.datetime(2024, 5, 3, tzinfo=UTC))


def test_a_date_feedparser_cannot_read_is_read_by_the_publication_date_parser():
    feed = samples.rss([("Talks", "https://d.example.net/t", "Text.")]).replace(
        "Mon, 03 Jun 2024 00:15:00 +0200", "2024-06-03 09:30 +0300")
    item = parse(feed.encode()).items[0]
    assert item["date_source"] == "published"
    assert item["published_at"] == dt.datetime(2024, 6, 3, 6, 30, tzinfo=UTC)


def test_content_is_preferred_to_summary_and_html_becomes_paragraphs():
    wire = parse((SEED_FEEDS / "wire_sample.rss").read_bytes(), feed_uri="seeds/feeds/wire_sample.rss")
    kenya = wire.items[0]
    assert kenya["text_source"] == "content"
    assert kenya["text"].startswith("The foreign ministers of Kenya and Ethiopia agreed")
    assert "customs procedures & security" in kenya["text"]
    assert "trackPageView" not in kenya["text"] and "<p>" not in kenya["text"]
    assert kenya["text"].count("\n\n") == 2  # three paragraphs
    brazil = wire.items[1]
    assert brazil["text_source"] == "summary"
    assert "\n\n" in brazil["text"] and "&lt;" not in brazil["text"]


def test_language_comes_from_the_feed():
    assert parse(samples.BASIC_FEED.replace(b"<description>Test feed</description>",
                                            b"<language>pt-BR</language>")).items[0]["language"] == "pt-BR"
    entries = "<entry><id>urn:e:1</id><title>Accord</title><summary>Texte.</summary></entry>"
    assert parse(atom(entries)).items[0]["language"] == "fr"


def test_entry_without_link_is_keyed_by_guid_and_feed():
    entries = "<entry><id>press-42</id><title>Statement</title><summary>Words.</summary></entry>"
    item = parse(atom(entries)).items[0]
    assert item["guid"] == "press-42"
    assert item["article_key"] == "https://feeds.example.net/world.xml#guid=press-42"
    other_feed = parse(atom(entries), feed_uri="https://other.example.net/feed.xml").items[0]
    assert other_feed["article_key"] != item["article_key"]


def test_feed_file_entries_are_keyed_by_the_feeds_web_home_not_the_path():
    data = (SEED_FEEDS / "ministry_sample.atom").read_bytes()
    here = parse(data, feed_uri="seeds/feeds/ministry_sample.atom").items
    there = parse(data, feed_uri="/elsewhere/ministry_sample.atom").items
    assert [i["article_key"] for i in here] == [i["article_key"] for i in there]
    assert here[0]["source_uri"] == "https://ministry.example.org/press/2021/10/ceasefire-yemen.html"
    assert here[2]["article_key"].startswith("https://ministry.example.org/press/feed.atom#guid=")


def test_relative_links_resolve_against_the_final_url():
    feed = samples.rss([("Relative", "/2024/06/relative-story?utm_medium=email", "Text.")])
    item = parse(feed.encode(), base_url="https://desk.example.net/feeds/world.xml").items[0]
    assert item["source_uri"] == "https://desk.example.net/2024/06/relative-story"


def test_entry_with_neither_title_nor_text_is_a_problem_not_an_item():
    parsed = parse(samples.EMPTY_ENTRY_FEED)
    assert parsed.entries_seen == 2
    assert len(parsed.items) == 1 and len(parsed.entry_problems) == 1
    problem = parsed.entry_problems[0]
    assert problem.reason == "entry_empty"
    assert problem.source_uri == "https://gaps.example.net/empty"
    assert parsed.entries_read == parsed.entries_seen


def test_malformed_feed_keeps_what_was_readable_and_says_why():
    parsed = parse(samples.MALFORMED_FEED)
    assert not parsed.unreadable
    assert parsed.items[0]["title"] == "Mongolia opens consulate in Busan"
    assert len(parsed.items) == 2
    assert "not well-formed" in parsed.problem


@pytest.mark.parametrize("data, expected", [
    (samples.CP1252_FEED, "Côte d’Ivoire and Mali reopen border — officials"),
    (samples.UTF16_FEED, "Ελλάδα και Κύπρος: κοινή δήλωση"),
])
def test_declared_encodings_are_honoured(data, expected):
    parsed = parse(data)
    assert parsed.problem is None
    assert parsed.items[0]["title"] == expected


def test_charset_from_the_http_header_is_used():
    parsed = parse(samples.CP1252_FEED, content_type="application/rss+xml; charset=windows-1252")
    assert "“temporary”" in parsed.items[0]["text"]


@pytest.mark.parametrize("data", [b"", b"   \n", samples.BINARY_AS_RSS, b"%PDF-1.7 binary",
                                  b"just some words, not a feed"])
def test_nothing_readable_is_unreadable_with_a_reason(data):
    parsed = parse(data)
    assert parsed.unreadable and parsed.items == [] and parsed.problem


def test_html_page_is_not_a_feed():
    parsed = parse(b"<html><head><title>Home</title></head><body><p>Welcome</p></body></html>")
    assert parsed.unreadable
    assert "Nothing readable" in parsed.problem


def test_valid_feed_without_entries_is_neither_an_error_nor_an_item():
    parsed = parse(samples.rss([]).encode())
    assert not parsed.unreadable and parsed.problem is None
    assert parsed.items == [] and parsed.entries_seen == 0


@pytest.mark.parametrize("bomb", [samples.ENTITY_BOMB, samples.QUADRATIC_BOMB], ids=["laughs", "quadratic"])
def test_entity_bombs_are_not_expanded(bomb):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parsed = parse(bomb)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100
    assert "entity declarations were removed" in parsed.problem
    for item in parsed.items:
        assert len(item["text"]) < 200_000 and len(item["title"] or "") < 1000


@pytest.mark.parametrize("value", [b'"x"', b'">"', b"'x'"])
def test_an_element_with_thousands_of_attributes_is_refused_quickly(value):
    attributes = b" ".join(b"a%d=%s" % (number, value) for number in range(50_000))
    bomb = (b'<?xml version="1.0"?><rss version="2.0"><channel><item ' + attributes
            + b"><title>T</title></item></channel></rss>")
    parsed = parse(bomb)
    assert parsed.unreadable and "50000 attributes" in parsed.problem


def test_huge_feed_is_capped_and_the_rest_counted():
    parsed = parse(samples.many_entries_feed(100_000))
    assert parsed.entries_seen == 100_000
    assert len(parsed.items) == 2000 and parsed.entries_skipped == 98_000
    assert parsed.items[-1]["source_uri"] == "https://many.example.net/1999"
    assert "100000 entries" in parsed.problem


def test_cap_is_also_applied_when_the_document_cannot_be_cut_before_parsing():
    utf16 = samples.rss([(f"Note {n}", f"https://d.example.net/{n}", "Text.") for n in range(30)],
                        encoding="utf-16").encode("utf-16")
    parsed = parse(utf16, max_entries=10)
    assert parsed.entries_seen == 30 and len(parsed.items) == 10 and parsed.entries_skipped == 20


def test_every_seed_feed_parses_cleanly():
    feeds = sorted(SEED_FEEDS.iterdir())
    assert {path.suffix for path in feeds} >= {".rss", ".atom"}
    for path in feeds:
        parsed = parse(path.read_bytes(), feed_uri=str(path))
        assert parsed.problem is None and not parsed.entry_problems, path
        assert parsed.items and all(item["text"] and item["title"] for item in parsed.items)
