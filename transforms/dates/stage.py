"""Stage 'dates': temporal expressions in each sentence, resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.annotate import AnnotateDoFn
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document, Row
from transforms.common.rejects import REJECTS
from transforms.dates.resolve import TemporalTagger


class _DateFn(AnnotateDoFn):
    """Fills ``document.dates`` with rows of the ``dates`` table (schemas/dates.py)."""

    stage = "dates"

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__(run_id, run_started_at)
        self._tagger: TemporalTagger | None = None
        self._found = counter("dates_found")
        # Relative expressions in an article without a publication date cannot be placed in time.
        self._unresolved = counter("dates_unresolved")

    def setup(self) -> None:
        self._tagger = TemporalTagger.from_lexicon()

    def annotate(self, document: Document) -> None:
        if self._tagger is None:
            raise RuntimeError("dates stage used before setup() built its tagger")
        published_date = document.article.get("published_date")
        rows: list[Row] = []
        unresolved = 0
        for sentence, mention in self._tagger.find_in_sentences(document.sentences, published_date):
            if mention.resolved_date is None:
                unresolved += 1
                continue
            rows.append({
                "article_id": document.article_id,
                "sentence_index": sentence.index,
                "char_start": sentence.start + mention.start,
                "char_end": sentence.start + mention.end,
                "text": mention.text,
                "resolved_date": mention.resolved_date,
                "granularity": mention.granularity,
                "resolution": mention.resolution,
                "published_date": published_date,
            })
        document.dates = rows
        if rows:
            self._found.inc(len(rows))
        if unresolved:
            self._unresolved.inc(unresolved)


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class ResolveDates(beam.PTransform):
    """Finds the temporal expressions in every sentence ("on Wednesday", "March 3", "last week") and
    resolves them against the article's publication date into ``Document.dates``.

    Needs ``Document.sentences`` (the sentences stage runs first). An article without a publication date
    keeps only the dates its text spells out with a year. Outputs: 'documents' and REJECTS (an article
    the tagger failed on passes through without dates, with a ``stage_failed`` reject).
    Counters: ``dates_found`` (rows written), ``dates_unresolved`` (expressions that could not be
    placed), ``dates_failed``.
    """

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, documents):
        return documents | "ResolveDatesFn" >> beam.ParDo(
            _DateFn(self._run_id, self._run_started_at)
        ).with_outputs(REJECTS, main=DOCUMENTS)
