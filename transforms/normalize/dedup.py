"""Stage 'deduplicate': every article is written once, across feeds and across runs."""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator

import apache_beam as beam

from transforms.common.beam import DOCUMENTS, OUTCOME_DUPLICATE, OUTCOME_NEW, OUTCOMES, counter
from transforms.common.document import Document


def _packed(document: Document) -> tuple[str, bytes]:
    """(article id, the document pickled and compressed). The GroupByKey holds every article until all
    are read, and on the in-process runner it holds them in memory as objects; packed, a wire article
    takes about a sixth of the room."""
    return document.article_id, zlib.compress(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpacked(packed: bytes) -> Document:
    return pickle.loads(zlib.decompress(packed))


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


class _KeepOneCopyFn(beam.DoFn):
    def __init__(self):
        self._duplicates = counter("duplicates")
        self._duplicates_in_run = counter("duplicates_within_run")
        self._articles_new = counter("articles_new")

    def process(self, keyed: tuple[str, Iterable[bytes]]) -> Iterator:
        _, copies = keyed
        ordered = sorted(map(_unpacked, copies), key=_preference)
        kept, dropped = ordered[0], ordered[1:]
        self._articles_new.inc()
        if kept.article.get("feed_uri"):
            yield beam.pvalue.TaggedOutput(OUTCOMES, (kept.article["feed_uri"], OUTCOME_NEW))
        for copy in dropped:
            self._duplicates.inc()
            self._duplicates_in_run.inc()
            if copy.article.get("feed_uri"):
                yield beam.pvalue.TaggedOutput(OUTCOMES, (copy.article["feed_uri"], OUTCOME_DUPLICATE))
        yield kept


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class Deduplicate(beam.PTransform):
    """Keeps one document per article id, and none whose id is already in the output.

    ``load_written_ids`` is a picklable callable returning the ids already written (it runs in
    ``DoFn.setup`` on each worker). Outputs: 'documents' and OUTCOMES.
    """

    def __init__(self, load_written_ids: Callable[[], Iterable[str]]):
        super().__init__()
        self._load_written_ids = load_written_ids

    def expand(self, documents):
        unseen = documents | "SkipWritten" >> beam.ParDo(
            _SkipWrittenFn(self._load_written_ids)).with_outputs(OUTCOMES, main=DOCUMENTS)
        kept = (
            unseen[DOCUMENTS]
            | "KeyById" >> beam.Map(_packed).with_output_types(tuple[str, bytes])
            | "GroupCopies" >> beam.GroupByKey()
            | "KeepOneCopy" >> beam.ParDo(_KeepOneCopyFn()).with_outputs(OUTCOMES, main=DOCUMENTS)
        )
        outcomes = (unseen[OUTCOMES], kept[OUTCOMES]) | "AllOutcomes" >> beam.Flatten()
        return {DOCUMENTS: kept[DOCUMENTS], OUTCOMES: outcomes}


class _SkipWrittenRowsFn(beam.DoFn):
    def __init__(self, load_written_keys: Callable[[], Iterable[str]], key_column: str):
        self._load_written_keys = load_written_keys
        self._key_column = key_column
        self._written: frozenset[str] = frozenset()
        self._skipped = counter(f"already_written_{key_column}")

    def setup(self) -> None:
        self._written = frozenset(self._load_written_keys())

    def process(self, row: dict) -> Iterator[dict]:
        if row[self._key_column] in self._written:
            self._skipped.inc()
            return
        yield row


@beam.typehints.with_input_types(dict)
@beam.typehints.with_output_types(dict)
class SkipWrittenRows(beam.PTransform):
    """Drops rows whose ``key_column`` value an earlier run already wrote (e.g. the same reject)."""

    def __init__(self, load_written_keys: Callable[[], Iterable[str]], key_column: str):
        super().__init__()
        self._load_written_keys = load_written_keys
        self._key_column = key_column

    def expand(self, rows):
        return rows | "SkipWrittenRows" >> beam.ParDo(
            _SkipWrittenRowsFn(self._load_written_keys, self._key_column))
