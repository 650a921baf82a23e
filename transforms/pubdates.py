"""Publication dates: parse whatever a source gives into an aware UTC datetime."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_publication_date(raw: str | None) -> dt.datetime | None:
    """An aware UTC datetime for ``raw`` (ISO date or datetime), or None if it cannot be read."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        if _ISO_DATE.match(raw):
            return dt.datetime.fromisoformat(raw).replace(tzinfo=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def date_flag(published_at: dt.datetime | None, ingested_at: dt.datetime) -> str | None:
    """'future' or 'before_1900' for a suspicious date that is kept; None when plausible."""
    if published_at is None:
        return None
    if published_at.year < 1900:
        return "before_1900"
    if published_at > ingested_at + dt.timedelta(days=1):
        return "future"
    return None
