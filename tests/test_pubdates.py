"""Publication dates: many formats and languages to UTC with the source's offset kept; garbage and hostile
values to None; the article's date columns never empty, every assumption and fallback flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.dates.published import (
    FUTURE_TOLERANCE,
    date_flag,
    has_source_date,
    local_publication_date,
    parse_publication_date,
    publication_fields,
    read_publication_time,
)

UTC = dt.timezone.utc

# (as a source gives it, the instant in UTC)
READABLE = [
    # ISO 8601 / W3C-DTF
    ("2021-10-28", "2021-10-28T00:00:00"),
    ("2021-10-28T10:15:00Z", "2021-10-28T10:15:00"),
    ("2021-10-28T10:15:00z", "2021-10-28T10:15:00"),
    ("2021-10-28T10:15:00+02:00", "2021-10-28T08:15:00"),
    ("2021-10-28T10:15:00-0500", "2021-10-28T15:15:00"),
    ("2021-10-28T10:15+05:30", "2021-10-28T04:45:00"),
    ("2021-10-28 10:15:00", "2021-10-28T10:15:00"),
    ("2021-10-28T10:15:00.5Z", "2021-10-28T10:15:00.500000"),
    ("2021-10-28T10:15:00.123456789+00:00", "2021-10-28T10:15:00.123456"),
    ("2021-10-28T01:00:00+03:00", "2021-10-27T22:00:00"),  # the UTC day is the day before
    ("20211028T101500Z", "2021-10-28T10:15:00"),
    ("20211028T1015+0200", "2021-10-28T08:15:00"),
    ("  2021-10-28T10:15:00Z \n", "2021-10-28T10:15:00"),
    # RFC 822 / 2822 and asctime
    ("Thu, 28 Oct 2021 10:15:00 GMT", "2021-10-28T10:15:00"),
    ("Thu, 28 Oct 2021 10:15:00 +0330", "2021-10-28T06:45:00"),
    ("Thu, 28 Oct 2021 10:15:00 -0700", "2021-10-28T17:15:00"),
    ("Thu, 28 Oct 2021 10:15:00 EST", "2021-10-28T15:15:00"),
    ("Thu, 28 Oct 2021 23:30:00 EDT", "2021-10-29T03:30:00"),  # the UTC day is the day after
    ("28 Oct 2021 10:15 UT", "2021-10-28T10:15:00"),
    ("Thu Oct 28 10:15:00 2021", "2021-10-28T10:15:00"),
    # anything dateparser reads, in several languages
    ("28 Oct 2021", "2021-10-28T00:00:00"),
    ("October 28, 2021", "2021-10-28T00:00:00"),
    ("Thursday, October 28, 2021 at 3:15 PM EDT", "2021-10-28T19:15:00"),
    ("28 octobre 2021", "2021-10-28T00:00:00"),
    ("jeudi 28 octobre 2021 à 14h30", "2021-10-28T14:30:00"),
    ("jueves, 28 de octubre de 2021 10:15 CEST", "2021-10-28T08:15:00"),
    ("28. Oktober 2021 14:00 MESZ", "2021-10-28T12:00:00"),
    ("Четверг, 28 октября 2021", "2021-10-28T00:00:00"),
    ("2021年10月28日", "2021-10-28T00:00:00"),
    ("Πέμ, 28 Οκτ 2021 10:15:00 +0300", "2021-10-28T07:15:00"),
    ("28/10/2021", "2021-10-28T00:00:00"),
    ("1635415200", "2021-10-28T10:00:00"),  # a Unix timestamp
]


@pytest.mark.parametrize(("raw", "expected"), READABLE)
def test_readable_dates_become_aware_utc(raw, expected):
    parsed = parse_publication_date(raw)
    assert parsed is not None
    assert parsed.tzinfo is not None and parsed.utcoffset() == dt.timedelta(0)
    assert parsed.replace(tzinfo=None) == dt.datetime.fromisoformat(expected)


UNREADABLE = [
    None,
    "",
    "   ",
    "garbage",
    "not a date at 10:00",
    "2021-02-30",  # ISO-shaped but impossible: refused, not rolled over to March
    "2021-10-28T25:00Z",
    "2021-13-01",
    "2021",  # not a day
    "2021-10",
    "yesterday",  # relative: would depend on when the run happens
    "2 hours ago",
    "Monday",
    "32 Oct 2021",
    "Thu, 28 Oct 2021 10:15:00 +9999",  # no time zone is that far from UTC
    "9999-12-31T23:59:59-05:00",  # past the last year datetime holds, once in UTC
    "0001-01-01T00:00:00+05:00",
    "0000-00-00",
    "2021-10-28T10:15:00+05:99",
    "x" * 500,
]


@pytest.mark.parametrize("raw", UNREADABLE)
def test_unreadable_dates_are_none(raw):
    assert parse_publication_date(raw) is None


def test_a_non_string_is_none_not_an_error():
    assert parse_publication_date(12345) is None  # type: ignore[arg-type]


def test_the_seed_header_date():
    assert parse_publication_date("2021-10-28") == dt.datetime(2021, 10, 28, tzinfo=UTC)


def test_reading_is_deterministic():
    first = [parse_publication_date(raw) for raw, _ in READABLE]
    assert first == [parse_publication_date(raw) for raw, _ in READABLE]


INGESTED = dt.datetime(2024, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("published", "flag"),
    [
        (None, None),
        (dt.datetime(2024, 6, 1, 11, tzinfo=UTC), None),
        (dt.datetime(2021, 10, 28, tzinfo=UTC), None),
        (INGESTED + FUTURE_TOLERANCE, None),  # a feed east of UTC, a slightly fast clock
        (INGESTED + FUTURE_TOLERANCE + dt.timedelta(seconds=1), "future"),
        (dt.datetime(2025, 12, 31, 23, tzinfo=UTC), "future"),  # the year after the run: still plausible
        (dt.datetime(2026, 1, 1, tzinfo=UTC), "implausible"),
        (dt.datetime(2999, 1, 1, tzinfo=UTC), "implausible"),
        (dt.datetime(1899, 12, 31, 23, 59, tzinfo=UTC), "implausible"),
        (dt.datetime(1900, 1, 1, tzinfo=UTC), None),
        (dt.datetime(1, 1, 1, tzinfo=UTC), "implausible"),
        (dt.datetime(9999, 12, 31, tzinfo=UTC), "implausible"),
    ],
)
def test_date_flag(published, flag):
    assert date_flag(published, INGESTED) == flag


def test_date_flag_on_parsed_strings():
    assert date_flag(parse_publication_date("1850-05-01"), INGESTED) == "implausible"
    assert date_flag(parse_publication_date("2999-01-01T00:00:00Z"), INGESTED) == "implausible"
    assert date_flag(parse_publication_date("2025-01-01T00:00:00Z"), INGESTED) == "future"
    assert date_flag(parse_publication_date("Sat, 01 Jun 2024 20:00:00 +0800"), INGESTED) is None


def test_date_flag_accepts_a_naive_ingestion_time_as_utc():
    assert date_flag(dt.datetime(2024, 6, 5, tzinfo=UTC), INGESTED.replace(tzinfo=None)) == "future"


# ---- found in real feeds and under attack (issue 14) ------------------------------------------------

def test_a_12_hour_time_keeps_its_pm():
    # NBC's format. Before: email.utils read "PM" as an unknown zone and kept 02:02:33.
    assert read_publication_time("Sat, Dec 16 2023 02:02:33 PM") == dt.datetime(2023, 12, 16, 14, 2, 33)
    assert read_publication_time("Dec 16, 2023 2:02 PM") == dt.datetime(2023, 12, 16, 14, 2)
    assert parse_publication_date("Sat, Dec 16 2023 02:02:33 PM EST") == dt.datetime(
        2023, 12, 16, 19, 2, 33, tzinfo=UTC)
    assert parse_publication_date("Sat, Dec 16 2023 02:02:33 AM") == dt.datetime(2023, 12, 16, 2, 2, 33,
                                                                                 tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "offset_hours"),
    [("Tue, 04 Mar 2025 06:30 +0900", 9), ("2025-03-04T06:30:00+09:00", 9),
     ("Mon, 03 Mar 2025 19:30:00 -0500", -5), ("jueves, 28 de octubre de 2021 10:15 CEST", 2),
     ("Thu, 28 Oct 2021 10:15:00 GMT", 0), ("Thu, 28 Oct 2021 10:15:00 +1400", 14), ("1635415200", 0)],
)
def test_the_sources_offset_is_kept(raw, offset_hours):
    assert read_publication_time(raw).utcoffset() == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize("raw", ["2021-10-28 10:15:00", "Thu, 28 Oct 2021 10:15:00", "28/10/2021",
                                 "Sat, Dec 16 2023 02:02:33 PM", "2021-10-28"])
def test_a_string_without_a_zone_reads_as_naive(raw):
    assert read_publication_time(raw).tzinfo is None


@pytest.mark.parametrize(
    "raw",
    [
        "Thu, 28 Oct 2021 10:15:00 +99:99",  # before (feedparser's value): shifted four days
        "Thu, 28 Oct 2021 10:15:00 -23:59",  # before: accepted, a day off
        "Thu, 28 Oct 2021 10:15:00 +1500",
        "2021-10-28T10:15:00-14:30",
        "10000-01-01T00:00:00Z",  # before: 2010-11-01 (feedparser's reader)
        "10000-01-01",
        "Sat, 01 Jan 10000 00:00:00 GMT",
        "Mon, 29 Feb 2021 10:00:00 GMT",  # no 29 February in 2021
        "2021-02-29",
        "garbage",
    ],
)
def test_hostile_and_impossible_dates_are_refused(raw):
    assert read_publication_time(raw) is None


def test_timestamps_are_utc_whatever_the_machines_zone(monkeypatch):
    import time
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert parse_publication_date("1635415200") == dt.datetime(2021, 10, 28, 10, tzinfo=UTC)
        assert parse_publication_date("1635415200000") == dt.datetime(2021, 10, 28, 10, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time.tzset()


RUN = dt.datetime(2025, 3, 10, 12, tzinfo=UTC)


def _fields(raw, *, published_at=None, date_source="published", ingested_at=RUN):
    return publication_fields(published_at, raw, date_source, ingested_at)


def test_the_offset_is_carried_and_the_partition_stays_the_utc_day():
    fields = _fields("Tue, 04 Mar 2025 06:30 +0900")
    assert fields["published_at"] == dt.datetime(2025, 3, 3, 21, 30, tzinfo=UTC)
    assert fields["published_date"] == dt.date(2025, 3, 3)  # the UTC day partitions
    assert fields["published_utc_offset_minutes"] == 540
    assert (fields["date_source"], fields["date_flag"]) == ("published", None)
    assert local_publication_date(fields) == dt.date(2025, 3, 4)  # the day "on Tuesday" is read against
    assert has_source_date(fields)


def test_a_parsed_value_from_the_source_keeps_its_offset_too():
    tokyo = dt.datetime(2025, 3, 4, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    fields = _fields("Tue, 04 Mar 2025 06:30 +0900", published_at=tokyo)
    assert fields["published_utc_offset_minutes"] == 540
    assert fields["published_at"].utcoffset() == dt.timedelta(0)


def test_a_time_without_a_zone_is_taken_as_utc_and_flagged():
    fields = _fields("Sat, Dec 16 2023 02:02:33 PM")
    assert fields["published_at"] == dt.datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)
    assert fields["published_utc_offset_minutes"] is None
    assert fields["date_flag"] == "assumed_utc"
    assert local_publication_date(fields) == dt.date(2023, 12, 16)


def test_a_bare_day_is_that_day_without_a_flag():
    fields = _fields("2021-10-28", date_source="seed_header")
    assert fields["published_date"] == dt.date(2021, 10, 28)
    assert fields["date_flag"] is None and fields["published_utc_offset_minutes"] is None


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        (None, "missing"),
        ("garbage", "unparseable"),
        ("Mon, 29 Feb 2021 10:00:00 GMT", "unparseable"),
        ("Thu, 28 Oct 2021 10:15:00 +99:99", "unparseable"),
        ("Thu, 28 Oct 2021 10:15:00 -23:59", "unparseable"),
        ("10000-01-01T00:00:00Z", "unparseable"),
        ("0001-01-01", "implausible"),
        ("9999-12-31", "implausible"),
        ("1850-05-01", "implausible"),
        ("2027-01-01T00:00:00Z", "implausible"),  # two years after the run
    ],
)
def test_no_usable_date_falls_back_to_the_fetch_time_with_a_flag(raw, flag):
    fields = _fields(raw)
    assert fields["published_at"] == RUN and fields["published_date"] == RUN.date()
    assert (fields["date_source"], fields["date_flag"]) == ("fetched", flag)
    assert fields["published_utc_offset_minutes"] is None
    assert not has_source_date(fields)


def test_a_feeds_fetch_time_stands_in_for_its_missing_date():
    fetched = RUN - dt.timedelta(minutes=5)
    fields = _fields("garbage", published_at=fetched, date_source="fetched")
    assert (fields["published_at"], fields["date_source"], fields["date_flag"]) == (
        fetched, "fetched", "unparseable")
    assert _fields(None, published_at=fetched, date_source="fetched")["date_flag"] == "missing"


def test_a_source_value_out_of_range_falls_back_not_raises():
    ancient = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))  # before year 1 in UTC
    fields = _fields(None, published_at=ancient)
    assert (fields["date_source"], fields["date_flag"]) == ("fetched", "implausible")


def test_the_local_day_of_an_article_row():
    row = {"published_at": dt.datetime(2025, 3, 4, 23, 30, tzinfo=UTC), "published_utc_offset_minutes": -300,
           "published_date": dt.date(2025, 3, 4)}
    assert local_publication_date(row) == dt.date(2025, 3, 4)
    row["published_utc_offset_minutes"] = 60
    assert local_publication_date(row) == dt.date(2025, 3, 5)
    assert local_publication_date({"published_date": dt.date(2021, 1, 2)}) == dt.date(2021, 1, 2)
    assert local_publication_date({}) is None
