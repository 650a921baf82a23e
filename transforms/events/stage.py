"""Stage 'events': CAMEO-coded events (who did what to whom, when, where) from each article's sentences."""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from transforms.common.annotate import annotate_documents
from transforms.common.beam import counter
from transforms.common.document import Document
from transforms.events.coder import EventCoder


class EventAnnotator:
    """The annotator of the events stage: ``Document.events`` (rows of schemas/events.py)."""

    stage = "events"

    def __init__(self):
        self._coder: EventCoder | None = None
        self._coded = counter("events_coded")
        self._articles_with_events = counter("articles_with_events")
        # Sentences the dependency parser read (those holding a trigger word and an actor): the parser is
        # most of the stage's cost, so this is the figure to watch when throughput moves.
        self._parsed = counter("sentences_parsed")

    def setup(self) -> None:
        # Parser, frame lexicon, codebook and gazetteer: loaded once per worker, not per article.
        self._coder = EventCoder.load()

    def annotate(self, document: Document) -> dict[str, Any]:
        before = self._coder.sentences_parsed
        rows = self._coder.code_document(
            document.article, document.sentences, document.entities, document.dates
        )
        self._parsed.inc(self._coder.sentences_parsed - before)
        if rows:
            self._coded.inc(len(rows))
            self._articles_with_events.inc()
        return {"events": rows}


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class CodeEvents(beam.PTransform):
    """Codes the events each article reports into ``Document.events``: CAMEO code, source and target
    actors (from ``Document.entities``), date (from ``Document.dates``, else the publication date),
    place (gazetteer), and the evidence (sentence, trigger words, rule, confidence).

    Needs the sentences, dates and entities stages to have run. Outputs: 'documents' and REJECTS (an
    article the coder failed on passes through without events, with a ``stage_failed`` reject).
    Counters: ``events_coded`` (rows), ``articles_with_events``, ``sentences_parsed`` (sentences the
    dependency parser read), ``events_failed``.
    """

    def expand(self, documents):
        return annotate_documents(documents, "CodeEventsFn", EventAnnotator())
