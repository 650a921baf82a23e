"""The annotating chain, written once for the batch and the streaming pipelines:

    documents → Sentences → Dates → Entities → Events → annotated documents (+ every stage's rejects)

Dates, entities and events read English only (their patterns, lexicons and parser are English):
an article whose language is known and not English (``articles.annotation_skipped = 'not_english'``,
decided in normalize) is split into sentences and then passes those three stages unchanged (their
``Annotator.english_only``), counted as ``articles_not_english``. It keeps its ``articles`` row; it is
not a reject, since nothing is wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import apache_beam as beam

from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.dates.stage import ResolveDates
from transforms.entities.stage import TagEntities
from transforms.events.stage import CodeEvents
from transforms.sentences.stage import SplitSentences


class _CountNotEnglishFn(beam.DoFn):
    def __init__(self):
        self._not_english = counter("articles_not_english")

    def process(self, document: Document) -> Iterator[Document]:
        if document.article.get("annotation_skipped") is not None:
            self._not_english.inc()
        yield document


@beam.typehints.with_input_types(Document)
class Annotate(beam.PTransform):
    """New documents → {'documents': documents with sentences, dates, entities and events filled in
    (sentences only for those not in English), REJECTS: the rejects of the four stages, without run
    fields (see ``StampRejects``)}.

    Each stage keeps its own label (``Sentences``, ``Dates``, ``Entities``, ``Events``) and counters.
    """

    def expand(self, documents):
        # One line of documents, with no Flatten: Beam's in-process runner would hold every annotated
        # document of the run in memory at a Flatten of two branches (the largest objects of the job).
        split = documents | "Sentences" >> SplitSentences()
        counted = split[DOCUMENTS] | "CountNotEnglish" >> beam.ParDo(_CountNotEnglishFn())
        dated = counted | "Dates" >> ResolveDates()
        tagged = dated[DOCUMENTS] | "Entities" >> TagEntities()
        coded = tagged[DOCUMENTS] | "Events" >> CodeEvents()
        rejects = ((split[REJECTS], dated[REJECTS], tagged[REJECTS], coded[REJECTS])
                   | "StageRejects" >> beam.Flatten())
        return {DOCUMENTS: coded[DOCUMENTS], REJECTS: rejects}
