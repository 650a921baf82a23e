"""Stage 'entities': actor and place mentions in each article, coded by ``transforms.entities.matcher``."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.annotate import AnnotateDoFn
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.entities.matcher import ActorMatcher


class _EntityFn(AnnotateDoFn):
    """Fills ``document.entities`` with rows of the ``entities`` table (schemas/entities.py)."""

    stage = "entities"

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__(run_id, run_started_at)
        self._matcher: ActorMatcher | None = None
        self._found = counter("entities_found")
        # Articles in which not one actor was recognized: a falling share flags a lexicon gap.
        self._none = counter("entities_none")

    def setup(self) -> None:
        self._matcher = ActorMatcher.load()

    def annotate(self, document: Document) -> None:
        if self._matcher is None:
            raise RuntimeError("entities stage used before setup() built its matcher")
        rows = self._matcher.match(document.text or "", document.sentences,
                                   document.article.get("published_date"), article_id=document.article_id)
        document.entities = rows
        if rows:
            self._found.inc(len(rows))
        else:
            self._none.inc()


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class TagEntities(beam.PTransform):
    """Finds the actors and places in every article — countries (names, adjectives, capitals standing for
    their governments), officials (coded by the office they held on the publication date), international
    organizations, armed groups, media, role phrases ("Pakistani troops"), and bare surnames or "he"/"she"
    referring back to a person — into ``Document.entities`` with CAMEO-style actor codes.

    Needs ``Document.sentences`` (the sentences stage runs first). Outputs: 'documents' and REJECTS (an
    article the matcher failed on passes through without entities, with a ``stage_failed`` reject).
    Counters: ``entities_found`` (rows), ``entities_none`` (articles without any), ``entities_failed``.
    """

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, documents):
        return documents | "TagEntitiesFn" >> beam.ParDo(
            _EntityFn(self._run_id, self._run_started_at)
        ).with_outputs(REJECTS, main=DOCUMENTS)
