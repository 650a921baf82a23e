"""event_daily: equal to a GROUP BY over the whole events table after every (re-)build, checked in DuckDB."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from outputs.event_daily import STALE_MARK, mark_stale, rebuild_event_daily, rebuild_if_stale
from outputs.sql import connect
from outputs.tablefiles import part_file_name, partition_date_of, partition_path, rows_to_arrow, write_parquet
from outputs.tables import read_table, table_files
from schemas import TABLES
from tests.devsets.events_fixtures import seed_inputs
from transforms.events.coder import EventCoder

# The GROUP BY the table must always equal, written independently of outputs/event_daily.py.
EXPECTED_SQL = """
SELECT e.event_date, e.source_actor, e.target_actor, e.cameo_code,
       count(*) AS num_mentions, count(DISTINCT e.article_id) AS num_articles,
       count(DISTINCT CASE WHEN a.source_uri LIKE 'http%' THEN split_part(a.source_uri, '/', 3)
                           ELSE coalesce(a.feed_uri, a.source_kind) END) AS num_sources,
       min(coalesce(a.published_at, a.ingested_at)) AS first_seen,
       max(coalesce(a.published_at, a.ingested_at)) AS last_seen,
       list_sort(list(e.event_id)) AS event_ids
FROM events e LEFT JOIN articles a USING (article_id)
GROUP BY ALL
"""
DAILY_SQL = """
SELECT event_date, source_actor, target_actor, cameo_code, num_mentions, num_articles, num_sources,
       first_seen, last_seen, event_ids FROM event_daily
"""


def _rows(connection, sql: str) -> list[tuple]:
    return sorted(connection.sql(sql).fetchall(), key=repr)


def _write(root: str, table: str, rows: list[dict], run_id: str) -> None:
    spec = TABLES[table]
    by_partition: dict = {}
    for row in rows:
        by_partition.setdefault(row[spec.partition_by], []).append(row)
    for value, part in by_partition.items():
        directory = partition_path(root, spec, value)
        os.makedirs(directory, exist_ok=True)
        write_parquet(os.path.join(directory, part_file_name(run_id, 0)), rows_to_arrow(spec, part))


def _article(article_id: str, source_uri: str, source_kind: str, published: dt.datetime | None) -> dict:
    return {"article_id": article_id, "source_uri": source_uri, "feed_uri": None, "source_kind": source_kind,
            "text": "...", "content_hash": article_id * 4, "published_at": published,
            "published_date": published.date() if published else None,
            "ingested_at": dt.datetime(2021, 11, 1, tzinfo=dt.timezone.utc), "run_id": "r"}


@pytest.fixture(scope="module")
def coded():
    article, sentences, entities, dates = seed_inputs()
    coder = EventCoder.load()
    return coder, article, sentences, entities, dates


def _events_for(coded, article_id: str) -> list[dict]:
    coder, article, sentences, entities, dates = coded
    rename = [{**row, "article_id": article_id} for row in entities]
    return coder.code_document({**article, "article_id": article_id}, sentences, rename,
                               [{**row, "article_id": article_id} for row in dates])


def test_rebuild_equals_group_by_over_events_across_incremental_runs(tmp_path, coded):
    root = str(tmp_path)
    published = dt.datetime(2021, 10, 28, 9, tzinfo=dt.timezone.utc)
    # Run 1: the seed article.
    _write(root, "articles", [_article("a1", "000_seed.txt", "seed", published)], "run1")
    _write(root, "events", _events_for(coded, "a1"), "run1")
    rows = rebuild_event_daily(root)
    assert rows > 0
    connection = connect(root)
    assert _rows(connection, DAILY_SQL) == _rows(connection, EXPECTED_SQL)

    # Run 2 adds two reports of the same story from two outlets: counts grow, still a GROUP BY.
    later = dt.datetime(2021, 10, 29, 7, tzinfo=dt.timezone.utc)
    _write(root, "articles", [_article("a2", "https://news.example.org/story", "feed", later),
                              _article("a3", "https://wire.example.net/x?id=1", "feed", None)], "run2")
    _write(root, "events", _events_for(coded, "a2") + _events_for(coded, "a3"), "run2")
    rebuild_event_daily(root)
    connection = connect(root)
    daily = _rows(connection, DAILY_SQL)
    assert daily == _rows(connection, EXPECTED_SQL)
    tehran = connection.sql("SELECT num_mentions, num_articles, num_sources, first_seen, last_seen FROM "
                            "event_daily WHERE event_date = DATE '2021-10-27' AND source_actor = 'RUS' "
                            "AND target_actor = 'CHN' AND cameo_code = '040'").fetchall()
    assert len(tehran) == 1
    mentions, articles, sources, first_seen, last_seen = tehran[0]
    assert (mentions, articles, sources) == (3, 3, 3)
    assert first_seen.astimezone(dt.timezone.utc) == published
    assert last_seen.astimezone(dt.timezone.utc) == dt.datetime(2021, 11, 1, tzinfo=dt.timezone.utc)

    # Re-running the rebuild changes nothing (same files, same rows).
    before = sorted(os.listdir(os.path.join(root, "event_daily")))
    rebuild_event_daily(root)
    assert sorted(os.listdir(os.path.join(root, "event_daily"))) == before
    assert _rows(connect(root), DAILY_SQL) == daily


def test_rebuild_of_an_empty_output_and_of_one_interrupted_before_its_commit(tmp_path):
    root = str(tmp_path)
    assert rebuild_event_daily(root) == 0
    assert read_table(root, "event_daily").num_rows == 0
    # A rebuild killed before its commit left staged files: the tables never show them, the next
    # rebuild starts afresh.
    leftover = os.path.join(root, "_staging", "event_daily", "event_daily", "event_date=2021-10-27")
    os.makedirs(leftover)
    with open(os.path.join(leftover, "part-event_daily-0000.parquet"), "wb") as handle:
        handle.write(b"half a file")
    assert read_table(root, "event_daily").num_rows == 0
    assert rebuild_event_daily(root) == 0
    assert not os.path.exists(os.path.join(root, "_staging", "event_daily"))


def _daily_files_by_day(root: str) -> dict:
    by_day: dict = {}
    for path in table_files(root, "event_daily"):
        by_day.setdefault(partition_date_of(path), set()).add((path, os.stat(path).st_ino))
    return by_day


def test_a_run_rebuilds_only_the_days_it_added_events_to(tmp_path, coded):
    """Before: every run rebuilt event_daily from the whole events table, so its cost grew with the
    archive; now the days a run did not touch keep their files, and the table still equals the GROUP BY."""
    root = str(tmp_path)
    september = dt.date(2021, 9, 1)
    published = dt.datetime(2021, 10, 28, 9, tzinfo=dt.timezone.utc)
    _write(root, "articles", [_article("a1", "000_seed.txt", "seed", published)], "run1")
    _write(root, "events", [{**row, "event_date": september, "published_date": published.date()}
                            for row in _events_for(coded, "a1")], "run1")
    rebuild_event_daily(root)
    untouched = _daily_files_by_day(root)[september]

    later = dt.datetime(2021, 10, 29, 7, tzinfo=dt.timezone.utc)
    _write(root, "articles", [_article("a2", "https://news.example.org/story", "feed", later)], "run2")
    added = [{**row, "published_date": later.date()} for row in _events_for(coded, "a2")]
    _write(root, "events", added, "run2")
    days = {row["event_date"] for row in added}
    assert september not in days
    mark_stale(root, days)
    rows = rebuild_if_stale(root)
    connection = connect(root)
    assert _rows(connection, DAILY_SQL) == _rows(connection, EXPECTED_SQL)
    assert rows == read_table(root, "event_daily").num_rows
    assert _daily_files_by_day(root)[september] == untouched
    assert not os.path.exists(os.path.join(root, STALE_MARK))


def test_stale_marks_add_up_and_a_mark_naming_no_days_rebuilds_every_day(tmp_path, coded):
    root = str(tmp_path)
    published = dt.datetime(2021, 10, 28, 9, tzinfo=dt.timezone.utc)
    _write(root, "articles", [_article("a1", "000_seed.txt", "seed", published)], "run1")
    events = _events_for(coded, "a1")
    _write(root, "events", events, "run1")
    rebuild_event_daily(root)
    before = _daily_files_by_day(root)
    first, *others = sorted(before)
    assert others, "the fixture's events fall on more than one day"
    mark_stale(root, {first})
    mark_stale(root, set(others[:1]))  # a second run before the rebuild: both days are rebuilt
    rebuild_if_stale(root)
    after = _daily_files_by_day(root)
    assert {day for day in before if after[day] != before[day]} == {first, others[0]}
    # A mark of an earlier version (an empty file) names no days: every day is rebuilt.
    with open(os.path.join(root, STALE_MARK), "wb"):
        pass
    rebuild_if_stale(root)
    again = _daily_files_by_day(root)
    assert all(again[day] != after[day] for day in after)
    connection = connect(root)
    assert _rows(connection, DAILY_SQL) == _rows(connection, EXPECTED_SQL)


@pytest.mark.parametrize("chunk_rows", [1, 5, 1_000_000])
def test_days_aggregated_together_or_apart_give_the_same_table(tmp_path, coded, monkeypatch, chunk_rows):
    """The rebuild reads several days per query (one query per day cost more than its work on small
    days); however the days are grouped, each day's rows are the GROUP BY's, in the same files."""
    import outputs.event_daily as event_daily

    root = str(tmp_path)
    for number, day in enumerate((27, 28, 29, 30)):
        published = dt.datetime(2021, 10, day, 9, tzinfo=dt.timezone.utc)
        _write(root, "articles", [_article(f"a{number}", f"https://n{number}.example.org/s", "feed",
                                           published)], f"run{number}")
        _write(root, "events", _events_for(coded, f"a{number}"), f"run{number}")
    monkeypatch.setattr(event_daily, "CHUNK_ROWS", chunk_rows)
    event_daily.rebuild_event_daily(root)
    connection = connect(root)
    assert _rows(connection, DAILY_SQL) == _rows(connection, EXPECTED_SQL)
    days = {partition_date_of(path) for path in table_files(root, "event_daily")}
    assert len(days) == len({partition_date_of(path) for path in table_files(root, "events")}) > 1
