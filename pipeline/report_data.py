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
MAX_RUNS = 200  # the run table shows the latest runs; the totals count them all
MAX_RUN_DAYS = 366  # the run history chart has a bar group per day, for the latest days with a run
MAX_FEED_FAILURES = 20
# Past these spans the timeline counts weeks, then months, so a bar stays wide enough to see.
WEEKLY_AFTER_DAYS = 120
MONTHLY_AFTER_DAYS = 3 * 365

# Events dated far from the bulk (a misread year, a date from a quoted history) would stretch the
# timeline until the real months are a sliver. The bulk is the 1st to 99th percentile of the event dates;
# an event more than a quarter of that span (and at least OUTLIER_MIN_MARGIN_DAYS) outside it is listed
# under the chart instead of drawn in it, so at most about 2% of the dated events can be left out.
OUTLIER_PERCENTILES = (0.01, 0.99)
OUTLIER_MARGIN_SHARE = 0.25
OUTLIER_MIN_MARGIN_DAYS = 90
MAX_OUTLIERS_LISTED = 50

# One meaning of "has a place" and "has coordinates" for every count on the page.
HAS_PLACE = "(location_name IS NOT NULL OR latitude IS NOT NULL OR longitude IS NOT NULL)"
HAS_COORDINATES = "(latitude IS NOT NULL AND longitude IS NOT NULL)"

_DAY = "%Y-%m-%d"
_INSTANT = "%Y-%m-%dT%H:%M:%SZ"


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    relation = connection.execute(sql, params or [])
    columns = [description[0] for description in relation.description]
    return [dict(zip(columns, values, strict=True)) for values in relation.fetchall()]


def _totals(connection) -> dict:
    (row,) = _rows(connection, f"""
        SELECT
            (SELECT count(*) FROM articles) AS articles,
            (SELECT count(*) FROM entities) AS entities,
            (SELECT count(*) FROM dates) AS dates,
            (SELECT count(*) FROM events) AS events,
            (SELECT count(*) FROM events WHERE event_date IS NULL) AS events_undated,
            (SELECT count(*) FROM events WHERE {HAS_PLACE}) AS events_with_place,
            (SELECT count(*) FROM events WHERE {HAS_COORDINATES}) AS events_located,
            (SELECT count(*) FROM rejects) AS rejects,
            (SELECT count(*) FROM runs) AS runs,
            (SELECT count(*) FROM feed_fetches) AS feed_fetches,
            (SELECT count(*) FROM feed_fetches WHERE error_code IS NOT NULL) AS feed_failures,
            (SELECT strftime(min(event_date), '{_DAY}') FROM events) AS first_event_date,
            (SELECT strftime(max(event_date), '{_DAY}') FROM events) AS last_event_date,
            (SELECT strftime(max(finished_at), '{_INSTANT}') FROM runs) AS last_run_finished_at
    """)
    row["events_place_without_coordinates"] = row["events_with_place"] - row["events_located"]
    return row


def timeline_fences(low_percentile: str, high_percentile: str) -> tuple[str, str]:
    """The earliest and latest ISO date the timeline draws, from the 1st and 99th percentile dates."""
    low, high = dt.date.fromisoformat(low_percentile), dt.date.fromisoformat(high_percentile)
    margin = dt.timedelta(days=max(round(OUTLIER_MARGIN_SHARE * (high - low).days), OUTLIER_MIN_MARGIN_DAYS))
    start = low - margin if low - dt.date.min > margin else dt.date.min
    end = high + margin if dt.date.max - high > margin else dt.date.max
    return start.isoformat(), end.isoformat()


def _timeline_window(connection) -> dict:
    """The dates the timeline covers, and how many dated events fall outside them (listed, not drawn)."""
    low, high = OUTLIER_PERCENTILES
    (row,) = _rows(connection, f"""
        SELECT count(event_date) AS dated,
               strftime(CAST(quantile_cont(event_date, {low}) AS DATE), '{_DAY}') AS low_percentile,
               strftime(CAST(quantile_cont(event_date, {high}) AS DATE), '{_DAY}') AS high_percentile
        FROM events
    """)
    if not row["dated"]:
        return {"start": None, "end": None, "outliers": 0}
    start, end = timeline_fences(row["low_percentile"], row["high_percentile"])
    (inside,) = _rows(connection, f"""
        SELECT count(*) AS events, strftime(min(event_date), '{_DAY}') AS start,
               strftime(max(event_date), '{_DAY}') AS end
        FROM events WHERE event_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
    """, [start, end])
    return {"start": inside["start"], "end": inside["end"], "outliers": row["dated"] - inside["events"]}


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


def _events_over_time(connection, granularity: str, window: dict) -> list[dict]:
    # date_trunc('week') starts weeks on Monday (ISO), date_trunc('day') is the date itself.
    return _rows(connection, f"""
        SELECT strftime(date_trunc('{granularity}', event_date), '{_DAY}') AS period,
               quad_class, count(*) AS events
        FROM events
        WHERE event_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY ALL
        ORDER BY period, quad_class NULLS LAST
    """, [window["start"], window["end"]])


def _timeline_outliers(connection, window: dict, limit: int) -> list[dict]:
    """The dated events the timeline leaves out, nearest the drawn dates last."""
    return _rows(connection, f"""
        SELECT strftime(event_date, '{_DAY}') AS event_date, event_id, article_id, cameo_code,
               source_actor, target_actor, evidence
        FROM events
        WHERE event_date NOT BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        ORDER BY event_date, event_id
        LIMIT ?
    """, [window["start"], window["end"], limit])


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
    return _rows(connection, f"""
        SELECT location_name, location_country, latitude, longitude, count(*) AS events,
               count(DISTINCT article_id) AS articles
        FROM events
        WHERE {HAS_COORDINATES}
        GROUP BY location_name, location_country, latitude, longitude
        ORDER BY events DESC, location_name, latitude, longitude
    """)


def _places_without_coordinates(connection) -> list[dict]:
    """Places the events name that the gazetteer gave no coordinates: counted, but not on the map."""
    return _rows(connection, f"""
        SELECT location_name, location_country, count(*) AS events, count(DISTINCT article_id) AS articles
        FROM events
        WHERE {HAS_PLACE} AND NOT {HAS_COORDINATES}
        GROUP BY location_name, location_country
        ORDER BY events DESC, location_name NULLS LAST, location_country NULLS LAST
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


def _runs_by_day(connection, limit: int) -> list[dict]:
    """One row per UTC day with a run (the latest ``limit`` days): a readable history of frequent runs."""
    return _rows(connection, f"""
        WITH fetches AS (
            SELECT run_id, count(*) FILTER (WHERE error_code IS NOT NULL) AS feed_failures
            FROM feed_fetches GROUP BY run_id
        ), per_run AS (
            SELECT CAST(started_at AS DATE) AS day, run_id, items_read, exit_status,
                   coalesce(CAST(json_extract(rows_written, '$.articles') AS BIGINT), 0) AS articles,
                   coalesce(CAST(json_extract(rows_written, '$.events') AS BIGINT), 0) AS events,
                   coalesce(CAST(json_extract(rows_written, '$.rejects') AS BIGINT), 0) AS rejects
            FROM runs
        ), days AS (
            SELECT day, count(*) AS runs, count(*) FILTER (WHERE exit_status = 'failed') AS failed_runs,
                   coalesce(sum(items_read), 0) AS items_read, sum(articles) AS articles,
                   sum(events) AS events, sum(rejects) AS rejects,
                   coalesce(sum(fetches.feed_failures), 0) AS feed_failures
            FROM per_run LEFT JOIN fetches USING (run_id)
            GROUP BY day ORDER BY day DESC LIMIT ?
        )
        SELECT strftime(day, '{_DAY}') AS day, runs, failed_runs,
               CAST(items_read AS BIGINT) AS items_read, CAST(articles AS BIGINT) AS articles,
               CAST(events AS BIGINT) AS events, CAST(rejects AS BIGINT) AS rejects,
               CAST(feed_failures AS BIGINT) AS feed_failures
        FROM days ORDER BY day
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
    window = _timeline_window(connection)
    granularity = timeline_granularity(window["start"], window["end"])
    return {
        "totals": totals,
        "quad_classes": {str(code): name for code, name in QUAD_CLASSES.items()},
        "timeline_window": window,
        "timeline_granularity": granularity,
        "events_over_time": _events_over_time(connection, granularity, window),
        "timeline_outliers": _timeline_outliers(connection, window, MAX_OUTLIERS_LISTED)
        if window["outliers"] else [],
        "top_dyads": _top_dyads(connection, top_dyads),
        "events_by_root": _events_by_root(connection),
        "locations": _locations(connection),
        "places_without_coordinates": _places_without_coordinates(connection),
        "runs": _runs(connection, max_runs),
        "runs_by_day": _runs_by_day(connection, MAX_RUN_DAYS),
        "rejects_by_reason": _rejects_by_reason(connection),
        "feed_failures": _feed_failures(connection, MAX_FEED_FAILURES),
    }


def load(output_dir: str, **options) -> dict:
    """The report's figures for the tables under ``output_dir``."""
    from outputs.sql import read_only

    return collect(read_only(output_dir), **options)
