"""Rejects: how a record that cannot be used leaves the pipeline without being lost.

Every stage that can fail on one record emits ``beam.pvalue.TaggedOutput(REJECTS, make_reject(...))``;
the pipeline flattens all of them into the ``rejects`` table. ``reason`` is a short stable code from
``REASONS`` (analysts group by it); ``detail`` is a sentence a person can act on.

A reject is an event of a run: its id hashes the run, what was rejected and where, and the item's
occurrence among the run's identical rejects (``NumberRepeatedRejects``). Ten identical empty entries in
one feed are ten rows; a feed that fails on every run is a row of every run; a rerun of the same run (the
same run id) finds its rows already written and writes none twice.
"""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.beam import counter
from transforms.common.ids import stable_id

REJECTS = "rejects"  # the tag of every stage's dead-letter output
EXCERPT_CHARS = 500
REJECTED_COUNTER_PREFIX = "rejected_"  # + reason: the run's rejects by reason, as counters

# reason code -> what it means. Stages add their codes here so the table documentation stays complete.
REASONS: dict[str, str] = {
    "unreadable_file": "A seed file could not be read or decoded.",
    "empty_document": "The item has neither a title nor any text.",
    "unsupported_file": "A file in the seeds directory is neither a text seed file nor a feed file.",
    "malformed_header": "A seed file's first line is not the ' date YYYY-MM-DD Headline' header.",
    "feed_unparseable": "The feed could not be parsed and yielded no entries.",
    "feed_fetch_failed": "The feed could not be fetched (network error, timeout, HTTP error, too large).",
    "entry_empty": "A feed entry has no text and no title.",
    "feed_truncated": "A feed had more entries than the per-feed limit; the entries beyond it were not read.",
    "not_a_regular_file": "An input is a FIFO, socket or device; it is not read (it could block for ever).",
    "broken_link": "A symbolic link among the inputs points to nothing or into a loop.",
    "linked_directory": "A symbolic link to a directory in the seeds directory is not followed.",
    "unreadable_directory": "A directory among the inputs could not be listed; its files were not read.",
    "bad_file_name": "An input's file name is not valid UTF-8; the file is not read (rename it).",
    "feed_refused": "A feed list named a file:// URL or a local file outside the list's directory; not read.",
    "page_fetch_failed": "An entry's page (--fetch-articles) could not be fetched; the entry keeps its text.",
    "page_refused": "An entry's link (--fetch-articles) led to a non-public address; it was not fetched.",
    "page_deferred": "The page budget or deadline ran out (--fetch-articles); the entry is read next run.",
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
    """A row of the ``rejects`` table (its first occurrence in the run: see ``NumberRepeatedRejects``).

    A stage that does not know the run leaves ``run_id`` and ``rejected_at`` out: ``StampRejects`` fills
    them, and the ``reject_id`` that depends on the run, in one step before the rejects are written.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown reject reason {reason!r}; add it to transforms.common.rejects.REASONS")
    if isinstance(raw_excerpt, bytes):
        raw_excerpt = raw_excerpt[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    excerpt = (raw_excerpt or "")[:EXCERPT_CHARS]
    return {
        "reject_id": reject_id_of(run_id, source_uri, stage, reason, excerpt) if run_id else None,
        "run_id": run_id,
        "source_uri": source_uri,
        "stage": stage,
        "reason": reason,
        "detail": detail,
        "raw_excerpt": excerpt,
        "rejected_at": rejected_at,
        "rejected_date": rejected_at.date() if rejected_at is not None else None,
    }


def reject_id_of(run_id: str, source_uri: str | None, stage: str, reason: str, excerpt: str | None,
                 occurrence: int = 0) -> str:
    """The id of the ``occurrence``-th (from 0) reject of this input by this stage in run ``run_id``."""
    return stable_id(run_id, source_uri, stage, reason, excerpt, occurrence)


def stamp_reject(row: dict, run_id: str, run_started_at: dt.datetime) -> dict:
    """``row`` with the run's id and start time where its stage left them out (a new dict)."""
    if row["run_id"] is not None and row["rejected_at"] is not None and row["reject_id"] is not None:
        return row
    rejected_at = row["rejected_at"] or run_started_at
    run_id = row["run_id"] or run_id
    return {**row, "run_id": run_id, "rejected_at": rejected_at, "rejected_date": rejected_at.date(),
            "reject_id": reject_id_of(run_id, row["source_uri"], row["stage"], row["reason"],
                                      row["raw_excerpt"])}


def numbered_repeats(rows: list[dict]) -> list[dict]:
    """Rejects sharing one ``reject_id`` (the same input rejected by the same stage, several times in a
    run: ten identical empty entries of a feed) as one row each: the k-th gets the id of occurrence k.
    Rows with the same id differ at most in their detail or time, so the rows are ordered by those and
    the result is the same whatever order they arrived in."""
    ordered = sorted(rows, key=lambda row: (row["detail"], row["rejected_at"].isoformat()))
    return [row if occurrence == 0 else {
        **row, "reject_id": reject_id_of(row["run_id"], row["source_uri"], row["stage"], row["reason"],
                                         row["raw_excerpt"], occurrence)}
        for occurrence, row in enumerate(ordered)]


class _NumberRepeatsFn(beam.DoFn):
    def __init__(self):
        self._by_reason: dict[str, beam.metrics.metric.Metrics.DelegatingCounter] = {}

    def process(self, keyed: tuple[str, list[dict]]):
        _, rows = keyed
        for row in numbered_repeats(list(rows)):
            reason = row["reason"]
            if reason not in self._by_reason:
                self._by_reason[reason] = counter(REJECTED_COUNTER_PREFIX + reason)
            self._by_reason[reason].inc()
            yield row


def rejects_by_reason(counters: dict[str, int]) -> dict[str, int]:
    """reason -> the run's rejects, from the counters ``NumberRepeatedRejects`` keeps."""
    return {name[len(REJECTED_COUNTER_PREFIX):]: value for name, value in sorted(counters.items())
            if name.startswith(REJECTED_COUNTER_PREFIX) and value}


class NumberRepeatedRejects(beam.PTransform):
    """Stamped reject rows -> one row, with its own id, per rejected item (see ``numbered_repeats``), and
    a counter per reason (``rejects_by_reason``) of every reject of the run, including those a rerun of
    the same run finds already written."""

    def expand(self, rejects):
        return (
            rejects
            | "KeyById" >> beam.Map(lambda row: (row["reject_id"], row))
            | "GroupRepeats" >> beam.GroupByKey()
            | "Number" >> beam.ParDo(_NumberRepeatsFn())
        )


class StampRejects(beam.PTransform):
    """Reject rows -> the same rows with ``run_id`` and ``rejected_at`` (the run's start) filled in, so
    the stages need not be told which run they are part of."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, rejects):
        return rejects | "Stamp" >> beam.Map(stamp_reject, self._run_id, self._run_started_at)
