"""Publication dates: read whatever a source gives, check it, and decide the article's date.

Readers are tried cheapest first, and the first that reads the string wins:

1. ISO 8601 / W3C-DTF (``2021-10-28``, ``2021-10-28T10:15:00Z``, ``2021-10-28 10:15+02:00``, the basic
   form ``20211028T101500Z``): a regex and ``datetime`` — the common case costs microseconds.
2. RFC 822 / RFC 2822 and asctime (``Thu, 28 Oct 2021 10:15:00 GMT``, ``+0330``, ``EST``):
   ``email.utils``; not for a 12-hour time, whose "PM" it takes for an unknown zone (02:02 for 14:02).
3. Unix timestamps in seconds, milliseconds or microseconds (``1635415200``), always UTC.
4. dateparser, any language it knows (``28 octobre 2021``, ``jueves, 28 de octubre de 2021 10:15 CEST``,
   ``28/10/2021``, ``Dec 16 2023 02:02:33 PM``), restricted to absolute dates with day, month and year,
   so that "yesterday" or "Monday" are never resolved against the clock (runs must be deterministic).
5. feedparser's own date handlers (Greek, Hungarian, Korean, Perforce and other feed dialects); these
   give UTC only, so the source's offset is not kept.

``read_publication_time`` keeps the source's UTC offset (relative dates in the text are resolved against
the article's local day, see ``local_publication_date``) and returns a naive datetime when the string
names no zone. An ISO-shaped string that is impossible (2021-02-30) is refused rather than handed to the
lenient readers, which would roll it over to another day; so is any string with an offset no time zone
has (beyond ±14:00, such as ``+99:99`` or ``-23:59``) or a number of five digits or more that is not a
timestamp (``10000-01-01``, which feedparser reads as 2010-11-01). Year-only or year-month strings
("2021", "2021-10") are not publication dates to the day and are refused, as are strings that name no
date at all.

``publication_fields`` then decides the ``articles`` date columns of an item: a date that was read is
checked (a year from 1900 to the year after the run, the UTC instant representable) and a time without a
zone is taken as UTC and flagged ``assumed_utc``. An item with no date, an unreadable one or an
implausible one is never left without a date (a NULL partition breaks readers): it gets the time it was
fetched (the run's start), ``date_source`` 'fetched', and a ``date_flag`` saying why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import functools
import re
from collections.abc import Mapping
from typing import Any

import dateparser
import feedparser.datetimes

# A date this far after the run started is flagged 'future': feeds in time zones east of UTC and clocks
# that are a little off put items slightly ahead, which is not suspicious.
FUTURE_TOLERANCE = dt.timedelta(days=1)
EARLIEST_PLAUSIBLE_YEAR = 1900
MAX_UTC_OFFSET = dt.timedelta(hours=14)  # the widest offset in use (Line Islands, UTC+14)
MAX_RAW_LENGTH = 200  # longer strings are prose, not a date field
LATEST_PLAUSIBLE_YEARS_AHEAD = 1  # a date in a year after the run's next one is a typo or an attack

# date_source of an item whose date is the time it was fetched (the run's start), for want of a usable one
FETCHED = "fetched"
# date_flag values (schemas/articles.py documents them)
FLAG_FUTURE = "future"
FLAG_ASSUMED_UTC = "assumed_utc"
FLAG_MISSING = "missing"
FLAG_UNPARSEABLE = "unparseable"
FLAG_IMPLAUSIBLE = "implausible"
DATE_FLAGS = (FLAG_FUTURE, FLAG_ASSUMED_UTC, FLAG_MISSING, FLAG_UNPARSEABLE, FLAG_IMPLAUSIBLE)

_ISO_EXTENDED = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_ISO_BASIC = re.compile(
    r"^(?P<date>\d{8})T(?P<time>\d{4}(?:\d{2})?)(?P<tz>Z|[+-]\d{4})?$"
)
_TRAILING_OFFSET = re.compile(r"[+-](\d{2}):?(\d{2})$")
_TOO_COARSE = re.compile(r"^\s*\d{4}(?:-\d{2})?\s*$")
# seconds, milliseconds or microseconds since 1970 (10, 13 or 16 digits), optionally with a fraction
_TIMESTAMP = re.compile(r"^(?P<digits>\d{10}|\d{13}|\d{16})(?:\.\d+)?$")
_LONG_NUMBER = re.compile(r"\d{5,}")
_TWELVE_HOUR = re.compile(r"\d\s*(?:[AaPp]\.?[Mm]\.?)(?![A-Za-z])")
# a clock time in the string ("10:15", "14h30", "3 PM"): without one a date is a calendar day, not a time
_CLOCK = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|\d\s*[AaPp]\.?[Mm]\b|T\d{2}")
_DATEPARSER_SETTINGS = {
    # No TIMEZONE/TO_TIMEZONE: a zone-less string stays naive (so that it can be flagged) and a zoned one
    # keeps its own offset.
    "REQUIRE_PARTS": ["day", "month", "year"],
    # No 'relative-time': "2 hours ago" would depend on when the pipeline runs; no 'timestamp':
    # dateparser reads those in the machine's local time zone (``_read_timestamp`` does it in UTC).
    "PARSERS": ["absolute-time", "custom-formats"],
}


def read_publication_time(raw: str | None) -> dt.datetime | None:
    """The time ``raw`` names, in the source's own UTC offset, naive when it names no zone; None when
    no reader above can read it or it names an offset no time zone has."""
    if not raw or not isinstance(raw, str):
        return None
    raw = " ".join(raw.split())
    if not raw or len(raw) > MAX_RAW_LENGTH or _TOO_COARSE.match(raw):
        return None
    offset = _TRAILING_OFFSET.search(raw)
    if offset and dt.timedelta(hours=int(offset[1]), minutes=int(offset[2])) > MAX_UTC_OFFSET:
        return None  # "+9999": no time zone is that far from UTC, and the lenient readers would shift it
    if _ISO_EXTENDED.match(raw) or _ISO_BASIC.match(raw):
        # ISO-shaped but impossible (2021-02-30) is refused, not guessed at by the lenient readers.
        return _checked(_read_iso(raw))
    if _TIMESTAMP.match(raw):
        return _checked(_read_timestamp(raw))
    if not any(ch.isdigit() for ch in raw):
        return None  # every full date has digits; dateparser would spend a second on "garbage"
    if _LONG_NUMBER.search(raw):
        return None  # "10000-01-01", "Jan 1 20211": no date part has five digits
    for reader in (_read_rfc822, _read_dateparser, _read_feedparser):
        parsed = reader(raw)
        if parsed is not None:
            return _checked(parsed)
    return None


def parse_publication_date(raw: str | None) -> dt.datetime | None:
    """An aware UTC datetime for ``raw`` (a zone-less time taken as UTC), or None when unreadable."""
    parsed = read_publication_time(raw)
    return _as_utc(parsed) if parsed is not None else None


def date_flag(published_at: dt.datetime | None, ingested_at: dt.datetime) -> str | None:
    """'implausible' for a date outside the years a news item can have (1900 to the year after the
    run), 'future' for one more than a day after the run started, None otherwise."""
    if published_at is None:
        return None
    if _checked(published_at) is None:
        return FLAG_IMPLAUSIBLE  # an offset no zone has, or no UTC instant at all (0001-01-01+05:00)
    if not EARLIEST_PLAUSIBLE_YEAR <= _as_utc(published_at).year <= _latest_plausible_year(ingested_at):
        return FLAG_IMPLAUSIBLE
    if _as_utc(published_at) > _as_utc(ingested_at) + FUTURE_TOLERANCE:
        return FLAG_FUTURE
    return None


def publication_fields(published_at: dt.datetime | None, published_raw: str | None,
                       date_source: str | None, ingested_at: dt.datetime) -> dict[str, Any]:
    """The date columns of an ``articles`` row: ``published_at`` (UTC), ``published_date`` (its UTC
    day), ``published_utc_offset_minutes``, ``date_source`` and ``date_flag``.

    ``published_at`` is what the source already read (in its own offset, naive without a zone), or
    None, when ``published_raw`` is read here; with ``date_source`` 'fetched' it is the time the item
    was fetched, which stands in for a date the source did not give. Never leaves the date empty: an
    item without a usable date gets its fetch time (else ``ingested_at``), flagged.
    """
    fetched_at = published_at if date_source == FETCHED else None
    source_time = None if date_source == FETCHED else published_at
    if source_time is None:
        source_time = read_publication_time(published_raw)
    if source_time is not None and date_flag(source_time, ingested_at) != FLAG_IMPLAUSIBLE:
        offset = source_time.utcoffset()
        utc = _as_utc(source_time)
        flag = date_flag(utc, ingested_at)
        if flag is None and offset is None and (published_raw is None or _CLOCK.search(published_raw)):
            flag = FLAG_ASSUMED_UTC  # a time of day without a zone: UTC is a guess
        return {
            "published_at": utc,
            "published_date": utc.date(),
            "published_utc_offset_minutes": None if offset is None else int(offset.total_seconds()) // 60,
            "date_source": date_source,
            "date_flag": flag,
        }
    if source_time is not None:
        flag = FLAG_IMPLAUSIBLE
    else:
        flag = FLAG_UNPARSEABLE if published_raw else FLAG_MISSING
    fallback = _as_utc(fetched_at or ingested_at)
    return {
        "published_at": fallback,
        "published_date": fallback.date(),
        "published_utc_offset_minutes": None,
        "date_source": FETCHED,
        "date_flag": flag,
    }


def local_publication_date(article: Mapping[str, Any]) -> dt.date | None:
    """The calendar day the article was published where it was published: ``published_at`` shifted by
    ``published_utc_offset_minutes`` (UTC when the offset is unknown). None without a date."""
    published_at = article.get("published_at")
    if not isinstance(published_at, dt.datetime):
        return article.get("published_date")
    minutes = article.get("published_utc_offset_minutes") or 0
    return (_as_utc(published_at) + dt.timedelta(minutes=minutes)).date()


def has_source_date(article: Mapping[str, Any]) -> bool:
    """Whether the article has a date from its source, not only the time it was fetched."""
    return article.get("date_source") != FETCHED and local_publication_date(article) is not None


def _latest_plausible_year(ingested_at: dt.datetime) -> int:
    return _as_utc(ingested_at).year + LATEST_PLAUSIBLE_YEARS_AHEAD


def _checked(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` unchanged; None for an offset no time zone has (``+9999``) or an instant outside the
    years datetime can hold once shifted to UTC (9999-12-31T23:00-05:00)."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return None
    try:
        _as_utc(value)
    except OverflowError:
        return None
    return value


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _read_iso(raw: str) -> dt.datetime | None:
    match = _ISO_EXTENDED.match(raw)
    if match:
        text = match["date"] + (f"T{match['time'].replace(',', '.')}" if match["time"] else "")
        offset = _offset(match["tz"])
    else:
        match = _ISO_BASIC.match(raw)
        if not match:
            return None
        digits, clock = match["date"], match["time"]
        text = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}T{clock[:2]}:{clock[2:4]}"
        text += f":{clock[4:]}" if len(clock) == 6 else ""
        offset = _offset(match["tz"])
    if match["tz"] and offset is None:
        return None  # an offset no clock shows (+05:99)
    try:
        parsed = dt.datetime.fromisoformat(_trim_fraction(text))
    except ValueError:
        return None  # shaped like ISO but impossible: 2021-02-30, 25:00
    return parsed.replace(tzinfo=offset) if offset is not None else parsed


def _trim_fraction(text: str) -> str:
    # Python 3.10's fromisoformat takes 3 or 6 fraction digits only.
    head, dot, fraction = text.partition(".")
    return f"{head}.{(fraction + '000000')[:6]}" if dot else head


def _offset(tz: str | None) -> dt.timezone | None:
    if tz is None:
        return None
    if tz.upper() in ("Z", "UTC", "GMT"):
        return dt.timezone.utc
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _read_timestamp(raw: str) -> dt.datetime | None:
    digits = _TIMESTAMP.match(raw)["digits"]
    scale = {10: 1, 13: 1_000, 16: 1_000_000}[len(digits)]
    try:
        return dt.datetime.fromtimestamp(float(raw) / scale, tz=dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None


def _read_rfc822(raw: str) -> dt.datetime | None:
    if not any(ch.isalpha() for ch in raw):
        return None  # email.utils reads bare digit strings too loosely
    if _TWELVE_HOUR.search(raw):
        return None  # email.utils takes "PM" for an unknown zone and keeps 02:02 for 14:02
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


@functools.lru_cache(maxsize=4096)
def _read_dateparser(raw: str) -> dt.datetime | None:
    # Feeds repeat the same few date strings; the cache keeps dateparser's ~1 ms off the common path.
    try:
        return dateparser.parse(raw, settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError):
        return None


def _read_feedparser(raw: str) -> dt.datetime | None:
    if raw.isdigit():
        return None  # feedparser misreads timestamps as ISO basic dates
    # feedparser exposes its dialect readers only through this helper (the one its own parser uses).
    parsed = feedparser.datetimes._parse_date(raw)
    if parsed is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None

