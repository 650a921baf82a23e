"""The figures behind ``communique report``, computed with SQL over the output tables.

Pure data: ``collect(connection)`` takes a DuckDB connection whose views are the tables (see
``outputs.sql.connect``) and returns plain JSON-ready values (numbers, strings, ISO dates), which
``pipeline.report_html`` draws and embeds in the page. Nothing here knows about HTML or charts.
"""

from __future__ import annotations

import datetime as dt

import duckdb

QUAD_CLASSES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict",
                4: "Material conflict"}
TOP_DYADS = 15
MAX_RUNS = 200  # the run history shows the latest runs; the totals count them all
MAX_FEED_FAILURES = 20
# Past these spans the timeline counts weeks, then months, so a bar stays wide enough to see.
WEEKLY_AFTER_DAYS = 120
MONTHLY_AFTER_DAYS = 3 * 365

_DAY = "%Y-%m-%d"
_INSTANT = "%Y-%m-%dT%H:%M:%SZ"


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    relation = connection.execute(sql, params or [])
    columns = [description[0] for description in relation.description]
    return [dict(zip(columns, values, strict=True)) for values in relation.fetchall()]


def _totals(connection) -> dict:
    (row,) = _rows(connection, """
        SELECT
            (SELECT count(*) FROM articles) AS articles,
            (SELECT count(*) FROM entities) AS entities,
            (SELECT count(*) FROM dates) AS dates,
            (SELECT count(*) FROM events) AS events,
            (SELECT count(*) FROM events WHERE event_date IS NULL) AS events_undated,
            (SELECT count(*) FROM events WHERE latitude IS NOT NULL AND longitude IS NOT NULL)
                AS events_located,
            (SELECT count(*) FROM rejects) AS rejects,
            (SELECT count(*) FROM runs) AS runs,
            (SELECT count(*) FROM feed_fetches) AS feed_fetches,
            (SELECT count(*) FROM feed_fetches WHERE error_code IS NOT NULL) AS feed_failures,
            (SELECT strftime(min(event_date), '%Y-%m-%d') FROM events) AS first_event_date,
            (SELECT strftime(max(event_date), '%Y-%m-%d') FROM events) AS last_event_date,
            (SELECT strftime(max(finished_at), '%Y-%m-%dT%H:%M:%SZ') FROM runs) AS last_run_finished_at
    """)
    return row


def timeline_granularity(first_day: str | None, last_day: str | None) -> str:
    """'day', 'week' or 'month': the bar width for events over time between two ISO dates."""
    if first_day is None or last_day is None:
        return "day"
    span = (dt.date.fromisoformat(last_day) - dt.date.fromisoformat(first_day)).days
    if span > MONTHLY_AFTER_DAYS:
        return "month"
    if span > WEEKLY_AFTER_DAYS:
        return "week"
    return "day"


def _events_over_time(connection, granularity: str) -> list[dict]:
    # date_trunc('week') starts weeks on Monday (ISO), date_trunc('day') is the date itself.
    return _rows(connection, f"""
        SELECT strftime(date_trunc('{granularity}', event_date), '{_DAY}') AS period,
               quad_class, count(*) AS events
        FROM events
        WHERE event_date IS NOT NULL
        GROUP BY ALL
        ORDER BY period, quad_class NULLS LAST
    """)


def _top_dyads(connection, limit: int) -> list[dict]:
    return _rows(connection, f"""
        SELECT source_actor, target_actor, count(*) AS events,
               count(DISTINCT article_id) AS articles,
               round(avg(goldstein), 2) AS mean_goldstein,
               strftime(min(event_date), '{_DAY}') AS first_date,
               strftime(max(event_date), '{_DAY}') AS last_date
        FROM events
        WHERE source_actor IS NOT NULL AND target_actor IS NOT NULL
        GROUP BY source_actor, target_actor
        ORDER BY events DESC, source_actor, target_actor
        LIMIT ?
    """, [limit])


def _root_names() -> dict[str, tuple[str, int]]:
    """Root code -> (short name, quad class) from the packaged CAMEO codebook."""
    from transforms.events.codebook import Codebook

    codebook = Codebook.load()
    return {root: (codebook[root].name, codebook[root].quad_class) for root in codebook.roots()}


def _events_by_root(connection) -> list[dict]:
    counted = {row["cameo_root"]: row for row in _rows(connection, """
        SELECT cameo_root, count(*) AS events, count(DISTINCT article_id) AS articles
        FROM events GROUP BY cameo_root
    """)}
    roots = _root_names()
    result = []
    # Every root of the codebook, with zero where nothing was coded: the gaps are information too.
    for root in sorted(set(roots) | set(counted)):
        name, quad_class = roots.get(root, ("(not in the codebook)", None))
        row = counted.get(root, {"events": 0, "articles": 0})
        result.append({"cameo_root": root, "name": name, "quad_class": quad_class,
                       "events": row["events"], "articles": row["articles"]})
    return result


def _locations(connection) -> list[dict]:
    return _rows(connection, """
        SELECT location_name, location_country, latitude, longitude, count(*) AS events,
               count(DISTINCT article_id) AS articles
        FROM events
        WHERE latitude IS NOT NULL AND longitude IS NOT NULL
        GROUP BY location_name, location_country, latitude, longitude
        ORDER BY events DESC, location_name, latitude, longitude
    """)


def _runs(connection, limit: int) -> list[dict]:
    return _rows(connection, f"""
        WITH fetches AS (
            SELECT run_id, count(*) AS feeds,
                   count(*) FILTER (WHERE error_code IS NOT NULL) AS feed_failures
            FROM feed_fetches GROUP BY run_id
        ), latest AS (
            SELECT * FROM runs ORDER BY started_at DESC, run_id DESC LIMIT ?
        )
        SELECT latest.run_id,
               strftime(started_at, '{_INSTANT}') AS started_at,
               round(elapsed_s, 3) AS elapsed_s,
               items_read, duplicates,
               coalesce(CAST(json_extract(rows_written, '$.articles') AS BIGINT), 0) AS articles,
               coalesce(CAST(json_extract(rows_written, '$.events') AS BIGINT), 0) AS events,
               coalesce(CAST(json_extract(rows_written, '$.rejects') AS BIGINT), 0) AS rejects,
               coalesce(fetches.feeds, 0) AS feeds,
               coalesce(fetches.feed_failures, 0) AS feed_failures,
               exit_status
        FROM latest LEFT JOIN fetches USING (run_id)
        ORDER BY latest.started_at, latest.run_id
    """, [limit])


def _rejects_by_reason(connection) -> list[dict]:
    return _rows(connection, """
        SELECT reason, stage, count(*) AS rejects, arg_max(detail, rejected_at) AS example_detail
        FROM rejects GROUP BY reason, stage ORDER BY rejects DESC, reason, stage
    """)


def _feed_failures(connection, limit: int) -> list[dict]:
    return _rows(connection, f"""
        SELECT feed_uri, error_code, count(*) AS failures,
               strftime(max(fetched_at), '{_INSTANT}') AS last_failed_at,
               arg_max(error_message, fetched_at) AS last_message
        FROM feed_fetches
        WHERE error_code IS NOT NULL
        GROUP BY feed_uri, error_code
        ORDER BY failures DESC, feed_uri, error_code
        LIMIT ?
    """, [limit])


def collect(connection: duckdb.DuckDBPyConnection, *, top_dyads: int = TOP_DYADS,
            max_runs: int = MAX_RUNS) -> dict:
    """Every figure of the report, from the views of ``connection``."""
    if connection.execute("SELECT current_setting('TimeZone')").fetchone()[0] != "UTC":
        connection.execute("SET TimeZone = 'UTC'")  # a read_only connection is set so, and locked
    totals = _totals(connection)
    granularity = timeline_granularity(totals["first_event_date"], totals["last_event_date"])
    return {
        "totals": totals,
        "quad_classes": {str(code): name for code, name in QUAD_CLASSES.items()},
        "timeline_granularity": granularity,
        "events_over_time": _events_over_time(connection, granularity),
        "top_dyads": _top_dyads(connection, top_dyads),
        "events_by_root": _events_by_root(connection),
        "locations": _locations(connection),
        "runs": _runs(connection, max_runs),
        "rejects_by_reason": _rejects_by_reason(connection),
        "feed_failures": _feed_failures(connection, MAX_FEED_FAILURES),
    }


def load(output_dir: str, **options) -> dict:
    """The report's figures for the tables under ``output_dir``."""
    from outputs.sql import read_only

    return collect(read_only(output_dir), **options)
