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


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count:,} {word}"
    return f"{count:,} {word[:-1]}ies" if word.endswith("y") else f"{count:,} {word}s"


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


def format_summary(outcome: RunOutcome) -> str:
    counters = outcome.counters
    status = _STATUS_WORDS.get(outcome.exit_status, outcome.exit_status)
    lines = [
        f"communique run {outcome.run_id} → {outcome.output_dir}  [{status}]",
        f"  read       {_plural(counters.get('items_read', 0), 'item')} "
        f"({_plural(counters.get('seed_files_read', 0), 'seed file')}, "
        f"{_plural(counters.get('feed_entries_read', 0), 'feed entry')})",
        f"  new        {_plural(counters.get('articles_new', 0), 'article')}; "
        f"{_plural(counters.get('duplicates', 0), 'duplicate')} skipped; "
        f"{_plural(counters.get('items_rejected', 0), 'item')} rejected",
        "  rows       " + ", ".join(f"{table} {rows}" for table, rows in outcome.rows_written.items()
                                    if table not in _REBUILT_TABLES),
    ]
    if outcome.read_samples:
        lines.insert(2, "  samples    the sample seeds that ship with communique (no input given; name yours "
                     "with --seeds, --feed or --feeds)")
    rebuilt = {table: rows for table, rows in outcome.rows_written.items() if table in _REBUILT_TABLES}
    if rebuilt:
        lines.append("  rebuilt    " + ", ".join(f"{table} {rows} rows in all"
                                                 for table, rows in rebuilt.items()))
    if outcome.rejects_by_reason:
        by_count = dict(sorted(outcome.rejects_by_reason.items(), key=lambda item: (-item[1], item[0])))
        lines.append(f"  rejects    {_listing(by_count, _MOST_REASONS)}")
    feeds = outcome.feeds
    if feeds.get("fetched"):
        failed = f"{feeds['failed']:,} failed"
        if feeds["errors"]:
            failed += f" ({_listing(feeds['errors'], _MOST_REASONS)})"
        lines.append(f"  feeds      {_plural(feeds['fetched'], 'feed')} fetched: {failed}, "
                     f"{feeds['not_modified']:,} not modified")
    pages = {name.removeprefix("pages_"): value for name, value in counters.items()
             if name.startswith("pages_") and value}
    if pages:
        lines.append(f"  pages      {_listing(pages)}")
    failures = {name: value for name, value in counters.items()
                if name in {f"{stage}_failed" for stage in _ANNOTATING_STAGES} and value}
    if failures:
        lines.append(f"  failures   {_listing(failures)} (articles kept; see rejects: stage_failed)")
    flagged = {name: value for name, value in counters.items()
               if (name.startswith("date_flag_") or name == "date_missing") and value}
    if flagged:
        lines.append(f"  dates      {_listing(flagged)}")
    bounded = {name: counters[name] for name in _BOUNDED if counters.get(name)}
    if bounded:
        lines.append(f"  bounded    {_listing(bounded)} (see rejects)")
    if counters.get("articles_not_english"):
        lines.append(f"  language   {_plural(counters['articles_not_english'], 'article')} not in English: "
                     "kept without dates, entities and events")
    lines.append(f"  time       {outcome.elapsed_s:.1f} s, {outcome.articles_per_s:.1f} articles/s")
    if outcome.rejects_by_reason:
        sql = f"SELECT reason, source_uri, detail FROM rejects WHERE run_id = '{outcome.run_id}'"
        lines.append(f"  why        {_command(outcome.output_dir, 'query', sql)}")
    lines.append(f"  next       {_command(outcome.output_dir, 'report')}  (charts);  "
                 f"{_command(outcome.output_dir, 'query', 'SELECT * FROM events LIMIT 20')}")
    return "\n".join(lines)
