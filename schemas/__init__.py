"""Table schemas: the single source of truth for every output table and its documentation.

``TABLES`` maps a table name to its ``TableSpec``; the sinks, the query views, ``communique schema`` and
the docs are all generated from it.
"""

from schemas._spec import DATE, DOC_KEY, TIMESTAMP, TableSpec, column
from schemas.articles import ARTICLES
from schemas.dates import DATES
from schemas.entities import ENTITIES
from schemas.event_daily import EVENT_DAILY
from schemas.events import EVENTS
from schemas.feed_fetches import FEED_FETCHES
from schemas.rejects import REJECTS
from schemas.runs import RUNS

SCHEMA_VERSION = 3

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (ARTICLES, ENTITIES, DATES, EVENTS, EVENT_DAILY, REJECTS, FEED_FETCHES, RUNS)
}

__all__ = ["DATE", "DOC_KEY", "SCHEMA_VERSION", "TABLES", "TIMESTAMP", "TableSpec", "column"]
