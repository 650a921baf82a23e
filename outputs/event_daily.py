"""``event_daily``: the events table counted the way GDELT counts the same event reported many times.

One row per (event_date, source_actor, target_actor, cameo_code) with the number of mentions (event
rows), articles and sources behind it, when it was first and last seen, and the event ids.

Because a re-run or an incremental run only adds events, the table is rebuilt from the committed events
after each commit (``rebuild_event_daily``), never appended to: it then always equals a GROUP BY over
events. event_date is part of the key, so days are independent: a run rebuilds only the days it added
events to (named in the stale mark, ``mark_stale``), reading those days' events and the articles
partitions they point at, and its cost does not grow with the archive's other days. The rebuild reads
the files through Beam's FileSystems and aggregates in DuckDB, a few events partitions (days) at a time, and
swaps the new rows in as one commit of ``outputs.commit`` (the old files of those days removed, the new
ones moved in), so it works the same on a local directory and on an object store, and readers see the
old days or the new ones, never a mix.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.io.filesystems import FileSystems

from outputs.commit import OutputDir
from outputs.tablefiles import (
    file_num_rows,
    part_file_name,
    partition_date_of,
    partition_path,
    read_file,
    write_parquet,
)
from outputs.tables import table_files
from schemas import TABLES

EVENT_DAILY = "event_daily"
REBUILD_ID = "event_daily"  # the writer id of a rebuild: its staging directory and the files' "run id"
STALE_MARK = "_event_daily.stale"
CHUNK_ROWS = 200_000  # events one aggregation query reads at most (unless one day alone has more)

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


def _by_day(files: Iterable[str]) -> dict[dt.date | None, list[str]]:
    """Table files by the date of their partition (a file does not hold that column)."""
    by_day: dict[dt.date | None, list[str]] = {}
    for path in files:
        by_day.setdefault(partition_date_of(path), []).append(path)
    return by_day


def _typed(result: pa.Table) -> pa.Table:
    spec = TABLES[EVENT_DAILY]
    return pa.Table.from_arrays([result.column(name).cast(spec.schema.field(name).type)
                                 for name in spec.schema.names], schema=spec.schema)


def _article_files(output_dir: str, events_by_day: dict, days: list) -> list[str]:
    """The articles files the events of ``days`` can point at: those of the partitions (published_date)
    of those events' articles; every articles file when ``events_by_day`` covers all the days."""
    files = table_files(output_dir, "articles")
    if len(days) == len(events_by_day):
        return files
    published = {value for day in days for path in events_by_day[day] for value in _published_dates(path)}
    return [path for path in files if partition_date_of(path) in published]


def _published_dates(events_file: str) -> list[dt.date | None]:
    """The distinct published_date of the articles an events file's rows come from."""
    return pc.unique(read_file(events_file, ["published_date"]).column("published_date")).to_pylist()


def _aggregate_by_day(output_dir: str, staging: str, days: list, events_by_day: dict) -> int:
    """Writes event_daily under ``staging`` for ``days``, a chunk of days at a time (event_date is part of
    the key, so days are independent): memory holds at most about ``CHUNK_ROWS`` events (or one day's)
    and the sources of the articles they point at, never the whole events table. Only the columns the
    aggregation needs are read."""
    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.register("articles", _read_columns(
            "articles", _article_files(output_dir, events_by_day, days), _ARTICLE_COLUMNS))
        connection.execute(f"CREATE TEMP TABLE article_sources AS {_SOURCES_SQL}")
        connection.unregister("articles")
        rows = 0
        for chunk in _chunks_of_days(days, events_by_day):
            events = pa.concat_tables([_day_events(day, events_by_day[day]) for day in chunk])
            connection.register("day_events", events)
            rows += _write_partitions(staging, _typed(connection.sql(_AGGREGATE_SQL).to_arrow_table()))
            connection.unregister("day_events")
        return rows
    finally:
        connection.close()


def _chunks_of_days(days: list, events_by_day: dict) -> Iterable[list]:
    """Consecutive days, grouped so that one query reads at most about ``CHUNK_ROWS`` events (a day with
    more is a chunk of its own): one DuckDB query per day cost more than its aggregation on small days."""
    chunk: list = []
    held = 0
    for day in days:
        day_rows = sum(file_num_rows(path) for path in events_by_day[day])
        if chunk and held + day_rows > CHUNK_ROWS:
            yield chunk
            chunk, held = [], 0
        chunk.append(day)
        held += day_rows
    if chunk:
        yield chunk


def _day_events(day: dt.date | None, files: list[str]) -> pa.Table:
    """The events of one partition with its event_date, which the files do not hold."""
    events = _read_columns("events", files, _EVENT_COLUMNS)
    return events.append_column(pa.field("event_date", pa.date32()),
                                pa.repeat(pa.scalar(day, pa.date32()), events.num_rows))


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


def _day_order(day: dt.date | None) -> tuple:
    return (day is not None, day or dt.date.min)


def rebuild_event_daily(output_dir: str, days: Iterable[dt.date | None] | None = None) -> int:
    """Rewrites the rows of ``<output_dir>/event_daily`` for ``days`` (event dates; default every day)
    from the committed events, as one commit that replaces the files those days had; returns the rows
    of the whole table. The caller holds the output lock (the run driver does, after its own commit).
    Works on any Beam filesystem."""
    output = OutputDir(output_dir)
    output.discard(REBUILD_ID)  # a leftover of a rebuild interrupted before its commit
    events_by_day = _by_day(table_files(output_dir, "events"))
    daily_files = table_files(output_dir, EVENT_DAILY)
    chosen = set(events_by_day) if days is None else set(days)
    replaced = [path for path in daily_files if days is None or partition_date_of(path) in chosen]
    rebuilt = _aggregate_by_day(output_dir, output.staging_root(REBUILD_ID),
                                sorted(chosen & set(events_by_day), key=_day_order), events_by_day)
    output.commit(REBUILD_ID, removes=replaced)
    kept = set(daily_files) - set(replaced)
    return rebuilt + sum(file_num_rows(path) for path in sorted(kept))


def mark_stale(output_dir: str, days: Iterable[dt.date | None] | None = None) -> None:
    """Marks event_daily for a rebuild, before a commit that adds events (on ``days``, the event dates of
    the added events; None: any day): a run killed between its commit and its rebuild leaves the mark,
    and the next run rebuilds even when it adds nothing. Marks add up until a rebuild clears them."""
    mark = FileSystems.join(output_dir, STALE_MARK)
    pending = _marked_days(output_dir) if FileSystems.exists(mark) else set()
    every_day = days is None or pending is None
    marked = None if every_day else sorted(
        {None if day is None else day.isoformat() for day in pending | set(days)},
        key=lambda day: (day is not None, day or ""))
    with FileSystems.create(mark) as handle:
        handle.write(json.dumps({"days": marked}).encode("utf-8"))


def _marked_days(output_dir: str) -> set[dt.date | None] | None:
    """The days the stale mark names; None for every day (a mark naming none, or of an earlier version:
    an empty file)."""
    with FileSystems.open(FileSystems.join(output_dir, STALE_MARK)) as handle:
        content = handle.read()
    try:
        days = json.loads(content)["days"] if content else None
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(days, list):
        return None
    return {None if day is None else dt.date.fromisoformat(day) for day in days}


def stale(output_dir: str) -> bool:
    """Whether event_daily is marked for a rebuild (see ``mark_stale``)."""
    return FileSystems.exists(FileSystems.join(output_dir, STALE_MARK))


def rebuild_if_stale(output_dir: str) -> int | None:
    """Rebuilds event_daily (returning its rows) when it is marked stale (only the days the mark names,
    if it has any rows yet), or missing while there are events; None when it is up to date."""
    mark = FileSystems.join(output_dir, STALE_MARK)
    marked = FileSystems.exists(mark)
    has_rows = bool(table_files(output_dir, EVENT_DAILY))
    if not marked and (has_rows or not table_files(output_dir, "events")):
        return None
    rows = rebuild_event_daily(output_dir, _marked_days(output_dir) if marked and has_rows else None)
    if marked:
        FileSystems.delete([mark])
    return rows


__all__ = ["EVENT_DAILY", "mark_stale", "rebuild_event_daily", "rebuild_if_stale", "stale"]
