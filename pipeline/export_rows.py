"""The events rows an export writes, each joined with its article, read in batches from the committed
table files: DuckDB streams the query, so no more than one batch of rows is held at a time (and the join's
hash table of article ids and URLs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from outputs.sql import connect
from outputs.tables import table_files
from pipeline.export_formats import ARTICLE_COLUMNS, EVENT_COLUMNS

DEFAULT_BATCH_ROWS = 10_000


class NoEventsTable(LookupError):
    """The output directory holds no committed events files."""


def _query(since: dt.date | None, until: dt.date | None) -> tuple[str, list]:
    selected = [f"e.{column}" for column in EVENT_COLUMNS] + [f"a.{column}" for column in ARTICLE_COLUMNS]
    conditions, parameters = [], []
    if since is not None:
        conditions.append("e.event_date >= ?")
        parameters.append(since)
    if until is not None:
        conditions.append("e.event_date <= ?")
        parameters.append(until)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    # LEFT JOIN: an event whose article row is missing is still exported (with no URL), never dropped.
    sql = (f"SELECT {', '.join(selected)} FROM events e LEFT JOIN articles a USING (article_id){where}")
    return sql, parameters


def event_batches(output_dir: str, since: dt.date | None = None, until: dt.date | None = None,
                  batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[dict]]:
    """Lists of at most ``batch_rows`` events rows (dicts of EVENT_COLUMNS and ARTICLE_COLUMNS) with
    ``since <= event_date <= until``. Raises NoEventsTable when ``output_dir`` has no events files."""
    if not table_files(output_dir, "events"):
        raise NoEventsTable(output_dir)
    connection = connect(output_dir)
    connection.execute("SET TimeZone = 'UTC'")  # ingested_at is a UTC instant; read it as one
    # One thread keeps the rows in the order of the table files (by event_date, then file), so the same
    # tables always export to the same bytes; the formatting in Python is the slow part anyway.
    connection.execute("SET threads = 1")
    sql, parameters = _query(since, until)
    for batch in connection.sql(sql, params=parameters).to_arrow_reader(batch_rows):
        if batch.num_rows:
            yield batch.to_pylist()
