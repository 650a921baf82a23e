"""Stage 'dates': temporal expressions in each sentence, resolved against the publication date."""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from transforms.common.annotate import annotate_documents
from transforms.common.beam import counter
from transforms.common.document import Document
from transforms.dates.published import has_source_date, local_publication_date
from transforms.dates.resolve import TemporalTagger

DateRow = dict[str, Any]  # a row of the ``dates`` table (schemas/dates.py)


class DateAnnotator:
    """The annotator of the dates stage: ``Document.dates``."""

    stage = "dates"
    english_only = True

    def __init__(self):
        self._tagger: TemporalTagger | None = None
        self._found = counter("dates_found")
        # Relative expressions in an article without a date from its source cannot be placed in time.
        self._unresolved = counter("dates_unresolved")

    def setup(self) -> None:
        self._tagger = TemporalTagger.from_lexicon()

    def annotate(self, document: Document) -> dict[str, Any]:
        article = document.article
        published_date = article.get("published_date")
        # "On Tuesday" in a Tuesday-morning Tokyo article is that Tuesday, though it was Monday in UTC.
        # A date that stands in for a missing one (the fetch time) would place them by guesswork.
        base = local_publication_date(article) if has_source_date(article) else None
        rows: list[DateRow] = []
        unresolved = 0
        for sentence, expression in self._tagger.find_in_sentences(document.sentences, base):
            if expression.resolved_date is None:
                unresolved += 1
                continue
            rows.append({
                "article_id": document.article_id,
                "sentence_index": sentence.index,
                "char_start": sentence.start + expression.start,
                "char_end": sentence.start + expression.end,
                "text": expression.text,
                "resolved_date": expression.resolved_date,
                "granularity": expression.granularity,
                "resolution": expression.resolution,
                "published_date": published_date,
            })
        if rows:
            self._found.inc(len(rows))
        if unresolved:
            self._unresolved.inc(unresolved)
        return {"dates": rows}


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class ResolveDates(beam.PTransform):
    """Finds the temporal expressions in every sentence ("on Wednesday", "March 3", "last week") and
    resolves them against the article's local publication day into ``Document.dates``.

    Needs ``Document.sentences`` (the sentences stage runs first). An article whose date is only the time
    it was fetched (``date_source`` 'fetched') keeps only the dates its text spells out with a year.
    Outputs: 'documents' and REJECTS (an article the tagger failed on passes through without dates, with
    a ``stage_failed`` reject).
    Counters: ``dates_found`` (rows written), ``dates_unresolved`` (expressions that could not be
    placed), ``dates_failed``.
    """

    def expand(self, documents):
        return annotate_documents(documents, "ResolveDatesFn", DateAnnotator())
