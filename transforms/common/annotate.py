"""The one per-article stage shape shared by sentences, dates, entities and events.

A stage is an *annotator* (a small object: ``setup()`` builds its heavy resource, ``annotate(document)``
returns the ``Document`` fields it fills) run by ``AnnotateFn``. The DoFn never changes the document it
receives (Beam's rule: inputs are immutable); it emits a new one with those fields replaced.

If the annotator fails on one article, the article goes on unchanged (it is not lost) and a
``stage_failed`` reject row says which stage and why. If ``setup()`` fails, nothing could be annotated
at all: the job fails with a message naming the stage, rather than rejecting every article.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, Protocol

import apache_beam as beam

from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS, make_reject

# What one article may raise without it being a bug in the job as a whole: the article is rejected.
ARTICLE_ERRORS = (ValueError, KeyError, IndexError, TypeError, AttributeError, RuntimeError)


class Annotator(Protocol):
    """What a per-article stage knows: its name, its resource, and what it adds to one document."""

    stage: str  # the rejects' ``stage`` and the ``<stage>_failed`` counter
    # Reads English only: an article whose annotation was skipped (articles.annotation_skipped, decided
    # in normalize) passes this stage unchanged.
    english_only: bool

    def setup(self) -> None:
        """Builds the heavy resources (lexicons, automata), once per worker."""

    def annotate(self, document: Document) -> dict[str, Any]:
        """The ``Document`` fields this stage fills, by name, computed from ``document`` (never changed)."""


class StageSetupError(Exception):
    """An annotator could not build its resources: the job cannot run, whatever the article."""


class AnnotateFn(beam.DoFn):
    """Runs ``annotator`` on each document: outputs the annotated copy, and a reject when it fails."""

    def __init__(self, annotator: Annotator):
        self._annotator = annotator
        self._ready = False
        self._failed = counter(f"{annotator.stage}_failed")

    def setup(self) -> None:
        try:
            self._annotator.setup()
        except Exception as error:
            raise StageSetupError(
                f"the {self._annotator.stage} stage could not set up ({type(error).__name__}: {error}); "
                "no article can be annotated, so the job stops here") from error
        self._ready = True

    def process(self, document: Document) -> Iterator[Document | beam.pvalue.TaggedOutput]:
        if not self._ready:
            raise StageSetupError(f"the {self._annotator.stage} stage was used before its setup()")
        if self._annotator.english_only and document.article.get("annotation_skipped") is not None:
            yield document
            return
        try:
            changes = self._annotator.annotate(document)
        except ARTICLE_ERRORS as error:
            # A bug or a surprise in one article must not cost the article: keep it, record why.
            self._failed.inc()
            yield beam.pvalue.TaggedOutput(REJECTS, make_reject(
                source_uri=document.article.get("source_uri"),
                stage=self._annotator.stage,
                reason="stage_failed",
                detail=f"{self._annotator.stage} failed on this article ({type(error).__name__}: {error}); "
                "the article was kept without it. Please report it with the excerpt.",
                raw_excerpt=document.text,
            ))
            yield document
            return
        yield dataclasses.replace(document, **changes)


def annotate_documents(documents, label: str, annotator: Annotator):
    """``documents`` through ``AnnotateFn(annotator)`` under ``label``: a dict of 'documents' and REJECTS
    (the body of each annotating stage's ``expand``)."""
    return documents | label >> beam.ParDo(AnnotateFn(annotator)).with_outputs(REJECTS, main=DOCUMENTS)
