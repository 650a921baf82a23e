"""Publication dates: parse whatever a source gives into an aware UTC datetime.

Readers are tried cheapest first, and the first that reads the string wins:

1. ISO 8601 / W3C-DTF (``2021-10-28``, ``2021-10-28T10:15:00Z``, ``2021-10-28 10:15+02:00``, the basic
   form ``20211028T101500Z``): a regex and ``datetime`` — the common case costs microseconds.
2. RFC 822 / RFC 2822 and asctime (``Thu, 28 Oct 2021 10:15:00 GMT``, ``+0330``, ``EST``):
   ``email.utils``.
3. dateparser, any language it knows (``28 octobre 2021``, ``jueves, 28 de octubre de 2021 10:15 CEST``,
   ``28/10/2021``, Unix timestamps), restricted to absolute dates with day, month and year, so that
   "yesterday" or "Monday" are never resolved against the clock (runs must be deterministic).
4. feedparser's own date handlers (Greek, Hungarian, Korean, Perforce and other feed dialects).

Strings without a time zone are taken as UTC. An ISO-shaped string that is impossible (2021-02-30) is
refused rather than handed to the lenient readers, which would roll it over to another day. Year-only
or year-month strings ("2021", "2021-10") are not publication dates to the day and are refused, as are
strings that name no date at all.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import functools
import re

import dateparser
import feedparser.datetimes

# A date this far after the run started is flagged 'future': feeds in time zones east of UTC and clocks
# that are a little off put items slightly ahead, which is not suspicious.
FUTURE_TOLERANCE = dt.timedelta(days=1)
EARLIEST_PLAUSIBLE_YEAR = 1900
MAX_UTC_OFFSET = dt.timedelta(hours=14)  # the widest offset in use (Line Islands, UTC+14)
MAX_RAW_LENGTH = 200  # longer strings are prose, not a date field

_ISO_EXTENDED = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(?P<tz>Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_ISO_BASIC = re.compile(
    r"^(?P<date>\d{8})T(?P<time>\d{4}(?:\d{2})?)(?P<tz>Z|[+-]\d{4})?$"
)
_TRAILING_OFFSET = re.compile(r"[+-](\d{2}):?(\d{2})$")
_TOO_COARSE = re.compile(r"^\s*\d{4}(?:-\d{2})?\s*$")
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    # No 'relative-time': "2 hours ago" would depend on when the pipeline runs.
    "PARSERS": ["timestamp", "absolute-time", "custom-formats"],
}


def parse_publication_date(raw: str | None) -> dt.datetime | None:
    """An aware UTC datetime for ``raw`` in any format and language the readers above know, or None."""
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
        return _checked_utc(_read_iso(raw))
    if not any(ch.isdigit() for ch in raw):
        return None  # every full date has digits; dateparser would spend a second on "garbage"
    for reader in (_read_rfc822, _read_dateparser, _read_feedparser):
        parsed = reader(raw)
        if parsed is not None:
            return _checked_utc(parsed)
    return None


def date_flag(published_at: dt.datetime | None, ingested_at: dt.datetime) -> str | None:
    """'future' or 'before_1900' for a suspicious date that is kept; None when plausible."""
    if published_at is None:
        return None
    if published_at.year < EARLIEST_PLAUSIBLE_YEAR:
        return "before_1900"
    if _as_utc(published_at) > _as_utc(ingested_at) + FUTURE_TOLERANCE:
        return "future"
    return None


def _checked_utc(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` in UTC; None for an offset no time zone has (``+9999``) or an instant outside the
    years datetime can hold once shifted to UTC (9999-12-31T23:00-05:00)."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return None
    try:
        return _as_utc(value)
    except OverflowError:
        return None


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


def _read_rfc822(raw: str) -> dt.datetime | None:
    if not any(ch.isalpha() for ch in raw):
        return None  # email.utils reads bare digit strings too loosely
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

