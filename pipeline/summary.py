"""The run summary: what was read, written and rejected, how fast, and what to look at next.

``format_summary`` fits on one screen: a headline with the outcome and speed, one line each for what was
read, the articles kept, the rows written per table, rejects by reason, feeds, stage failures and date
flags (each only when there is something to say), and the commands that show the details.
"""

from __future__ import annotations

import collections
import dataclasses
import shlex

from apache_beam.metrics.metric import MetricsFilter

from pipeline.options import DEFAULT_OUTPUT
from pipeline.wording import counted
from transforms.common.beam import METRICS_NAMESPACE

_STATUS_WORDS = {"ok": "ok", "ok_with_rejects": "ok, with rejects", "failed": "FAILED"}
_MOST_REASONS = 6
# Stages that keep an article they fail on (transforms/common/annotate.py counts '<stage>_failed').
_ANNOTATING_STAGES = ("sentences", "dates", "entities", "events")
_BOUNDED = ("articles_truncated", "articles_events_capped")  # docs/operations.md, "Limits"


@dataclasses.dataclass
class RunOutcome:
    run_id: str
    output_dir: str
    elapsed_s: float
    counters: dict[str, int]
    rows_written: dict[str, int]
    rejects_by_reason: dict[str, int]
    exit_status: str
    feeds: dict[str, object] = dataclasses.field(default_factory=dict)  # see feed_summary
    read_samples: bool = False  # the sample seeds bundled with communique were read

    @property
    def articles_per_s(self) -> float:
        return self.rows_written.get("articles", 0) / self.elapsed_s if self.elapsed_s else 0.0


# Tables recomputed from the whole output after the commit rather than appended to.
_REBUILT_TABLES = ("event_daily",)


def counters_of(result) -> dict[str, int]:
    """The committed communique counters of a finished pipeline."""
    query = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE))
    totals: dict[str, int] = {}
    for counter in query["counters"]:
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + counter.committed
    return dict(sorted(totals.items()))


def feed_summary(fetch_rows: list[dict]) -> dict[str, object]:
    """What the run's ``feed_fetches`` rows say: feeds fetched, failed (by error code), not modified."""
    errors = collections.Counter(row["error_code"] for row in fetch_rows if row.get("error_code"))
    return {
        "fetched": len(fetch_rows),
        "failed": sum(errors.values()),
        "not_modified": sum(1 for row in fetch_rows if row.get("not_modified")),
        "errors": dict(sorted(errors.items(), key=lambda item: (-item[1], item[0]))),
    }


def _listing(counts: dict[str, int], most: int | None = None) -> str:
    items = list(counts.items())
    shown = ", ".join(f"{name} {count:,}" for name, count in items[:most])
    if most is not None and len(items) > most:
        shown += f", … {len(items) - most} more"
    return shown


def _shell_word(text: str) -> str:
    """``text`` quoted for a POSIX shell, in double quotes when that reads better (SQL with 'strings')."""
    if text and not any(char in text for char in '"$`\\!'):
        return text if shlex.quote(text) == text else f'"{text}"'
    return shlex.quote(text)


def _command(output_dir: str, *args: str) -> str:
    where = [] if output_dir == DEFAULT_OUTPUT else ["--output", output_dir]
    return " ".join(_shell_word(word) for word in ["communique", *args, *where])


def summary_figures(outcome: RunOutcome) -> dict[str, object]:
    """The figures ``format_summary`` prints, as one JSON-ready object (``communique run --json``)."""
    counters = outcome.counters

    def nonzero(names) -> dict[str, int]:
        return {name: counters[name] for name in names if counters.get(name)}

    return {
        "run_id": outcome.run_id,
        "output_dir": outcome.output_dir,
        "status": outcome.exit_status,
        "read": {"items": counters.get("items_read", 0), "seed_files": counters.get("seed_files_read", 0),
                 "feed_entries": counters.get("feed_entries_read", 0)},
        "read_samples": outcome.read_samples,
        "articles_new": counters.get("articles_new", 0),
        "duplicates_skipped": counters.get("duplicates", 0),
        "items_rejected": counters.get("items_rejected", 0),
        "rows_written": {table: rows for table, rows in outcome.rows_written.items()
                         if table not in _REBUILT_TABLES},
        "rows_rebuilt": {table: rows for table, rows in outcome.rows_written.items()
                         if table in _REBUILT_TABLES},
        "rejects_by_reason": dict(sorted(outcome.rejects_by_reason.items(),
                                         key=lambda item: (-item[1], item[0]))),
        "feeds": outcome.feeds,
        "pages": {name.removeprefix("pages_"): value for name, value in counters.items()
                  if name.startswith("pages_") and value},
        "stage_failures": nonzero(f"{stage}_failed" for stage in _ANNOTATING_STAGES),
        "date_flags": nonzero(name for name in counters
                              if name.startswith("date_flag_") or name == "date_missing"),
        "bounded": nonzero(_BOUNDED),
        "articles_not_english": counters.get("articles_not_english", 0),
        "elapsed_s": round(outcome.elapsed_s, 3),
        "articles_per_s": round(outcome.articles_per_s, 3),
    }


def format_summary(outcome: RunOutcome) -> str:
    figures = summary_figures(outcome)
    status = _STATUS_WORDS.get(outcome.exit_status, outcome.exit_status)
    read = figures["read"]
    lines = [
        f"communique run {outcome.run_id} → {outcome.output_dir}  [{status}]",
        f"  read       {counted(read['items'], 'item')} "
        f"({counted(read['seed_files'], 'seed file')}, {counted(read['feed_entries'], 'feed entry')})",
        f"  new        {counted(figures['articles_new'], 'article')}; "
        f"{counted(figures['duplicates_skipped'], 'duplicate')} skipped; "
        f"{counted(figures['items_rejected'], 'item')} rejected",
        "  rows       " + ", ".join(f"{table} {rows}" for table, rows in figures["rows_written"].items()),
    ]
    if outcome.read_samples:
        lines.insert(2, "  samples    the sample seeds that ship with communique (no input given; name yours "
                     "with --seeds, --feed or --feeds)")
    if figures["rows_rebuilt"]:
        lines.append("  rebuilt    " + ", ".join(f"{table} {counted(rows, 'row')} in all"
                                                 for table, rows in figures["rows_rebuilt"].items()))
    if figures["rejects_by_reason"]:
        lines.append(f"  rejects    {_listing(figures['rejects_by_reason'], _MOST_REASONS)}")
    feeds = outcome.feeds
    if feeds.get("fetched"):
        failed = f"{feeds['failed']:,} failed"
        if feeds["errors"]:
            failed += f" ({_listing(feeds['errors'], _MOST_REASONS)})"
        lines.append(f"  feeds      {counted(feeds['fetched'], 'feed')} fetched: {failed}, "
                     f"{feeds['not_modified']:,} not modified")
    if figures["pages"]:
        lines.append(f"  pages      {_listing(figures['pages'])}")
    if figures["stage_failures"]:
        lines.append(f"  failures   {_listing(figures['stage_failures'])} (articles kept; see rejects: "
                     "stage_failed)")
    if figures["date_flags"]:
        lines.append(f"  dates      {_listing(figures['date_flags'])}")
    if figures["bounded"]:
        lines.append(f"  bounded    {_listing(figures['bounded'])} (see rejects)")
    if figures["articles_not_english"]:
        lines.append(f"  language   {counted(figures['articles_not_english'], 'article')} not in English: "
                     "kept without dates, entities and events")
    lines.append(f"  time       {outcome.elapsed_s:.1f} s, {outcome.articles_per_s:.1f} articles/s")
    if outcome.rejects_by_reason:
        sql = f"SELECT reason, source_uri, detail FROM rejects WHERE run_id = '{outcome.run_id}'"
        lines.append(f"  why        {_command(outcome.output_dir, 'query', sql)}")
    lines.append(f"  next       {_command(outcome.output_dir, 'report')}  (charts);  "
                 f"{_command(outcome.output_dir, 'query', 'SELECT * FROM events LIMIT 20')}")
    return "\n".join(lines)
