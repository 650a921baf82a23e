"""The annotating chain, written once for the batch and the streaming pipelines:

    documents → Sentences → Dates → Entities → Events → annotated documents (+ every stage's rejects)

Dates, entities and events read English only (their patterns, lexicons and parser are English):
an article whose language is known and not English (``articles.annotation_skipped = 'not_english'``,
decided in normalize) is split into sentences and then goes around them, counted as
``articles_not_english``. It keeps its ``articles`` row; it is not a reject, since nothing is wrong with it.
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

NOT_ENGLISH_DOCUMENTS = "not_english"


class _ByLanguageFn(beam.DoFn):
    def __init__(self):
        self._not_english = counter("articles_not_english")

    def process(self, document: Document) -> Iterator[Document | beam.pvalue.TaggedOutput]:
        if document.article.get("annotation_skipped") is None:
            yield document
            return
        self._not_english.inc()
        yield beam.pvalue.TaggedOutput(NOT_ENGLISH_DOCUMENTS, document)


@beam.typehints.with_input_types(Document)
class Annotate(beam.PTransform):
    """New documents → {'documents': documents with sentences, dates, entities and events filled in
    (sentences only for those not in English), REJECTS: the rejects of the four stages, without run
    fields (see ``StampRejects``)}.

    Each stage keeps its own label (``Sentences``, ``Dates``, ``Entities``, ``Events``) and counters.
    """

    def expand(self, documents):
        split = documents | "Sentences" >> SplitSentences()
        routed = split[DOCUMENTS] | "ByLanguage" >> beam.ParDo(_ByLanguageFn()).with_outputs(
            NOT_ENGLISH_DOCUMENTS, main=DOCUMENTS)
        dated = routed[DOCUMENTS] | "Dates" >> ResolveDates()
        tagged = dated[DOCUMENTS] | "Entities" >> TagEntities()
        coded = tagged[DOCUMENTS] | "Events" >> CodeEvents()
        annotated = (coded[DOCUMENTS], routed[NOT_ENGLISH_DOCUMENTS]) | "AllDocuments" >> beam.Flatten()
        rejects = ((split[REJECTS], dated[REJECTS], tagged[REJECTS], coded[REJECTS])
                   | "StageRejects" >> beam.Flatten())
        return {DOCUMENTS: annotated, REJECTS: rejects}
