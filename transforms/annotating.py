"""The annotating chain, written once for the batch and the streaming pipelines:

    documents → Sentences → Dates → Entities → Events → annotated documents (+ every stage's rejects)
"""

from __future__ import annotations

import apache_beam as beam

from transforms.common.beam import DOCUMENTS
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.dates.stage import ResolveDates
from transforms.entities.stage import TagEntities
from transforms.events.stage import CodeEvents
from transforms.sentences.stage import SplitSentences


@beam.typehints.with_input_types(Document)
class Annotate(beam.PTransform):
    """New documents → {'documents': documents with sentences, dates, entities and events filled in,
    REJECTS: the ``stage_failed`` rows of the four stages, without run fields (see ``StampRejects``)}.

    Each stage keeps its own label (``Sentences``, ``Dates``, ``Entities``, ``Events``) and counters.
    """

    def expand(self, documents):
        split = documents | "Sentences" >> SplitSentences()
        dated = split[DOCUMENTS] | "Dates" >> ResolveDates()
        tagged = dated[DOCUMENTS] | "Entities" >> TagEntities()
        coded = tagged[DOCUMENTS] | "Events" >> CodeEvents()
        rejects = ((split[REJECTS], dated[REJECTS], tagged[REJECTS], coded[REJECTS])
                   | "StageRejects" >> beam.Flatten())
        return {DOCUMENTS: coded[DOCUMENTS], REJECTS: rejects}
