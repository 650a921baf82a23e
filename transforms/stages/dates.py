"""Stage 'dates' (placeholder until its issue lands: passes documents through unchanged)."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

from transforms.document import Document
from transforms.rejects import REJECTS
from transforms.stages._annotate import AnnotateDoFn


class _DateFn(AnnotateDoFn):
    stage = "dates"

    def annotate(self, document: Document) -> None:
        document.dates = []


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class ResolveDates(beam.PTransform):
    """Fills Document.dates; outputs tagged 'documents' and REJECTS."""

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, documents):
        return documents | "ResolveDatesFn" >> beam.ParDo(_DateFn(self._run_id, self._run_started_at)).with_outputs(
            REJECTS, main="documents"
        )
