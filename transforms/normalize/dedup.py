"""Stage 'deduplicate': every article is written once, across feeds and across runs.

In a batch run one grouping by article id does both: the run's copies of each article and the ids
earlier runs wrote (read back by the runner, ``transforms.common.written``) meet in the same group, so
no worker holds the set of every id written. The streaming front, whose windows a join with the tables
does not fit, drops written articles with a set loaded per worker instead (``SkipWrittenDocuments``).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable, Iterator

import apache_beam as beam

from transforms.common.beam import DOCUMENTS, OUTCOME_DUPLICATE, OUTCOME_NEW, OUTCOMES, counter
from transforms.common.document import Document
from transforms.common.parking import ParkedReader, Parking

# The value an id written by an earlier run contributes to its group; a copy of this run's is a tuple.
_WRITTEN = None
_ROWS, _WRITTEN_TAG = "rows", "written"


def _marked_written(article_id: str) -> tuple[str, None]:
    return article_id, _WRITTEN


def _preference(document: Document) -> tuple:
    """Among copies of one article, keep the one with the smallest key: deterministic whatever the
    order in which the copies arrive."""
    article = document.article
    return (article["source_uri"], article["feed_uri"] or "", article["content_hash"])


class _SkipWrittenFn(beam.DoFn):
    """Drops articles whose id an earlier run already wrote. The ids are loaded once per worker."""

    def __init__(self, load_written_ids: Callable[[], Iterable[str]]):
        self._load_written_ids = load_written_ids
        self._written: frozenset[str] = frozenset()
        self._duplicates = counter("duplicates")
        self._duplicates_earlier = counter("duplicates_of_earlier_runs")

    def setup(self) -> None:
        self._written = frozenset(self._load_written_ids())

    def process(self, document: Document) -> Iterator:
        if document.article_id in self._written:
            self._duplicates.inc()
            self._duplicates_earlier.inc()
            if document.article.get("feed_uri"):
                yield beam.pvalue.TaggedOutput(OUTCOMES, (document.article["feed_uri"], OUTCOME_DUPLICATE))
            return
        yield document


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class SkipWrittenDocuments(beam.PTransform):
    """Drops documents whose id ``load_written_ids()`` returns (a picklable callable run in
    ``DoFn.setup`` on each worker: every id is then held by every worker). For the streaming front only;
    a batch run joins instead (``Deduplicate(written_ids=...)``). Outputs: 'documents' and OUTCOMES."""

    def __init__(self, load_written_ids: Callable[[], Iterable[str]]):
        super().__init__()
        self._load_written_ids = load_written_ids

    def expand(self, documents):
        return documents | "SkipWritten" >> beam.ParDo(
            _SkipWrittenFn(self._load_written_ids)).with_outputs(OUTCOMES, main=DOCUMENTS)


class _ParkCopyFn(beam.DoFn):
    """Document -> (article id, (its preference, a digest of it, where it is parked)): the grouping then
    carries a few hundred bytes per copy instead of the document (``transforms.common.parking``)."""

    def __init__(self, park_directory: str | None):
        self._park_directory = park_directory

    def start_bundle(self) -> None:
        self._parking = Parking(self._park_directory)
        self._parking.start_bundle()

    def process(self, document: Document) -> Iterator[tuple[str, tuple]]:
        ref = self._parking.park(document)
        # The digest orders copies whose preference is equal, so even those are kept deterministically.
        digest = hashlib.blake2b(pickle.dumps(document.article, protocol=4), digest_size=8).digest()
        yield document.article_id, (_preference(document), digest, ref)

    def finish_bundle(self) -> None:
        self._parking.finish_bundle()

    def teardown(self) -> None:
        if hasattr(self, "_parking"):
            self._parking.finish_bundle()  # a failed bundle's file is closed; the staging holds it


class _KeepOneCopyFn(beam.DoFn):
    """(article id, its parked copies, and ``_WRITTEN`` if an earlier run wrote it) -> the copy to keep,
    or nothing when it is written; OUTCOMES for every copy of a feed entry."""

    def __init__(self, park_directory: str | None = None):
        self._park_directory = park_directory
        self._duplicates = counter("duplicates")
        self._duplicates_earlier = counter("duplicates_of_earlier_runs")
        self._duplicates_in_run = counter("duplicates_within_run")
        self._articles_new = counter("articles_new")

    def start_bundle(self) -> None:
        self._reader = ParkedReader(self._park_directory)

    def process(self, keyed: tuple[str, Iterable[tuple | None]]) -> Iterator:
        _, values = keyed
        values = list(values)
        copies = sorted((*value[:2], index) for index, value in enumerate(values) if value is not _WRITTEN)
        if not copies:  # an id written before that this run does not have: most groups
            return
        if len(copies) < len(values):
            for preference, _, _ in copies:
                self._duplicates.inc()
                self._duplicates_earlier.inc()
                yield from self._outcome(preference, OUTCOME_DUPLICATE)
            return
        (preference, _, kept), dropped = copies[0], copies[1:]
        self._articles_new.inc()
        yield from self._outcome(preference, OUTCOME_NEW)
        for other, _, _ in dropped:
            self._duplicates.inc()
            self._duplicates_in_run.inc()
            yield from self._outcome(other, OUTCOME_DUPLICATE)
        yield self._reader.fetch(values[kept][2])

    def finish_bundle(self) -> None:
        self._reader.close()

    def teardown(self) -> None:
        if hasattr(self, "_reader"):
            self._reader.close()

    @staticmethod
    def _outcome(preference: tuple, outcome: str) -> Iterator:
        feed_uri = preference[1]
        if feed_uri:
            yield beam.pvalue.TaggedOutput(OUTCOMES, (feed_uri, outcome))


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class Deduplicate(beam.PTransform):
    """Keeps one document per article id, and none whose id is already in the output.

    The input is one PCollection of documents or a dict of them by source (``{"Seeds": ..., "Feeds":
    ...}``), so that no Flatten of whole documents comes before the grouping (the in-process runner
    holds a Flatten's input in memory). ``written_ids`` reads the ids already written, from the
    pipeline's root (``WrittenKeys`` of the articles' article_id; ``beam.Create`` in tests); without it
    only the copies within the input are dropped. ``park_directory`` (``parking.park_directory`` of the
    run's staging root) keeps the documents on disk while they are grouped; without it they are grouped
    in memory, packed. Outputs: 'documents' and OUTCOMES.
    """

    def __init__(self, written_ids: beam.PTransform | None = None, park_directory: str | None = None):
        super().__init__()
        self._written_ids = written_ids
        self._park_directory = park_directory

    def expand(self, documents):
        by_source = documents if isinstance(documents, dict) else {"": documents}
        pipeline = next(iter(by_source.values())).pipeline
        keyed = [docs | f"KeyById{source}" >> beam.ParDo(_ParkCopyFn(self._park_directory))
                 .with_output_types(tuple[str, tuple]) for source, docs in by_source.items()]
        if self._written_ids is not None:
            keyed.append(pipeline
                         | "WrittenIds" >> self._written_ids
                         | "MarkWritten" >> beam.Map(_marked_written).with_output_types(tuple[str, None]))
        grouped = tuple(keyed) | "WithWrittenIds" >> beam.Flatten() if len(keyed) > 1 else keyed[0]
        kept = (
            grouped
            | "GroupCopies" >> beam.GroupByKey()
            | "KeepOneCopy" >> beam.ParDo(_KeepOneCopyFn(self._park_directory))
            .with_outputs(OUTCOMES, main=DOCUMENTS)
        )
        return {DOCUMENTS: kept[DOCUMENTS], OUTCOMES: kept[OUTCOMES]}


def _keyed_by(column: str):
    def key_of(row: dict) -> tuple[str, dict]:
        return row[column], row
    return key_of


class _KeepUnwrittenRowsFn(beam.DoFn):
    """(key, {'rows': this run's rows, 'written': markers}) -> the rows, unless the key is written."""

    def __init__(self, key_column: str):
        self._skipped = counter(f"already_written_{key_column}")

    def process(self, joined: tuple[str, dict]) -> Iterator[dict]:
        _, groups = joined
        rows = list(groups[_ROWS])
        if rows and any(True for _ in groups[_WRITTEN_TAG]):
            self._skipped.inc(len(rows))
            return
        yield from rows


@beam.typehints.with_input_types(dict)
@beam.typehints.with_output_types(dict)
class SkipWrittenRows(beam.PTransform):
    """Drops rows whose ``key_column`` value an earlier run already wrote (e.g. the same reject), by a
    join with ``written_keys`` (a reader from the pipeline's root, e.g. ``WrittenKeys`` of that column)."""

    def __init__(self, written_keys: beam.PTransform, key_column: str):
        super().__init__()
        self._written_keys = written_keys
        self._key_column = key_column

    def expand(self, rows):
        written = (rows.pipeline
                   | "WrittenKeys" >> self._written_keys
                   | "MarkWritten" >> beam.Map(lambda key: (key, True)))
        return (
            {_ROWS: rows | "KeyRows" >> beam.Map(_keyed_by(self._key_column)), _WRITTEN_TAG: written}
            | "JoinWrittenKeys" >> beam.CoGroupByKey()
            | "KeepUnwritten" >> beam.ParDo(_KeepUnwrittenRowsFn(self._key_column))
        )
