"""Stage 'events': CAMEO-coded events (who did what to whom, when, where) from each article's sentences."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.annotate import AnnotateDoFn
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.events.coder import EventCoder


class _EventFn(AnnotateDoFn):
    """Fills ``document.events`` with rows of the ``events`` table (schemas/events.py)."""

    stage = "events"

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__(run_id, run_started_at)
        self._coder: EventCoder | None = None
        self._coded = counter("events_coded")
        self._articles_with_events = counter("articles_with_events")

    def setup(self) -> None:
        # Verb lexicon, codebook and gazetteer: compiled once per worker, not per article.
        self._coder = EventCoder.load()

    def annotate(self, document: Document) -> None:
        if self._coder is None:
            raise RuntimeError("events stage used before setup() built its coder")
        rows = self._coder.code_document(document.article, document.sentences, document.entities,
                                         document.dates)
        document.events = rows
        if rows:
            self._coded.inc(len(rows))
            self._articles_with_events.inc()


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class CodeEvents(beam.PTransform):
    """Codes the events each article reports into ``Document.events``: CAMEO code, source and target
    actors (from ``Document.entities``), date (from ``Document.dates``, else the publication date),
    place (gazetteer), and the evidence (sentence, trigger words, rule, confidence).

    Needs the sentences, dates and entities stages to have run. Outputs: 'documents' and REJECTS (an
    article the coder failed on passes through without events, with a ``stage_failed`` reject).
    Counters: ``events_coded`` (rows), ``articles_with_events``, ``events_failed``.
    """

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, documents):
        return documents | "CodeEventsFn" >> beam.ParDo(
            _EventFn(self._run_id, self._run_started_at)
        ).with_outputs(REJECTS, main=DOCUMENTS)
