"""Publication dates: many formats and languages to UTC; garbage to None; suspicious dates flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.dates.published import FUTURE_TOLERANCE, date_flag, parse_publication_date

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
        (dt.datetime(2999, 1, 1, tzinfo=UTC), "future"),
        (dt.datetime(1899, 12, 31, 23, 59, tzinfo=UTC), "before_1900"),
        (dt.datetime(1900, 1, 1, tzinfo=UTC), None),
        (dt.datetime(1, 1, 1, tzinfo=UTC), "before_1900"),
    ],
)
def test_date_flag(published, flag):
    assert date_flag(published, INGESTED) == flag


def test_date_flag_on_parsed_strings():
    assert date_flag(parse_publication_date("1850-05-01"), INGESTED) == "before_1900"
    assert date_flag(parse_publication_date("2999-01-01T00:00:00Z"), INGESTED) == "future"
    assert date_flag(parse_publication_date("Sat, 01 Jun 2024 20:00:00 +0800"), INGESTED) is None


def test_date_flag_accepts_a_naive_ingestion_time_as_utc():
    assert date_flag(dt.datetime(2024, 6, 5, tzinfo=UTC), INGESTED.replace(tzinfo=None)) == "future"
