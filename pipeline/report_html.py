"""The ``communique report`` page: one self-contained HTML file drawn from ``pipeline.report_data``.

Charts are Plotly figures built in Python and drawn by plotly.js, which is inlined in the page, so it
opens with no network (the map is a longitude/latitude scatter over coastlines and borders drawn from
Natural Earth outlines shipped in the package, because Plotly's geographic maps fetch theirs from the web).
The figures the page shows travel with it as JSON (``<script id="report-data">``) for anyone who wants
the numbers; every chart also records, once drawn, what plotly.js actually plotted
(``data-rendered``, ``data-plotted``), which the tests compare with SQL over the tables.
"""

from __future__ import annotations

import html
import json

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from pipeline import __version__
from pipeline.wording import counted
from pipeline.world_outline import coastlines_and_borders

QUAD_COLOURS = {1: "#3a923a", 2: "#1f6fb2", 3: "#e69f00", 4: "#c0392b", None: "#8c8c8c"}
CHART_HEIGHT = 420
RECENT_RUNS_SHOWN = 20
TEMPLATE = "plotly_white"

# Draws each figure, then records what plotly.js plotted: per counted trace, the sum of its bar sizes
# (bars) or its number of points (markers), and the x axis range it chose. The page works without it:
# the tables carry every number.
_RENDER_SCRIPT = """
(function () {
  var figures = JSON.parse(document.getElementById('report-charts').textContent);
  Object.keys(figures).forEach(function (id) {
    var element = document.getElementById(id);
    var figure = figures[id];
    Plotly.newPlot(element, figure.data, figure.layout, {displaylogo: false, responsive: true})
      .then(function (gd) {
        var plotted = {};
        gd.calcdata.forEach(function (points, i) {
          var trace = gd._fullData[i];
          if (!trace.meta || trace.meta.counted !== true) { return; }
          plotted[trace.name] = points.reduce(function (total, point) {
            return total + (typeof point.s === 'number' ? point.s : 1);
          }, 0);
        });
        element.setAttribute('data-plotted', JSON.stringify(plotted));
        if (gd._fullLayout.xaxis) {
          element.setAttribute('data-x-range', JSON.stringify(gd._fullLayout.xaxis.range));
        }
        element.setAttribute('data-rendered', 'true');
      })
      .catch(function (error) {
        element.setAttribute('data-rendered', 'error');
        element.textContent = 'This chart could not be drawn: ' + error;
      });
  });
})();
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1180px;
       padding: 1.5rem; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.lede { color: #555; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 0.8rem; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 0.8rem; }
.card .value { font-size: 1.6rem; font-weight: 600; } .card .label { color: #555; font-size: 0.85rem; }
.chart { min-height: 420px; }
.empty { color: #777; font-style: italic; padding: 1rem 0; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.85rem; }
"""


def _script_json(value) -> str:
    """JSON safe inside <script>: no '</script>' or '<!--' can close or confuse the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c")


def _figure_json(figure: go.Figure) -> dict:
    return json.loads(pio.to_json(figure, validate=True, pretty=False))


def _layout(**extra) -> dict:
    return {"template": TEMPLATE, "height": CHART_HEIGHT, "margin": {"l": 60, "r": 20, "t": 30, "b": 60},
            **extra}


def _quad_name(data: dict, quad_class) -> str:
    return data["quad_classes"].get(str(quad_class), "Unknown quad class")


def events_over_time_figure(data: dict) -> go.Figure:
    rows = data["events_over_time"]
    figure = go.Figure()
    for quad_class in sorted({row["quad_class"] for row in rows}, key=lambda q: (q is None, q)):
        chosen = [row for row in rows if row["quad_class"] == quad_class]
        figure.add_bar(x=[row["period"] for row in chosen], y=[row["events"] for row in chosen],
                       name=_quad_name(data, quad_class), marker_color=QUAD_COLOURS.get(quad_class),
                       meta={"counted": True})
    granularity = data["timeline_granularity"]
    figure.update_layout(**_layout(barmode="stack",
                                   xaxis={"type": "date", "title": f"event date ({granularity})"},
                                   yaxis={"title": "events"}, legend={"orientation": "h", "y": 1.1}))
    return figure


def _dyad_label(row: dict) -> str:
    return f"{row['source_actor']} → {row['target_actor']}"


def top_dyads_figure(data: dict) -> go.Figure:
    rows = list(reversed(data["top_dyads"]))  # Plotly draws the first category at the bottom
    figure = go.Figure(go.Bar(
        x=[row["events"] for row in rows], y=[_dyad_label(row) for row in rows], orientation="h",
        name="events", meta={"counted": True},
        marker={"color": [row["mean_goldstein"] for row in rows], "colorscale": "RdYlGn", "cmin": -10,
                "cmax": 10, "colorbar": {"title": "mean<br>Goldstein"}},
        customdata=[[f"{counted(row['events'], 'event')} in {counted(row['articles'], 'article')}",
                     row["mean_goldstein"], row["first_date"], row["last_date"]] for row in rows],
        hovertemplate="%{y}: %{customdata[0]}<br>mean Goldstein %{customdata[1]}"
                      "<br>%{customdata[2]} to %{customdata[3]}<extra></extra>"))
    figure.update_layout(**_layout(height=max(CHART_HEIGHT, 28 * len(rows) + 80),
                                   xaxis={"title": "events"}, yaxis={"type": "category"},
                                   margin={"l": 180, "r": 20, "t": 30, "b": 50}))
    return figure


def events_by_root_figure(data: dict) -> go.Figure:
    rows = data["events_by_root"]
    figure = go.Figure()
    for quad_class in sorted({row["quad_class"] for row in rows}, key=lambda q: (q is None, q)):
        chosen = [row for row in rows if row["quad_class"] == quad_class]
        figure.add_bar(x=[f"{row['cameo_root']} {row['name']}" for row in chosen],
                       y=[row["events"] for row in chosen], name=_quad_name(data, quad_class),
                       marker_color=QUAD_COLOURS.get(quad_class), meta={"counted": True})
    order = [f"{row['cameo_root']} {row['name']}" for row in rows]
    figure.update_layout(**_layout(barmode="stack",
                                   xaxis={"type": "category", "categoryorder": "array",
                                          "categoryarray": order, "tickangle": -40, "title": "CAMEO root"},
                                   yaxis={"title": "events"}, legend={"orientation": "h", "y": 1.1},
                                   margin={"l": 60, "r": 20, "t": 30, "b": 170}, height=CHART_HEIGHT + 110))
    return figure


def event_map_figure(data: dict) -> go.Figure:
    rows = data["locations"]
    outlines = coastlines_and_borders()
    figure = go.Figure()
    for name, style in (("coastlines", {"color": "#8c8c8c", "width": 1}),
                        ("borders", {"color": "#c8c8c8", "width": 0.7})):
        longitudes, latitudes = outlines[name]
        figure.add_scatter(x=longitudes, y=latitudes, mode="lines", name=name, line=style,
                           hoverinfo="skip", showlegend=False, meta={"outline": name})
    largest = max((row["events"] for row in rows), default=1)
    figure.add_scatter(
        x=[row["longitude"] for row in rows], y=[row["latitude"] for row in rows], mode="markers",
        name="located events", meta={"counted": True},
        marker={"size": [8 + 30 * (row["events"] / largest) ** 0.5 for row in rows], "color": "#c0392b",
                "opacity": 0.7, "line": {"width": 1, "color": "#7b241c"}},
        customdata=[[row["location_name"], row["location_country"],
                     f"{counted(row['events'], 'event')} in {counted(row['articles'], 'article')}"]
                    for row in rows],
        hovertemplate="%{customdata[0]} (%{customdata[1]}): %{customdata[2]}<br>%{y:.2f}, %{x:.2f}"
                      "<extra></extra>")
    figure.update_layout(**_layout(
        height=560, showlegend=False,
        xaxis={"range": [-180, 180], "dtick": 30, "title": "longitude", "zeroline": False},
        yaxis={"range": [-70, 85], "dtick": 30, "title": "latitude", "zeroline": False,
               "scaleanchor": "x", "scaleratio": 1}))
    return figure


def run_history_figure(data: dict) -> go.Figure:
    """A bar group per UTC day with runs, however many runs that day had (every 15 minutes is 96)."""
    rows = data["runs_by_day"]
    days = [row["day"] for row in rows]
    runs = [counted(row["runs"], "run") for row in rows]
    figure = go.Figure()
    for column, name, colour in (("articles", "articles written", "#1f6fb2"),
                                 ("rejects", "rejects", "#e69f00"),
                                 ("feed_failures", "feed failures", "#c0392b")):
        figure.add_bar(x=days, y=[row[column] for row in rows], name=name, marker_color=colour,
                       meta={"counted": True}, customdata=runs,
                       hovertemplate=f"%{{x}} (%{{customdata}}): %{{y}} {name}<extra></extra>")
    figure.update_layout(**_layout(barmode="group", xaxis={"type": "date", "title": "day (UTC)"},
                                   yaxis={"title": "count"}, legend={"orientation": "h", "y": 1.1}))
    return figure


def figures(data: dict) -> dict[str, go.Figure]:
    """The page's charts by element id; a chart with nothing to show is left out (the page says so)."""
    charts: dict[str, go.Figure] = {}
    if data["events_over_time"]:
        charts["chart-events-over-time"] = events_over_time_figure(data)
    if data["top_dyads"]:
        charts["chart-top-dyads"] = top_dyads_figure(data)
    if data["totals"]["events"]:
        charts["chart-events-by-root"] = events_by_root_figure(data)
    if data["locations"]:
        charts["chart-event-map"] = event_map_figure(data)
    if data["runs_by_day"]:
        charts["chart-run-history"] = run_history_figure(data)
    return charts


def _esc(value) -> str:
    return html.escape("" if value is None else str(value))


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else _esc(value)


def _table(columns: list[tuple[str, str]], rows: list[dict], table_id: str) -> str:
    """An HTML table; ``columns`` are (key, heading); numeric cells are right-aligned."""
    head = "".join(f'<th class="{"number" if key in _NUMERIC else ""}">{_esc(heading)}</th>'
                   for key, heading in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="number">{_number(row[key])}</td>' if key in _NUMERIC
                         else f"<td>{_esc(row[key])}</td>" for key, _ in columns) + "</tr>"
        for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_NUMERIC = {"events", "articles", "runs", "failed_runs", "mean_goldstein", "rejects", "failures",
            "items_read", "duplicates", "feeds", "feed_failures", "elapsed_s", "latitude", "longitude"}


def _chart(chart_id: str, charts: dict, empty_message: str) -> str:
    if chart_id in charts:
        return f'<div class="chart" id="{chart_id}" data-chart="{chart_id}"></div>'
    return f'<p class="empty" data-empty-chart="{chart_id}">{_esc(empty_message)}</p>'


def _cards(totals: dict) -> str:
    cards = [("articles", "article"), ("events", "event"), ("events_located", "located event"),
             ("entities", "entity mention"), ("dates", "date expression"), ("rejects", "reject"),
             ("runs", "run"), ("feed_failures", "feed fetch failure")]
    # counted() gives the noun its number's form; the number itself is drawn larger, above it.
    return '<div class="cards">' + "".join(
        f'<div class="card" data-total="{key}"><div class="value">{_number(totals[key])}</div>'
        f'<div class="label">{_esc(counted(totals[key], noun).split(" ", 1)[1])}</div></div>'
        for key, noun in cards) + "</div>"


def _have(number: int) -> str:
    return "has" if number == 1 else "have"


def _timeline_note(data: dict) -> str:
    window = data["timeline_window"]
    if not window["outliers"]:
        return ""
    listed = len(data["timeline_outliers"])
    shown = "" if listed == window["outliers"] else f" (the first {listed:,} by date)"
    return (f'<p id="timeline-outliers-note">The chart covers {_esc(window["start"])} to '
            f'{_esc(window["end"])}. {counted(window["outliers"], "event")} dated far from the rest '
            f"{'is' if window['outliers'] == 1 else 'are'} listed here instead of stretching it{shown}:</p>"
            + _table([("event_date", "event date"), ("cameo_code", "CAMEO"), ("source_actor", "source"),
                      ("target_actor", "target"), ("article_id", "article"), ("evidence", "evidence")],
                     data["timeline_outliers"], "table-timeline-outliers"))


def _places_note(data: dict) -> str:
    totals = data["totals"]
    unlocated = totals["events_place_without_coordinates"]
    text = (f"<p>{totals['events_with_place']:,} of {counted(totals['events'], 'event')} name a place; "
            f"{totals['events_located']:,} of them, with coordinates, are on the map (dot size is the "
            "number of events there; outlines from Natural Earth, 1:110m)")
    if not unlocated:
        return text + ".</p>"
    return (text + f"; {unlocated:,} name a place without coordinates, listed below the map.</p>")


def render(data: dict, *, title: str = "communique report", source: str = "") -> str:
    """The whole page for ``data`` (from ``pipeline.report_data.collect``)."""
    charts = figures(data)
    totals = data["totals"]
    span = (f"Events from {totals['first_event_date']} to {totals['last_event_date']}"
            if totals["first_event_date"] else "No dated events yet")
    undated = (f"; {counted(totals['events_undated'], 'event')} {_have(totals['events_undated'])} no date"
               if totals["events_undated"] else "")
    last_run = (f"Last run finished {_esc(totals['last_run_finished_at'])}."
                if totals["last_run_finished_at"] else "No run recorded yet.")
    recent_runs = list(reversed(data["runs"]))[:RECENT_RUNS_SHOWN]
    sections = [
        f"<h1>{_esc(title)}</h1>",
        f'<p class="lede">Tables under <code>{_esc(source)}</code>. {_esc(span)}{_esc(undated)}. {last_run} '
        f"Made by communique {_esc(__version__)}; every number below is SQL over the tables "
        "(<code>communique query</code>).</p>",
        _cards(totals),
        "<h2>Events over time, by quad class</h2>",
        _chart("chart-events-over-time", charts, "No dated events yet."),
        _timeline_note(data),
        "<h2>Most active dyads</h2>",
        "<p>Source → target actor pairs with the most events; colour is the mean Goldstein score "
        "(red conflict, green cooperation).</p>",
        _chart("chart-top-dyads", charts, "No events with both a source and a target actor yet."),
        _table([("source_actor", "source"), ("target_actor", "target"), ("events", "events"),
                ("articles", "articles"), ("mean_goldstein", "mean Goldstein"), ("first_date", "first"),
                ("last_date", "last")], data["top_dyads"], "table-top-dyads") if data["top_dyads"] else "",
        "<h2>Events by CAMEO root</h2>",
        _chart("chart-events-by-root", charts, "No events yet."),
        "<h2>Where events happened</h2>",
        _places_note(data),
        _chart("chart-event-map", charts, "No located events yet."),
        _table([("location_name", "place"), ("location_country", "country"), ("latitude", "latitude"),
                ("longitude", "longitude"), ("events", "events"), ("articles", "articles")],
               data["locations"][:20], "table-locations") if data["locations"] else "",
        "<h3>Places without coordinates</h3>" + _table(
            [("location_name", "place"), ("location_country", "country"), ("events", "events"),
             ("articles", "articles")], data["places_without_coordinates"],
            "table-places-without-coordinates") if data["places_without_coordinates"] else "",
        "<h2>Run history</h2>",
        "<p>What the runs of each UTC day wrote; the table lists the latest runs one by one.</p>"
        if data["runs_by_day"] else "",
        _chart("chart-run-history", charts, "No runs recorded yet."),
        _table([("started_at", "started (UTC)"), ("run_id", "run"), ("exit_status", "status"),
                ("items_read", "items read"), ("articles", "articles"), ("duplicates", "duplicates"),
                ("events", "events"), ("rejects", "rejects"), ("feeds", "feeds"),
                ("feed_failures", "feed failures"), ("elapsed_s", "seconds")],
               recent_runs, "table-runs") if recent_runs else "",
        "<h2>Rejects by reason</h2>",
        _table([("reason", "reason"), ("stage", "stage"), ("rejects", "rejects"),
                ("example_detail", "latest detail")], data["rejects_by_reason"], "table-rejects")
        if data["rejects_by_reason"] else '<p class="empty">No rejects.</p>',
        "<h2>Feed failures</h2>",
        _table([("feed_uri", "feed"), ("error_code", "error"), ("failures", "failures"),
                ("last_failed_at", "last failed (UTC)"), ("last_message", "last message")],
               data["feed_failures"], "table-feed-failures")
        if data["feed_failures"] else '<p class="empty">No failed feed fetches.</p>',
    ]
    chart_json = {chart_id: _figure_json(figure) for chart_id, figure in charts.items()}
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head><body>",
        *[section for section in sections if section],
        f'<script type="application/json" id="report-data">{_script_json(data)}</script>',
        f'<script type="application/json" id="report-charts">{_script_json(chart_json)}</script>',
        f"<script>{get_plotlyjs()}</script>",
        f"<script>{_RENDER_SCRIPT}</script>",
        "</body></html>",
        "",
    ])
