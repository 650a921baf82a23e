"""The run summary: what was read, written and rejected, and how fast."""

from __future__ import annotations

import dataclasses

from apache_beam.metrics.metric import MetricsFilter

from transforms.stages.common import METRICS_NAMESPACE


@dataclasses.dataclass
class RunOutcome:
    run_id: str
    output_dir: str
    elapsed_s: float
    counters: dict[str, int]
    rows_written: dict[str, int]
    rejects_by_reason: dict[str, int]
    exit_status: str

    @property
    def articles_per_s(self) -> float:
        return self.rows_written.get("articles", 0) / self.elapsed_s if self.elapsed_s else 0.0


def counters_of(result) -> dict[str, int]:
    """The committed communique counters of a finished pipeline."""
    query = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE))
    totals: dict[str, int] = {}
    for counter in query["counters"]:
        totals[counter.key.metric.name] = totals.get(counter.key.metric.name, 0) + counter.committed
    return dict(sorted(totals.items()))


def format_summary(outcome: RunOutcome) -> str:
    counters = outcome.counters
    lines = [
        f"communique run {outcome.run_id} → {outcome.output_dir}  [{outcome.exit_status}]",
        f"  read       {counters.get('items_read', 0)} items "
        f"({counters.get('seed_files_read', 0)} seed files, "
        f"{counters.get('feed_entries_read', 0)} feed entries)",
        f"  new        {counters.get('articles_new', 0)} articles; "
        f"{counters.get('duplicates', 0)} duplicates skipped; "
        f"{counters.get('items_rejected', 0)} items rejected",
        "  rows       " + ", ".join(f"{table} {rows}" for table, rows in outcome.rows_written.items()),
    ]
    if outcome.rejects_by_reason:
        lines.append("  rejects    " + ", ".join(f"{reason} {count}"
                                                 for reason, count in outcome.rejects_by_reason.items()))
    flagged = {name: value for name, value in counters.items()
               if (name.startswith("date_flag_") or name == "date_missing") and value}
    if flagged:
        lines.append("  dates      " + ", ".join(f"{name} {value}" for name, value in flagged.items()))
    lines.append(f"  time       {outcome.elapsed_s:.1f} s, {outcome.articles_per_s:.1f} articles/s")
    return "\n".join(lines)
