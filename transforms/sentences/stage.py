"""Stage 'sentences': split each article into sentences with offsets into its text."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.common.annotate import AnnotateDoFn
from transforms.common.beam import DOCUMENTS, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS
from transforms.sentences.split import split_sentences


class _SplitFn(AnnotateDoFn):
    stage = "sentences"

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__(run_id, run_started_at)
        self._sentences = counter("sentences")

    def annotate(self, document: Document) -> None:
        document.sentences = split_sentences(document.text)
        document.article["num_sentences"] = len(document.sentences)
        self._sentences.inc(len(document.sentences))


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class SplitSentences(beam.PTransform):
    """Fills ``Document.sentences``; outputs 'documents' and REJECTS."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, documents):
        return documents | "SplitFn" >> beam.ParDo(_SplitFn(self._run_id, self._run_started_at)).with_outputs(
            REJECTS, main=DOCUMENTS)
