"""communique report: the page opens in a real browser, draws its charts, and its numbers are SQL's.

The output is a real run of the pipeline over tests/data/seeds_small; events and feed fetches are added
as rows written with the same table-file helpers the sinks use (the events stage has little to say about
those articles, and the run reads no HTTP feed), so every chart has something to draw. The expected
numbers are computed here with independent SQL over the table files, never copied into the test.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from itertools import cycle, islice, pairwise

import duckdb
import lxml.html
import pytest

from outputs.tablefiles import part_file_name, partition_path, rows_to_arrow, write_parquet
from outputs.tables import read_table
from pipeline import report_data, report_html, world_outline
from pipeline.cli import main
from pipeline.wording import counted
from schemas import TABLES
from tests.conftest import DATA, run_communique
from transforms.common.ids import stable_id
from transforms.events.codebook import Codebook

SYNTHETIC_RUN = "synthetic0000000"
ACTORS = ["CHNGOV", "RUSGOV", "IRNGOV", "PAKGOV", "AFGINS", "USAGOV", "IGOUNO"]
CODES = ["043", "036", "0311", "020", "112", "130", "173", "057", "193"]
PLACES = [("Tehran", "IRN", 35.69439, 51.42151), ("Moscow", "RUS", 55.75222, 37.61556),
          ("Kabul", "AFG", 34.52813, 69.17233), None, None, ("Kandahar Province", "AFG", None, None)]
# Two events dated years from the rest (as a misread year would be): the timeline must not stretch to them.
FAR_OFF_DATES = {3: dt.date(1999, 3, 1), 40: dt.date(2031, 5, 5)}
# Runs besides the real one: several a day, on two days, as a scheduled watch would leave them.
EXTRA_RUN_STARTS = [dt.datetime(2024, 6, 1, 12, 15), dt.datetime(2024, 6, 1, 12, 30),
                    dt.datetime(2024, 6, 2, 0, 5), dt.datetime(2024, 6, 2, 23, 50)]


def write_rows(root: str, table: str, rows: list[dict]) -> None:
    spec = TABLES[table]
    by_partition: dict = {}
    for row in rows:
        by_partition.setdefault(row[spec.partition_by], []).append(row)
    for index, (value, chosen) in enumerate(sorted(by_partition.items(), key=lambda kv: (kv[0] is None,
                                                                                          kv[0]))):
        directory = partition_path(root, spec, value)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, part_file_name(SYNTHETIC_RUN, index))
        write_parquet(path, rows_to_arrow(spec, chosen))


def synthetic_events(article_ids: list[str]) -> list[dict]:
    codebook = Codebook.load()
    rows = []
    # Targets cycle one longer than sources, so pairs vary; a repeated actor stands for "no target".
    sources, targets = cycle(ACTORS), cycle([*ACTORS[3:], None, *ACTORS[:3]])
    codes, places, articles = cycle(CODES), cycle(PLACES), cycle(article_ids)
    for index in range(57):
        code, place, source, target = next(codes), next(places), next(sources), next(targets)
        target = None if target == source else target
        entry = codebook[code]
        event_date = None if index % 19 == 7 else dt.date(2021, 10, 20) + dt.timedelta(days=index % 11)
        event_date = FAR_OFF_DATES.get(index, event_date)
        article_id = next(articles)
        rows.append({
            "event_id": stable_id("synthetic-event", index), "article_id": article_id,
            "sentence_index": index % 5, "event_date": event_date,
            "event_date_source": "published" if event_date else "missing",
            "source_actor": source, "source_country": source[:3], "target_actor": target,
            "target_country": target[:3] if target else None, "cameo_code": code, "cameo_root": entry.root,
            "quad_class": entry.quad_class, "goldstein": entry.goldstein, "plover_type": entry.plover_type,
            "location_name": place[0] if place else None, "location_country": place[1] if place else None,
            "latitude": place[2] if place else None, "longitude": place[3] if place else None,
            "trigger": "met", "evidence": f"Synthetic test sentence number {index}.", "rule_id": "test",
            "confidence": 0.5, "published_date": dt.date(2021, 10, 28),
        })
    return rows


def _feed_fetches(run_id: str) -> list[dict]:
    fetched_at = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
    rows = []
    feeds = [("http://127.0.0.1:1/a.xml", None), ("http://127.0.0.1:1/b.xml", "http_404"),
             ("http://127.0.0.1:1/c.xml", "timeout")]
    for index, (uri, error) in enumerate(feeds):
        rows.append({"run_id": run_id, "feed_uri": uri, "http_status": 404 if error == "http_404" else None,
                     "entries_seen": 0, "entries_new": 0, "duplicates": 0, "rejects": 0,
                     "not_modified": False, "error_code": error,
                     "error_message": f"<b>{error}</b> on feed {index}" if error else None,
                     "fetched_at": fetched_at + dt.timedelta(seconds=index),
                     "fetched_date": fetched_at.date()})
    return rows


def _extra_runs() -> list[dict]:
    rows = []
    for index, started in enumerate(EXTRA_RUN_STARTS):
        started = started.replace(tzinfo=dt.timezone.utc)
        rows.append({"run_id": stable_id("synthetic-run", index), "started_at": started,
                     "finished_at": started + dt.timedelta(seconds=30), "elapsed_s": 30.0, "options": "{}",
                     "communique_version": "test", "items_read": index + 2, "duplicates": index,
                     "rows_written": json.dumps({"articles": index + 1, "events": 2 * index,
                                                 "rejects": index % 2}),
                     "rejects_by_reason": "{}", "exit_status": "ok", "coder_version": None,
                     "run_date": started.date()})
    return rows


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> str:
    seeds = tmp_path_factory.mktemp("report_seeds")
    shutil.copytree(DATA / "seeds_small", seeds / "seeds")
    root = str(tmp_path_factory.mktemp("report") / "out")
    run_communique("--seeds", str(seeds / "seeds"), "--output", root,
                   "--run-timestamp", "2024-06-01T12:00:00Z")
    article_ids = read_table(root, "articles").column("article_id").to_pylist()
    (run_id,) = read_table(root, "runs").column("run_id").to_pylist()
    # Added to whatever the events stage coded, so every chart has places, dates and dyads to show.
    write_rows(root, "events", synthetic_events(sorted(article_ids)))
    write_rows(root, "feed_fetches", _feed_fetches(run_id))
    write_rows(root, "runs", _extra_runs())
    return root


@pytest.fixture(scope="module")
def tables(output) -> duckdb.DuckDBPyConnection:
    """Independent SQL: the table files read by pyarrow, queried by a DuckDB that knows no views of ours."""
    connection = duckdb.connect()
    for name in TABLES:
        connection.register(name, read_table(output, name))
    return connection


def _period_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    return day


def _one(tables, sql: str):
    return tables.execute(sql).fetchone()[0]


def test_figures_match_independent_sql(output, tables):
    data = report_data.load(output)
    totals = data["totals"]
    for table in ("articles", "entities", "dates", "events", "rejects", "runs", "feed_fetches"):
        assert totals[table] == _one(tables, f"SELECT count(*) FROM {table}"), table
    assert totals["events"] > 0 and totals["rejects"] > 0  # the fixture must exercise every chart
    assert totals["events_undated"] == _one(tables, "SELECT count(*) FROM events WHERE event_date IS NULL")
    assert totals["feed_failures"] == 2

    by_period = {(row["period"], row["quad_class"]): row["events"] for row in data["events_over_time"]}
    expected: collections.Counter = collections.Counter()
    window = data["timeline_window"]
    for day, quad in tables.execute("SELECT event_date, quad_class FROM events WHERE event_date BETWEEN ? "
                                    "AND ?", [window["start"], window["end"]]).fetchall():
        expected[(_period_start(day, data["timeline_granularity"]).isoformat(), quad)] += 1
    assert by_period == dict(expected)
    outside = tables.execute("SELECT strftime(event_date, '%Y-%m-%d'), event_id FROM events WHERE "
                             "event_date NOT BETWEEN ? AND ? ORDER BY 1, 2",
                             [window["start"], window["end"]]).fetchall()
    assert [(row["event_date"], row["event_id"]) for row in data["timeline_outliers"]] == outside
    assert window["outliers"] == len(outside)

    pairs = tables.execute("""SELECT source_actor, target_actor, count(*) n FROM events
                              WHERE target_actor IS NOT NULL GROUP BY ALL""").fetchall()
    ranked = sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))[:report_data.TOP_DYADS]
    assert [(d["source_actor"], d["target_actor"], d["events"]) for d in data["top_dyads"]] == ranked

    roots = {row["cameo_root"]: row["events"] for row in data["events_by_root"]}
    assert len(roots) >= 20 and sum(roots.values()) == totals["events"]
    for root, n in tables.execute("SELECT cameo_root, count(*) FROM events GROUP BY 1").fetchall():
        assert roots[root] == n

    places = {(p["location_name"], p["latitude"], p["longitude"]): p["events"] for p in data["locations"]}
    assert places == {(name, lat, lon): n for name, lat, lon, n in tables.execute(
        "SELECT location_name, latitude, longitude, count(*) FROM events WHERE latitude IS NOT NULL "
        "GROUP BY ALL").fetchall()}

    assert len(data["runs"]) == _one(tables, "SELECT count(*) FROM runs")
    assert sum(run["feed_failures"] for run in data["runs"]) == 2
    assert {r["reason"]: r["rejects"] for r in data["rejects_by_reason"]} == dict(
        tables.execute("SELECT reason, count(*) FROM rejects GROUP BY 1").fetchall())


def test_empty_output_gives_a_page_without_charts(tmp_path):
    data = report_data.load(str(tmp_path))
    assert data["totals"]["events"] == 0 and report_html.figures(data) == {}
    page = report_html.render(data, source=str(tmp_path))
    document = lxml.html.fromstring(page)
    assert len(document.xpath("//*[@data-empty-chart]")) == 5
    assert json.loads(document.get_element_by_id("report-data").text) == data


def test_the_embedded_data_cannot_break_out_of_its_script_element():
    data = report_data.load(tempfile.gettempdir() + "/communique-no-such-output")
    data["rejects_by_reason"] = [{"reason": "x</script><script>alert(1)</script>", "stage": "s", "rejects": 1,
                                  "example_detail": "<b>bold</b>"}]
    document = lxml.html.fromstring(report_html.render(data))
    assert json.loads(document.get_element_by_id("report-data").text) == data
    assert not document.xpath("//b")  # table cells are escaped too


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


# Every http(s) request goes to a proxy on a loopback port where nothing listens: the network is off.
_NETWORK_OFF = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


def _dump_dom(page: str, tmp_path, extra_flags: tuple[str, ...] = ()) -> lxml.html.HtmlElement:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--window-size=1280,2400", "--virtual-time-budget=15000",
         *extra_flags, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return lxml.html.fromstring(done.stdout)


def test_the_page_renders_in_headless_chromium_and_plots_the_sql_numbers(output, tables, tmp_path):
    page = tmp_path / "report.html"
    assert main(["report", "--output", output, "--html", str(page)]) == 0
    dom = _dump_dom(page, tmp_path)
    charts = {element.get("id"): element for element in dom.xpath("//div[@data-chart]")}
    assert set(charts) == {"chart-events-over-time", "chart-top-dyads", "chart-events-by-root",
                           "chart-event-map", "chart-run-history"}
    for chart_id, element in charts.items():
        assert element.get("data-rendered") == "true", chart_id
        assert element.xpath(".//svg[contains(@class, 'main-svg')]"), chart_id

    def plotted(chart_id: str) -> dict:
        return json.loads(charts[chart_id].get("data-plotted"))

    planted = ", ".join(f"'{stable_id('synthetic-event', index)}'" for index in FAR_OFF_DATES)
    in_bulk = f"event_date IS NOT NULL AND event_id NOT IN ({planted})"
    by_quad = dict(tables.execute(f"SELECT quad_class, count(*) FROM events WHERE {in_bulk} GROUP BY 1"
                                  ).fetchall())
    assert plotted("chart-events-over-time") == {report_data.QUAD_CLASSES[q]: n for q, n in by_quad.items()}
    assert sum(plotted("chart-events-by-root").values()) == _one(tables, "SELECT count(*) FROM events")
    top = tables.execute(f"""SELECT count(*) n FROM events WHERE target_actor IS NOT NULL
                             GROUP BY source_actor, target_actor ORDER BY n DESC
                             LIMIT {report_data.TOP_DYADS}""").fetchall()
    assert plotted("chart-top-dyads") == {"events": sum(n for (n,) in top)}
    dyad_bars = charts["chart-top-dyads"].xpath(
        ".//g[contains(@class, 'bars')]//g[contains(concat(' ', normalize-space(@class), ' '), ' point ')]")
    assert len(dyad_bars) == len(top)
    places = _one(tables, "SELECT count(DISTINCT (latitude, longitude, location_name)) FROM events "
                          "WHERE latitude IS NOT NULL")
    assert plotted("chart-event-map") == {"located events": places}
    written = [json.loads(text) for (text,) in tables.execute("SELECT rows_written FROM runs").fetchall()]
    assert plotted("chart-run-history") == {"articles written": sum(w["articles"] for w in written),
                                            "rejects": sum(w["rejects"] for w in written),
                                            "feed failures": 2}
    cards = {card.get("data-total"): card.text_content() for card in dom.xpath("//div[@data-total]")}
    assert cards["events"].startswith(f"{_one(tables, 'SELECT count(*) FROM events'):,}")


def test_the_page_needs_no_network(output, tmp_path):
    page = report_html.render(report_data.load(output), source=output)
    document = lxml.html.fromstring(page)
    assert not document.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    assert "Plotly.newPlot" in page


def test_report_refuses_a_missing_directory(output, tmp_path, capsys):
    assert main(["report", "--output", output, "--html", str(tmp_path / "no" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", "--output", output, "--html", str(tmp_path / "r.html"), "--top-dyads", "0"]) == 2
    assert main(["report", "--output", str(tmp_path / "nothing"), "--html", str(tmp_path / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_timeline_switches_to_weeks_and_months_for_long_spans():
    assert report_data.timeline_granularity("2021-01-01", "2021-02-01") == "day"
    assert report_data.timeline_granularity("2021-01-01", "2021-08-01") == "week"
    assert report_data.timeline_granularity("2018-01-01", "2021-08-01") == "month"
    assert report_data.timeline_granularity(None, None) == "day"


def test_top_dyads_limit(output):
    data = report_data.load(output, top_dyads=3)
    assert len(data["top_dyads"]) == 3
    assert list(islice((d["events"] for d in data["top_dyads"]), 3)) == sorted(
        (d["events"] for d in data["top_dyads"]), reverse=True)


def test_the_report_on_the_real_seed_output(seed_only, tmp_path):
    """No stand-in rows: whatever the pipeline made of the seed is what the page shows and plots."""
    root = str(tmp_path / "out")
    run_communique("--seeds", str(seed_only), "--output", root)
    tables = duckdb.connect()
    for name in TABLES:
        tables.register(name, read_table(root, name))
    data = report_data.load(root)
    for table in ("articles", "entities", "dates", "events", "rejects", "runs"):
        assert data["totals"][table] == _one(tables, f"SELECT count(*) FROM {table}"), table
    assert data["totals"]["articles"] == 1 and data["totals"]["runs"] == 1
    assert sum(row["events"] for row in data["events_by_root"]) == data["totals"]["events"]
    page = tmp_path / "seed.html"
    page.write_text(report_html.render(data, source=root), encoding="utf-8")
    dom = _dump_dom(page, tmp_path)
    drawn = {element.get("id"): element.get("data-rendered") for element in dom.xpath("//div[@data-chart]")}
    assert drawn == dict.fromkeys(report_html.figures(data), "true")
    assert "chart-run-history" in drawn
    articles_plotted = json.loads(dom.get_element_by_id("chart-run-history").get("data-plotted"))
    assert articles_plotted["articles written"] == 1


@pytest.fixture(scope="module")
def offline_page(output, tmp_path_factory) -> tuple[lxml.html.HtmlElement, dict]:
    """The report as headless Chromium drew it with the network off, and the chart JSON in the page."""
    directory = tmp_path_factory.mktemp("offline_page")
    page = directory / "report.html"
    assert main(["report", "--output", output, "--html", str(page)]) == 0
    charts = json.loads(lxml.html.fromstring(page.read_text(encoding="utf-8"))
                        .get_element_by_id("report-charts").text)
    return _dump_dom(page, directory, tuple(_NETWORK_OFF)), charts


def _table_rows(dom, table_id: str) -> list[dict]:
    table = dom.get_element_by_id(table_id)
    headings = [th.text_content() for th in table.xpath("./thead/tr/th")]
    return [dict(zip(headings, (td.text_content() for td in tr.xpath("./td")), strict=True))
            for tr in table.xpath("./tbody/tr")]


def test_far_off_dates_are_listed_not_stretching_the_timeline(offline_page, tables):
    dom, _ = offline_page
    planted = [stable_id("synthetic-event", index) for index in FAR_OFF_DATES]
    listed = _table_rows(dom, "table-timeline-outliers")
    expected = tables.execute("SELECT strftime(event_date, '%Y-%m-%d'), cameo_code FROM events "
                              "WHERE list_contains(?, event_id) ORDER BY 1", [planted]).fetchall()
    assert [(row["event date"], row["CAMEO"]) for row in listed] == expected
    assert f"{len(planted)} events dated far from the rest" in dom.get_element_by_id(
        "timeline-outliers-note").text_content()

    chart = dom.get_element_by_id("chart-events-over-time")
    drawn = sum(json.loads(chart.get("data-plotted")).values())
    dated = _one(tables, "SELECT count(*) FROM events WHERE event_date IS NOT NULL")
    assert drawn == dated - len(planted)  # every other dated event is on the chart
    bulk_first, bulk_last = tables.execute("SELECT min(event_date), max(event_date) FROM events WHERE "
                                           "event_date IS NOT NULL AND NOT list_contains(?, event_id)",
                                           [planted]).fetchone()
    axis_start, axis_end = (dt.date.fromisoformat(end[:10])
                            for end in json.loads(chart.get("data-x-range")))
    # The axis covers the bulk with at most two bars' padding (monthly bars here), not the planted years.
    assert axis_start <= bulk_first and axis_end >= bulk_last
    assert (bulk_first - axis_start).days <= 62 and (axis_end - bulk_last).days <= 62
    far_first, far_last = min(FAR_OFF_DATES.values()), max(FAR_OFF_DATES.values())
    assert far_first < bulk_first and far_last > bulk_last  # they would have stretched it


def test_timeline_fences_leave_a_margin_proportional_to_the_bulk():
    def margins(low: str, high: str) -> tuple[int, int]:
        start, end = report_data.timeline_fences(low, high)
        return ((dt.date.fromisoformat(low) - dt.date.fromisoformat(start)).days,
                (dt.date.fromisoformat(end) - dt.date.fromisoformat(high)).days)

    assert margins("2020-01-01", "2024-01-01") == (365, 365)  # a quarter of 1,461 days
    assert margins("2021-10-20", "2021-10-30") == (report_data.OUTLIER_MIN_MARGIN_DAYS,) * 2
    assert report_data.timeline_fences("0001-01-05", "9999-12-01") == ("0001-01-01", "9999-12-31")


def test_run_history_has_one_bar_per_day(offline_page, tables):
    dom, charts = offline_page
    runs = tables.execute("SELECT started_at, rows_written FROM runs").fetchall()
    by_day: dict = collections.defaultdict(lambda: collections.Counter())
    for started_at, rows_written in runs:
        day = started_at.astimezone(dt.timezone.utc).date().isoformat()
        by_day[day]["runs"] += 1
        by_day[day].update({key: value for key, value in json.loads(rows_written).items()
                            if key in ("articles", "rejects")})
    assert len(runs) > len(by_day) > 1  # several runs a day, more than one day
    traces = charts["chart-run-history"]["data"]
    assert [trace["name"] for trace in traces] == ["articles written", "rejects", "feed failures"]
    for trace in traces:
        assert trace["x"] == sorted(by_day)  # one bar per day, whatever the number of runs
    articles = next(trace for trace in traces if trace["name"] == "articles written")
    assert articles["y"] == [by_day[day]["articles"] for day in sorted(by_day)]
    assert articles["customdata"] == [counted(by_day[day]["runs"], "run") for day in sorted(by_day)]
    plotted = json.loads(dom.get_element_by_id("chart-run-history").get("data-plotted"))
    assert plotted["articles written"] == sum(day["articles"] for day in by_day.values())
    assert plotted["rejects"] == sum(day["rejects"] for day in by_day.values())
    assert len(_table_rows(dom, "table-runs")) == len(runs)  # the table still lists runs one by one


def test_place_counts_agree_everywhere_on_the_page(offline_page, tables):
    dom, charts = offline_page
    events = _one(tables, "SELECT count(*) FROM events")
    with_place = _one(tables, "SELECT count(*) FROM events WHERE location_name IS NOT NULL "
                              "OR latitude IS NOT NULL OR longitude IS NOT NULL")
    located = _one(tables, "SELECT count(*) FROM events WHERE latitude IS NOT NULL AND longitude IS NOT NULL")
    assert with_place > located > 0  # the fixture has places the gazetteer gave no coordinates
    note = " ".join(dom.xpath("//h2[. = 'Where events happened']/following-sibling::p[1]")[0]
                    .text_content().split())
    assert note.startswith(f"{with_place:,} of {events:,} events name a place; {located:,} of them")
    assert f"{with_place - located:,} name a place without coordinates" in note
    unlocated = _table_rows(dom, "table-places-without-coordinates")
    assert sum(int(row["events"].replace(",", "")) for row in unlocated) == with_place - located
    cards = {card.get("data-total"): card.xpath("./div[@class='value']")[0].text_content()
             for card in dom.xpath("//div[@data-total]")}
    assert cards["events_located"] == f"{located:,}"
    (points,) = [trace for trace in charts["chart-event-map"]["data"] if trace["name"] == "located events"]
    on_map = [int(text.split(" event")[0].replace(",", "")) for _, _, text in points["customdata"]]
    assert sum(on_map) == located


def test_singulars_read_right():
    data = report_data.load(tempfile.gettempdir() + "/communique-no-such-output")
    data["totals"].update(events=1, events_undated=1, articles=1, runs=1, first_event_date=None)
    document = lxml.html.fromstring(report_html.render(data))
    text = " ".join(document.text_content().split())
    assert "1 event has no date" in text
    assert not re.search(r"(?<![\d,.])1 (events|articles|runs|rejects)\b", text), text
    labels = {card.get("data-total"): card.xpath("./div[@class='label']")[0].text_content()
              for card in document.xpath("//div[@data-total]")}
    assert (labels["articles"], labels["events"], labels["rejects"]) == ("article", "event", "rejects")


def _ring_contains(ring: list[tuple], longitude: float, latitude: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > latitude) != (y2 > latitude) and longitude < x1 + (latitude - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _country_rings(name: str) -> list[list[tuple]]:
    """The outer rings of one country of the packaged outlines, stitched from their decoded arcs."""
    from importlib import resources

    topology = json.loads(resources.files("pipeline").joinpath("data", world_outline.OUTLINE_FILE)
                          .read_text(encoding="utf-8"))
    geometries = topology["objects"]["countries"]["geometries"]
    (country,) = [g for g in geometries if g["properties"]["name"] == name]
    polygons = country["arcs"] if country["type"] == "MultiPolygon" else [country["arcs"]]
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    rings = []
    for polygon in polygons:
        ring: list[tuple] = []
        for index in polygon[0]:
            arc = topology["arcs"][index if index >= 0 else ~index]
            points = world_outline.decode_arc(arc, scale, translate)
            ring.extend(points if index >= 0 else list(reversed(points)))
        rings.append(ring)
    return rings


def test_the_packaged_outlines_decode_to_the_right_places():
    for country, (longitude, latitude) in {"Iran": (51.42151, 35.69439), "Russia": (37.61556, 55.75222),
                                           "Afghanistan": (69.17233, 34.52813)}.items():
        rings = _country_rings(country)
        assert any(_ring_contains(ring, longitude, latitude) for ring in rings), country
        assert not any(_ring_contains(ring, -longitude, -latitude) for ring in rings), country
    outlines = world_outline.coastlines_and_borders()
    for name in ("coastlines", "borders"):
        longitudes, latitudes = outlines[name]
        points = [(x, y) for x, y in zip(longitudes, latitudes, strict=True) if x is not None]
        assert len(points) > 2000, name
        assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in points), name
        steps = pairwise(longitudes)
        assert all(abs(b - a) <= 180 for a, b in steps if a is not None and b is not None), name


def test_the_map_draws_coastlines_and_borders_with_the_network_off(offline_page):
    dom, charts_json = offline_page
    charts = {element.get("id"): element.get("data-rendered") for element in dom.xpath("//div[@data-chart]")}
    assert charts and set(charts.values()) == {"true"}
    event_map = dom.get_element_by_id("chart-event-map")
    lines = [path.get("d") for path in event_map.xpath(".//path[contains(@class, 'js-line')]")]
    outlines = world_outline.coastlines_and_borders()
    # One drawn path per unbroken stretch of outline: plotly.js drew every coastline and border.
    stretches = sum(1 for name in outlines for a, b in pairwise(outlines[name][0])
                    if a is not None and b is None)
    assert len(lines) == stretches and all(d.startswith("M") for d in lines)
    figure = charts_json["chart-event-map"]
    drawn = {trace["meta"]["outline"]: trace for trace in figure["data"]
             if "outline" in trace.get("meta", {})}
    assert {name: (trace["x"], trace["y"]) for name, trace in drawn.items()} == {
        name: (list(lons), list(lats)) for name, (lons, lats) in outlines.items()}
