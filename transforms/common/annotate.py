"""The shape shared by the per-article stages (sentences, dates, entities, events).

Each such stage is a DoFn that takes a ``Document``, fills one more list of rows and passes it on. If the
stage fails on one article, the article goes on unchanged (it is not lost) and a ``stage_failed`` reject
row says which stage and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import apache_beam as beam

from transforms.common.beam import METRICS_NAMESPACE
from transforms.common.document import Document
from transforms.common.rejects import REJECTS, make_reject


class AnnotateDoFn(beam.DoFn):
    """Base for a stage that annotates a document; subclasses implement ``annotate``.

    ``setup`` is where subclasses build their heavy resources (lexicons, automata), once per worker.
    """

    stage = "annotate"

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._failed = beam.metrics.Metrics.counter(METRICS_NAMESPACE, f"{self.stage}_failed")

    def annotate(self, document: Document) -> None:
        raise NotImplementedError

    def process(self, document: Document) -> Iterator[Document | beam.pvalue.TaggedOutput]:
        try:
            self.annotate(document)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, RuntimeError) as error:
            # A bug or a surprise in one article must not cost the article: keep it, record why.
            self._failed.inc()
            yield beam.pvalue.TaggedOutput(
                REJECTS,
                make_reject(
                    run_id=self._run_id,
                    source_uri=document.article.get("source_uri"),
                    stage=self.stage,
                    reason="stage_failed",
                    detail=f"{self.stage} failed on this article ({type(error).__name__}: {error}); "
                    "the article was kept without it. Please report it with the excerpt.",
                    raw_excerpt=document.text,
                    rejected_at=self._run_started_at,
                ),
            )
        yield document
