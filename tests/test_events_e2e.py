"""The whole job on the seed with the real stages (sources → ... → actors → events → sinks), then the
event_daily rebuild, read back with DuckDB."""

from __future__ import annotations

import datetime as dt

from outputs.event_daily import rebuild_event_daily
from outputs.sql import connect
from outputs.tables import read_table
from tests.conftest import run_communique

GROUP_BY = """
SELECT event_date, source_actor, target_actor, cameo_code, count(*), count(DISTINCT article_id),
       list_sort(list(event_id))
FROM events GROUP BY ALL
"""
DAILY = """
SELECT event_date, source_actor, target_actor, cameo_code, num_mentions, num_articles, event_ids
FROM event_daily
"""


def _sorted(connection, sql):
    return sorted(connection.sql(sql).fetchall(), key=repr)


def test_seed_run_codes_the_required_events_and_event_daily_follows(seed_only, tmp_path):
    output = str(tmp_path / "out")
    outcome = run_communique("--seeds", str(seed_only), "--output", output)
    assert outcome.counters.get("events_coded", 0) > 0
    events = read_table(output, "events").to_pylist()
    assert len(events) == outcome.counters["events_coded"]
    tehran = [e for e in events if e["cameo_root"] == "04" and e["location_name"] == "Tehran"]
    assert tehran and all(e["event_date"] == dt.date(2021, 10, 27) for e in tehran)
    assert any(e["cameo_root"] == "03" and e["source_actor"] == "RUSGOV" and e["target_country"] == "AFG"
               for e in events)
    assert any(e["cameo_root"] == "13" for e in events)
    assert not any(e["cameo_code"] == "054" for e in events)

    # The run driver rebuilt event_daily after its commit.
    connection = connect(output)
    daily = _sorted(connection, DAILY)
    assert daily and daily == _sorted(connection, GROUP_BY)
    assert outcome.rows_written["event_daily"] == len(daily)

    # A re-run adds nothing; the rebuilt table is the same.
    run_communique("--seeds", str(seed_only), "--output", output)
    assert read_table(output, "events").num_rows == len(events)
    assert _sorted(connect(output), DAILY) == daily
    # An explicit rebuild (as after a run killed between its commit and its rebuild) changes nothing.
    rebuild_event_daily(output)
    assert _sorted(connect(output), DAILY) == daily
