"""``event_daily``: the events table counted the way GDELT counts the same event reported many times.

One row per (event_date, source_actor, target_actor, cameo_code) with the number of mentions (event
rows), articles and sources behind it, when it was first and last seen, and the event ids.

Because a re-run or an incremental run only adds events, the table is rebuilt from the *whole* committed
events table after each commit (``rebuild_event_daily``), never appended to: it then always equals a
GROUP BY over events. The rebuild reads the files through Beam's FileSystems and aggregates in DuckDB,
one events partition (day) at a time, and swaps the new table in as one commit of ``outputs.commit``
(the old files removed, the new ones moved in), so it works the same on a local directory and on an
object store, and readers see the old table or the new one, never a mix.
"""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems

from outputs.commit import OutputDir
from outputs.tablefiles import NULL_PARTITION, part_file_name, partition_path, read_file, write_parquet
from outputs.tables import table_files
from schemas import TABLES

EVENT_DAILY = "event_daily"
REBUILD_ID = "event_daily"  # the writer id of a rebuild: its staging directory and the files' "run id"
STALE_MARK = "_event_daily.stale"

# What counts as one source: the host of an article's link, else its feed, else its source kind.
_SOURCE_SQL = (
    "coalesce(nullif(lower(regexp_extract(source_uri, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]+)', 1)), ''), "
    "feed_uri, source_kind, 'unknown')"
)
_SOURCES_SQL = f"""
SELECT article_id, {_SOURCE_SQL} AS source, coalesce(published_at, ingested_at) AS seen_at FROM articles
"""
_AGGREGATE_SQL = """
SELECT e.event_date, e.source_actor, e.target_actor, e.cameo_code,
       min(e.cameo_root) AS cameo_root, min(e.quad_class) AS quad_class, min(e.goldstein) AS goldstein,
       count(*) AS num_mentions,
       count(DISTINCT e.article_id) AS num_articles,
       count(DISTINCT s.source) AS num_sources,
       min(s.seen_at) AS first_seen, max(s.seen_at) AS last_seen,
       list_sort(list(e.event_id)) AS event_ids
FROM day_events e LEFT JOIN article_sources s USING (article_id)
GROUP BY e.event_date, e.source_actor, e.target_actor, e.cameo_code
ORDER BY e.event_date NULLS FIRST, e.source_actor NULLS FIRST, e.target_actor NULLS FIRST, e.cameo_code
"""
_ARTICLE_COLUMNS = ["article_id", "source_uri", "feed_uri", "source_kind", "published_at", "ingested_at"]
_EVENT_COLUMNS = ["event_id", "article_id", "source_actor", "target_actor", "cameo_code", "cameo_root",
                  "quad_class", "goldstein"]


def _read_columns(table: str, files: list[str], columns: list[str]) -> pa.Table:
    schema = pa.schema([TABLES[table].schema.field(name) for name in columns])
    if not files:
        return schema.empty_table()
    return pa.concat_tables([read_file(path, columns) for path in files], promote_options="default")


def _partition_date(directory: str) -> dt.date | None:
    value = FileSystems.split(directory)[1].split("=", 1)[1]
    return None if value == NULL_PARTITION else dt.date.fromisoformat(value)


def _events_by_day(output_dir: str) -> dict[dt.date | None, list[str]]:
    """The committed events files by their partition's event_date (a file does not hold that column)."""
    by_day: dict[dt.date | None, list[str]] = {}
    for path in table_files(output_dir, "events"):
        by_day.setdefault(_partition_date(FileSystems.split(path)[0]), []).append(path)
    return by_day


def _typed(result: pa.Table) -> pa.Table:
    spec = TABLES[EVENT_DAILY]
    return pa.Table.from_arrays([result.column(name).cast(spec.schema.field(name).type)
                                 for name in spec.schema.names], schema=spec.schema)


def _aggregate_by_day(output_dir: str, staging: str) -> int:
    """Writes event_daily under ``staging`` one events partition at a time (event_date is part of the
    key, so days are independent): memory holds one day's events and the articles' sources, never the
    whole events table. Only the columns the aggregation needs are read."""
    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.register("articles", _read_columns(
            "articles", table_files(output_dir, "articles"), _ARTICLE_COLUMNS))
        connection.execute(f"CREATE TEMP TABLE article_sources AS {_SOURCES_SQL}")
        connection.unregister("articles")
        rows = 0
        by_day = _events_by_day(output_dir)
        for day in sorted(by_day, key=lambda value: (value is not None, value)):
            events = _read_columns("events", by_day[day], _EVENT_COLUMNS)
            events = events.append_column(pa.field("event_date", pa.date32()),
                                          pa.array([day] * events.num_rows, pa.date32()))
            connection.register("day_events", events)
            rows += _write_partitions(staging, _typed(connection.sql(_AGGREGATE_SQL).to_arrow_table()))
            connection.unregister("day_events")
        return rows
    finally:
        connection.close()


def _write_partitions(root: str, table: pa.Table) -> int:
    spec = TABLES[EVENT_DAILY]
    dates = table.column(spec.partition_by).to_pylist()
    file_columns = spec.file_schema.names
    written = 0
    boundaries = [0] + [i for i in range(1, len(dates)) if dates[i] != dates[i - 1]] + [len(dates)]
    for begin, end in itertools.pairwise(boundaries):
        if begin == end:
            continue
        chunk = table.slice(begin, end - begin).select(file_columns)
        directory = partition_path(root, spec, dates[begin])
        write_parquet(FileSystems.join(directory, part_file_name(REBUILD_ID, 0)),
                      chunk.replace_schema_metadata(spec.file_schema.metadata).cast(spec.file_schema))
        written += chunk.num_rows
    return written


def rebuild_event_daily(output_dir: str) -> int:
    """Rewrites ``<output_dir>/event_daily`` from the whole committed events table, as one commit that
    replaces every file it had; returns its rows. The caller holds the output lock (the run driver does,
    after its own commit). Works on any Beam filesystem."""
    output = OutputDir(output_dir)
    output.discard(REBUILD_ID)  # a leftover of a rebuild interrupted before its commit
    rows = _aggregate_by_day(output_dir, output.staging_root(REBUILD_ID))
    output.commit(REBUILD_ID, removes=table_files(output_dir, EVENT_DAILY))
    return rows


def mark_stale(output_dir: str) -> None:
    """Marks event_daily for a rebuild, before a commit that adds events: a run killed between its commit
    and its rebuild leaves the mark, and the next run rebuilds even when it adds nothing."""
    with FileSystems.create(FileSystems.join(output_dir, STALE_MARK)):
        pass


def stale(output_dir: str) -> bool:
    """Whether event_daily is marked for a rebuild (see ``mark_stale``)."""
    return FileSystems.exists(FileSystems.join(output_dir, STALE_MARK))


def rebuild_if_stale(output_dir: str) -> int | None:
    """Rebuilds event_daily (returning its rows) when it is marked stale, or missing while there are
    events; None when it is up to date."""
    mark = FileSystems.join(output_dir, STALE_MARK)
    marked = FileSystems.exists(mark)
    if not marked and (table_files(output_dir, EVENT_DAILY) or not table_files(output_dir, "events")):
        return None
    rows = rebuild_event_daily(output_dir)
    if marked:
        FileSystems.delete([mark])
    return rows


__all__ = ["EVENT_DAILY", "mark_stale", "rebuild_event_daily", "rebuild_if_stale", "stale"]
