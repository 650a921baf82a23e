"""``event_daily``: the events table counted the way GDELT counts the same event reported many times.

One row per (event_date, source_actor, target_actor, cameo_code) with the number of mentions (event
rows), articles and sources behind it, when it was first and last seen, and the event ids.

Because a re-run or an incremental run only adds events, the table is rebuilt from the *whole* committed
events table after each commit (``rebuild_event_daily``), never appended to: it then always equals a
GROUP BY over events. ``aggregate_event_daily`` is the pure aggregation (Arrow in, Arrow out, DuckDB
inside); ``AggregateEventDaily`` is the same computation as a Beam transform, for runners that want it
inside a pipeline.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Iterable

import apache_beam as beam
import duckdb
import pyarrow as pa

from outputs.paths import is_local
from outputs.sql import connect, scan_files_sql
from outputs.tablefiles import part_file_name, partition_path, write_parquet
from outputs.tables import table_files
from schemas import TABLES

EVENT_DAILY = "event_daily"
_REBUILD_ID = "event_daily"  # the "run id" part of the rebuilt files' names: fixed, so rebuilds are stable
_TMP_SUFFIX = ".rebuilding"
_OLD_SUFFIX = ".previous"

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
FROM {events} e LEFT JOIN {sources} s USING (article_id)
GROUP BY e.event_date, e.source_actor, e.target_actor, e.cameo_code
ORDER BY e.event_date NULLS FIRST, e.source_actor NULLS FIRST, e.target_actor NULLS FIRST, e.cameo_code
"""


def aggregate_event_daily(events: pa.Table, articles: pa.Table) -> pa.Table:
    """The event_daily rows of ``events`` (with its event_date column) joined to ``articles`` for sources
    and times; typed by the event_daily schema, sorted by its key."""
    connection = duckdb.connect()
    try:
        connection.register("events", events)
        connection.register("articles", articles)
        return _typed(_run_aggregate(connection))
    finally:
        connection.close()


def _run_aggregate(connection: duckdb.DuckDBPyConnection, events: str = "events",
                   sources: str = f"({_SOURCES_SQL})") -> pa.Table:
    connection.execute("SET TimeZone = 'UTC'")
    return connection.sql(_AGGREGATE_SQL.format(events=events, sources=sources)).to_arrow_table()


def _aggregate_by_day(output_dir: str, building: str) -> int:
    """Writes event_daily under ``building`` one events partition at a time (event_date is part of the
    key, so days are independent): memory holds one day's events and the articles' sources, never the
    whole events table. DuckDB reads only the columns it needs from the files."""
    by_day: dict[str, list[str]] = {}
    for path in table_files(output_dir, "events"):
        by_day.setdefault(os.path.dirname(path), []).append(path)
    connection = connect(output_dir)
    try:
        connection.execute(f"CREATE TEMP TABLE article_sources AS {_SOURCES_SQL}")
        rows = 0
        for _, files in sorted(by_day.items()):
            events_of_the_day = scan_files_sql(files, TABLES["events"].partition_by)
            connection.execute(f"CREATE OR REPLACE TEMP VIEW day_events AS SELECT * FROM {events_of_the_day}")
            rows += _write_partitions(building, _typed(_run_aggregate(connection, "day_events",
                                                                      "article_sources")))
        return rows
    finally:
        connection.close()


def _typed(result: pa.Table) -> pa.Table:
    spec = TABLES[EVENT_DAILY]
    return pa.Table.from_arrays([result.column(name).cast(spec.schema.field(name).type)
                                 for name in spec.schema.names], schema=spec.schema)


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
        os.makedirs(directory, exist_ok=True)
        write_parquet(os.path.join(directory, part_file_name(_REBUILD_ID, 0)),
                      chunk.replace_schema_metadata(spec.file_schema.metadata).cast(spec.file_schema))
        written += chunk.num_rows
    return written


def rebuild_event_daily(output_dir: str) -> int:
    """Rewrites ``<output_dir>/event_daily`` from the whole committed events table; returns its rows.

    Call it after each commit (the run driver does). The new table is written beside the old one and
    swapped in by directory renames, so readers see the old table or the new one, never a half-written
    one; leftovers of an interrupted rebuild are cleaned up by the next. Local output directories only.
    """
    if not is_local(output_dir):
        raise ValueError(f"rebuild_event_daily needs a local output directory, got {output_dir!r}; run it "
                         "where the output is mounted, or use AggregateEventDaily inside the pipeline")
    target = os.path.join(output_dir, EVENT_DAILY)
    building, previous = target + _TMP_SUFFIX, target + _OLD_SUFFIX
    for leftover in (building, previous):
        if os.path.isdir(leftover):
            if leftover == previous and not os.path.isdir(target):
                os.rename(previous, target)  # interrupted between the two renames: put the old one back
            else:
                shutil.rmtree(leftover)
    os.makedirs(building, exist_ok=True)
    # The rows go under <building>/event_daily/... so partition_path's layout is reused, then lifted.
    rows = _aggregate_by_day(output_dir, building)
    staged = os.path.join(building, EVENT_DAILY)
    os.makedirs(staged, exist_ok=True)
    if os.path.isdir(target):
        os.rename(target, previous)
    os.rename(staged, target)
    shutil.rmtree(building)
    if os.path.isdir(previous):
        shutil.rmtree(previous)
    return rows


# ---------------------------------------------------------------------- Beam form


class _DailyCombineFn(beam.CombineFn):
    """Accumulates (mentions, articles, sources, first, last, ids, root, quad, goldstein) per key."""

    def create_accumulator(self):
        return [0, set(), set(), None, None, [], None, None, None]

    def add_input(self, accumulator, event):
        accumulator[0] += 1
        accumulator[1].add(event["article_id"])
        if event.get("_source") is not None:
            accumulator[2].add(event["_source"])
        seen = event.get("_seen_at")
        if seen is not None:
            accumulator[3] = seen if accumulator[3] is None else min(accumulator[3], seen)
            accumulator[4] = seen if accumulator[4] is None else max(accumulator[4], seen)
        accumulator[5].append(event["event_id"])
        accumulator[6:9] = [event["cameo_root"], event.get("quad_class"), event.get("goldstein")]
        return accumulator

    def merge_accumulators(self, accumulators: Iterable):
        merged = self.create_accumulator()
        for acc in accumulators:
            merged[0] += acc[0]
            merged[1] |= acc[1]
            merged[2] |= acc[2]
            for index, pick in ((3, min), (4, max)):
                if acc[index] is not None:
                    merged[index] = acc[index] if merged[index] is None else pick(merged[index], acc[index])
            merged[5].extend(acc[5])
            if acc[6] is not None:
                merged[6:9] = acc[6:9]
        return merged

    def extract_output(self, accumulator):
        return {"num_mentions": accumulator[0], "num_articles": len(accumulator[1]),
                "num_sources": len(accumulator[2]), "first_seen": accumulator[3], "last_seen": accumulator[4],
                "event_ids": sorted(accumulator[5]), "cameo_root": accumulator[6],
                "quad_class": accumulator[7], "goldstein": accumulator[8]}


def _source_of(article: dict) -> str:
    uri = article.get("source_uri") or ""
    if "://" in uri:
        host = uri.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].lower()
        if host:
            return host
    return article.get("feed_uri") or article.get("source_kind") or "unknown"


def _with_article(joined) -> list[dict]:
    _, grouped = joined
    articles = list(grouped["articles"])
    article = articles[0] if articles else {}
    source = _source_of(article) if article else None
    seen = (article.get("published_at") or article.get("ingested_at")) if article else None
    return [{**event, "_source": source, "_seen_at": seen} for event in grouped["events"]]


def _day_pair_code(event: dict) -> tuple[tuple, dict]:
    # Dates are keyed as ISO strings: Beam's deterministic key coder does not know datetime.date.
    day = event["event_date"].isoformat() if event["event_date"] is not None else None
    return (day, event["source_actor"], event["target_actor"], event["cameo_code"]), event


def _daily_row(keyed) -> dict:
    (day, source_actor, target_actor, cameo_code), counts = keyed
    return {"event_date": dt.date.fromisoformat(day) if day else None, "source_actor": source_actor,
            "target_actor": target_actor,
            "cameo_code": cameo_code, **counts}


class AggregateEventDaily(beam.PTransform):
    """{'events': event rows, 'articles': article rows} → event_daily rows (dicts of its schema).

    The same aggregation as ``aggregate_event_daily``; give it *all* events (the committed table plus the
    run's), or the counts describe only part of the data.
    """

    def expand(self, inputs):
        events = inputs["events"] | "KeyEvents" >> beam.Map(lambda row: (row["article_id"], row))
        articles = inputs["articles"] | "KeyArticles" >> beam.Map(lambda row: (row["article_id"], row))
        return (
            {"events": events, "articles": articles}
            | "JoinArticles" >> beam.CoGroupByKey()
            | "AttachSource" >> beam.FlatMap(_with_article)
            | "KeyByDayPairCode" >> beam.Map(_day_pair_code)
            | "Count" >> beam.CombinePerKey(_DailyCombineFn())
            | "ToRows" >> beam.Map(_daily_row)
        )


__all__ = ["AggregateEventDaily", "aggregate_event_daily", "rebuild_event_daily"]
