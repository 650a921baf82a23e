"""Rejects: how a record that cannot be used leaves the pipeline without being lost.

Every stage that can fail on one record emits ``beam.pvalue.TaggedOutput(REJECTS, make_reject(...))``;
the pipeline flattens all of them into the ``rejects`` table. ``reason`` is a short stable code from
``REASONS`` (analysts group by it); ``detail`` is a sentence a person can act on.
"""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.ids import stable_id

REJECTS = "rejects"  # the tag of every stage's dead-letter output
EXCERPT_CHARS = 500

# reason code -> what it means. Stages add their codes here so the table documentation stays complete.
REASONS: dict[str, str] = {
    "unreadable_file": "A seed file could not be read or decoded.",
    "empty_document": "The item has neither a title nor any text.",
    "unsupported_file": "A file in the seeds directory is neither a text seed file nor a feed file.",
    "feed_unparseable": "The feed could not be parsed and yielded no entries.",
    "feed_fetch_failed": "The feed could not be fetched (network error, timeout, HTTP error, too large).",
    "entry_empty": "A feed entry has no text and no title.",
    "feed_truncated": "A feed had more entries than the per-feed limit; the entries beyond it were not read.",
    "stage_failed": "A stage raised an error on this article; the article was kept without that stage.",
    "text_truncated": "The article's text was longer than one article may carry; it was kept cut to the "
    "limit (articles.text_chars_dropped says how much was not read).",
    "events_capped": "The article gave more events than the per-sentence or per-article bounds allow; the "
    "events beyond them were dropped (articles.events_dropped says how many).",
}


def make_reject(
    *,
    source_uri: str | None,
    stage: str,
    reason: str,
    detail: str,
    raw_excerpt: str | bytes | None,
    run_id: str | None = None,
    rejected_at: dt.datetime | None = None,
) -> dict:
    """A row of the ``rejects`` table; ``reject_id`` makes re-runs of the same bad input idempotent.

    A stage that does not know the run leaves ``run_id`` and ``rejected_at`` out: ``StampRejects`` fills
    them in one step before the rejects are written.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown reject reason {reason!r}; add it to transforms.common.rejects.REASONS")
    if isinstance(raw_excerpt, bytes):
        raw_excerpt = raw_excerpt[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    excerpt = (raw_excerpt or "")[:EXCERPT_CHARS]
    return {
        "reject_id": stable_id(source_uri, stage, reason, excerpt),
        "run_id": run_id,
        "source_uri": source_uri,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "raw_excerpt": excerpt,
        "rejected_at": rejected_at,
        "rejected_date": rejected_at.date() if rejected_at is not None else None,
    }


def stamp_reject(row: dict, run_id: str, run_started_at: dt.datetime) -> dict:
    """``row`` with the run's id and start time where its stage left them out (a new dict)."""
    if row["run_id"] is not None and row["rejected_at"] is not None:
        return row
    rejected_at = row["rejected_at"] or run_started_at
    return {**row, "run_id": row["run_id"] or run_id, "rejected_at": rejected_at,
            "rejected_date": rejected_at.date()}


class StampRejects(beam.PTransform):
    """Reject rows -> the same rows with ``run_id`` and ``rejected_at`` (the run's start) filled in, so
    the stages need not be told which run they are part of."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, rejects):
        return rejects | "Stamp" >> beam.Map(stamp_reject, self._run_id, self._run_started_at)
