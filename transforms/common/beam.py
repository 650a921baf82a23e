"""Names shared by the stage modules: the metrics namespace, output tags, counters."""

from __future__ import annotations

import apache_beam as beam

METRICS_NAMESPACE = "communique"
DOCUMENTS = "documents"  # main output of every per-article stage
OUTCOMES = "outcomes"  # (feed_uri, outcome) pairs, so feed_fetches rows can say what became of entries

OUTCOME_NEW = "new"
OUTCOME_DUPLICATE = "duplicate"
OUTCOME_REJECTED = "rejected"


def counter(name: str) -> beam.metrics.metric.Metrics.DelegatingCounter:
    """A counter in the communique namespace (the run summary and the tests read them from there)."""
    return beam.metrics.Metrics.counter(METRICS_NAMESPACE, name)
