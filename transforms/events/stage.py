"""Stage 'events': CAMEO-coded events (who did what to whom, when, where) from each article's sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam

from transforms.common.annotate import annotate_documents
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.events.bounds import bounded_events, events_capped_rejects
from transforms.events.coder import EventCoder
from transforms.events.version import coder_version


class EventAnnotator:
    """The annotator of the events stage: ``Document.events`` (rows of schemas/events.py)."""

    stage = "events"
    english_only = True

    def __init__(self):
        self._coder: EventCoder | None = None
        self._coded = counter("events_coded")
        self._articles_with_events = counter("articles_with_events")
        # Sentences the dependency parser read (those holding a trigger word and an actor): the parser is
        # most of the stage's cost, so this is the figure to watch when throughput moves.
        self._parsed = counter("sentences_parsed")
        self._dropped = counter("events_dropped_by_bounds")
        self._capped = counter("articles_events_capped")

    def setup(self) -> None:
        # Parser, frame lexicon, codebook and gazetteer: loaded once per worker, not per article.
        self._coder = EventCoder.load()
        self._version = coder_version()

    def annotate(self, document: Document) -> dict[str, Any]:
        before = self._coder.sentences_parsed
        rows = self._coder.code_document(
            document.article, document.sentences, document.entities, document.dates
        )
        self._parsed.inc(self._coder.sentences_parsed - before)
        bounded = bounded_events([{**row, "coder_version": self._version} for row in rows])
        if bounded.dropped:
            self._dropped.inc(bounded.dropped)
            self._capped.inc()
        if bounded.kept:
            self._coded.inc(len(bounded.kept))
            self._articles_with_events.inc()
        return {"events": bounded.kept, "article": {**document.article, "events_dropped": bounded.dropped}}


class _ReportCappedFn(beam.DoFn):
    """Passes documents on; an ``events_capped`` reject for each whose events the bounds cut."""

    def process(self, document: Document) -> Iterator[Document | beam.pvalue.TaggedOutput]:
        for row in events_capped_rejects(document):
            yield beam.pvalue.TaggedOutput(REJECTS, row)
        yield document


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class CodeEvents(beam.PTransform):
    """Codes the events each article reports into ``Document.events``: CAMEO code, source and target
    actors (from ``Document.entities``), date (from ``Document.dates``, else the publication date),
    place (gazetteer), and the evidence (sentence, trigger words, rule, confidence).

    Needs the sentences, dates and entities stages to have run. Outputs: 'documents' and REJECTS (an
    article the coder failed on passes through without events, with a ``stage_failed`` reject; an
    article whose events went past the bounds of ``bounds.py`` keeps the first ones, with an
    ``events_capped`` reject). Counters: ``events_coded`` (rows kept), ``articles_with_events``,
    ``sentences_parsed`` (sentences the dependency parser read), ``events_failed``,
    ``events_dropped_by_bounds``, ``articles_events_capped``.
    """

    def expand(self, documents):
        coded = annotate_documents(documents, "CodeEventsFn", EventAnnotator())
        reported = coded[DOCUMENTS] | "ReportCapped" >> beam.ParDo(_ReportCappedFn()).with_outputs(
            REJECTS, main=DOCUMENTS)
        rejects = (coded[REJECTS], reported[REJECTS]) | "EventsRejects" >> beam.Flatten()
        return {DOCUMENTS: reported[DOCUMENTS], REJECTS: rejects}
