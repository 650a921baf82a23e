"""Stage 'accounting': feed_fetches rows learn what became of their entries after deduplication."""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam

from transforms.common.beam import OUTCOME_DUPLICATE, OUTCOME_NEW, OUTCOME_REJECTED


def _fill_counts(joined: tuple[str, dict]) -> Iterator[dict]:
    _, groups = joined
    counts = dict(groups["counts"])
    for fetch in groups["fetches"]:
        row = dict(fetch)
        row["entries_new"] = counts.get(OUTCOME_NEW, 0)
        row["duplicates"] = counts.get(OUTCOME_DUPLICATE, 0)
        row["rejects"] = (row.get("rejects") or 0) + counts.get(OUTCOME_REJECTED, 0)
        yield row


class CompleteFeedFetches(beam.PTransform):
    """Joins feed_fetches rows with the (feed_uri, outcome) pairs of later stages.

    Input: a dict with 'feed_fetches' (rows) and 'outcomes' ((feed_uri, outcome) pairs). Output: the
    rows with entries_new, duplicates and rejects filled in.
    """

    def expand(self, inputs):
        counts = (
            inputs["outcomes"]
            | "OneEach" >> beam.Map(lambda pair: (pair, 1))
            | "CountOutcomes" >> beam.CombinePerKey(sum)
            | "KeyByFeed" >> beam.Map(lambda counted: (counted[0][0], (counted[0][1], counted[1])))
        )
        fetches = inputs["feed_fetches"] | "KeyFetchByFeed" >> beam.Map(lambda row: (row["feed_uri"], row))
        return (
            {"fetches": fetches, "counts": counts}
            | "JoinFetchesAndOutcomes" >> beam.CoGroupByKey()
            | "FillCounts" >> beam.FlatMap(_fill_counts)
        )
