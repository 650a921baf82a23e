"""Publication dates through the whole job, from a feed served on 127.0.0.1 (issue 14): local days for
relative dates, 12-hour times, zone-less and missing dates flagged, hostile dates refused, and no table
with a NULL partition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outputs.tables import read_table
from tests import feedserver as samples
from tests.conftest import run_communique

RUN_AT = "2025-03-10T12:00:00Z"
RUN = dt.datetime(2025, 3, 10, 12, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc
TEXT = ("Japanese Prime Minister Shigeru Ishiba met South Korean President Yoon Suk Yeol in Tokyo on "
        "Tuesday. The two leaders will meet again next week.")
# link slug -> the entry's pubDate (None: the entry has none)
PUB_DATES = {
    "tokyo": "Tue, 04 Mar 2025 06:30 +0900",
    "nbc": "Sat, Dec 16 2023 02:02:33 PM",
    "undated": None,
    "offset-99": "Thu, 06 Mar 2025 10:15:00 +99:99",
    "offset-2359": "Thu, 06 Mar 2025 10:15:00 -23:59",
    "year-10000": "10000-01-01T00:00:00Z",
    "feb-29": "Mon, 29 Feb 2021 10:00:00 GMT",
    "garbage": "garbage",
    "year-1": "0001-01-01T00:00:00Z",
    "year-9999": "9999-12-31T00:00:00Z",
    "unix": "1482105600",
}


def _feed() -> bytes:
    items = []
    for slug, pub_date in PUB_DATES.items():
        date = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
        items.append(f"<item><title>Leaders meet ({slug})</title><link>https://desk.example.net/{slug}</link>"
                     f"<description>{TEXT} Reported as {slug}.</description>{date}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Dates</title>'
            "<link>https://desk.example.net/</link><description>d</description>"
            + "".join(items) + "</channel></rss>").encode()


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    server = samples.FeedServer()
    server.route("/dates.xml", samples.static(_feed()))
    server.start()
    try:
        out = tmp_path_factory.mktemp("dates") / "out"
        outcome = run_communique("--no-seeds", "--output", str(out), "--feed", server.url("/dates.xml"),
                                 "--run-timestamp", RUN_AT)
    finally:
        server.stop()
    assert outcome.exit_status == "ok", outcome.exit_status  # before: OverflowError, exit 1
    # The summary's "dates" line: every assumption and fallback counted (before: none were).
    assert {name: value for name, value in outcome.counters.items()
            if name.startswith("date_flag_") or name == "date_missing"} == {
        "date_flag_assumed_utc": 1, "date_flag_missing": 1, "date_flag_unparseable": 5,
        "date_flag_implausible": 2, "date_missing": 8}
    return out


def _articles(output: Path) -> dict[str, dict]:
    rows = read_table(str(output), "articles").to_pylist()
    return {row["source_uri"].rsplit("/", 1)[1]: row for row in rows}


def test_every_entry_is_an_article_with_a_date(output):
    articles = _articles(output)
    assert set(articles) == set(PUB_DATES)
    assert all(row["published_at"] is not None and row["published_date"] is not None
               for row in articles.values())


def test_relative_dates_resolve_against_the_local_day(output):
    tokyo = _articles(output)["tokyo"]
    assert tokyo["published_date"] == dt.date(2025, 3, 3)  # the UTC day still partitions
    assert tokyo["published_utc_offset_minutes"] == 540 and tokyo["date_flag"] is None
    dates = {row["text"]: row for row in read_table(str(output), "dates").to_pylist()
             if row["article_id"] == tokyo["article_id"]}
    # before: 2025-02-25, the Tuesday before the UTC Monday
    assert dates["Tuesday"]["resolved_date"] == dt.date(2025, 3, 4)
    assert dates["next week"]["resolved_date"] == dt.date(2025, 3, 10)
    events = [row for row in read_table(str(output), "events").to_pylist()
              if row["article_id"] == tokyo["article_id"]]
    assert events, "the meeting should be coded"
    assert {row["event_date"] for row in events} <= {dt.date(2025, 3, 4)}


def test_a_12_hour_time_without_a_zone_keeps_its_pm_and_is_flagged(output):
    nbc = _articles(output)["nbc"]
    assert nbc["published_at"] == dt.datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)  # before: 02:02:33
    assert (nbc["date_source"], nbc["date_flag"]) == ("published", "assumed_utc")  # before: no flag
    assert nbc["published_utc_offset_minutes"] is None


@pytest.mark.parametrize(
    ("slug", "flag"),
    [
        ("undated", "missing"),  # before: the run's time, date_source 'fetched_at', no flag
        ("offset-99", "unparseable"),  # before: 2025-03-02, four days early
        ("offset-2359", "unparseable"),  # before: accepted, a day late
        ("year-10000", "unparseable"),  # before: 2010-11-01
        ("feb-29", "unparseable"),  # before: the run's time, no flag
        ("garbage", "unparseable"),  # before: the run's time, no flag
        ("year-1", "implausible"),  # before: kept as 0001-01-01, then OverflowError on "on Tuesday"
        ("year-9999", "implausible"),
    ],
)
def test_unusable_dates_fall_back_to_the_fetch_time_with_a_flag(output, slug, flag):
    row = _articles(output)[slug]
    assert (row["date_source"], row["date_flag"]) == ("fetched", flag)
    assert row["published_at"] == RUN
    assert row["published_raw"] == PUB_DATES[slug]


def test_relative_dates_are_not_placed_against_a_fetch_time(output):
    articles = _articles(output)
    fallback_ids = {row["article_id"] for row in articles.values() if row["date_source"] == "fetched"}
    dated = [row for row in read_table(str(output), "dates").to_pylist() if row["article_id"] in fallback_ids]
    assert dated == []  # "on Tuesday", "next week": no honest anchor
    events = [row for row in read_table(str(output), "events").to_pylist()
              if row["article_id"] in fallback_ids]
    assert events and all(row["event_date"] == RUN.date() and row["event_date_source"] == "fetched"
                          for row in events)


def test_a_unix_time_is_read_as_one(output):
    unix = _articles(output)["unix"]
    assert unix["published_at"] == dt.datetime(2016, 12, 19, tzinfo=UTC) and unix["date_flag"] is None


def test_no_table_has_a_null_partition(output):
    assert not list(output.rglob("*__HIVE_DEFAULT_PARTITION__*"))
    for table, column in (("articles", "published_date"), ("dates", "published_date"),
                          ("entities", "published_date"), ("events", "event_date"),
                          ("event_daily", "event_date")):
        values = read_table(str(output), table).column(column).to_pylist()
        assert values and None not in values, table
