"""Source 'stored articles': the rows of committed ``articles`` files as documents, for ``communique recode``.

Each input element names one Parquet file of the articles table and its partition's published_date (the
partition column is not stored in the file). The file is read a record batch at a time, so a worker
holds one batch of articles, never the whole file; each row becomes a ``Document`` as the normalize stage
would have handed it to the annotating chain: the columns the annotating stages fill are reset first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from transforms.common.beam import counter
from transforms.common.document import Document, TableRow

# Articles columns the annotating chain computes (transforms/normalize/article.py leaves them None).
ANNOTATION_COLUMNS = ("num_sentences", "events_dropped")
BATCH_ROWS = 256


def stored_document(row: TableRow, published_date: dt.date | None) -> Document:
    """A stored ``articles`` row (without its partition column) as the annotating chain's input."""
    article = {**row, "published_date": published_date}
    for name in ANNOTATION_COLUMNS:
        article[name] = None
    return Document(article=article)


class _ReadArticleFileFn(beam.DoFn):
    def __init__(self, batch_rows: int):
        self._batch_rows = batch_rows
        self._read = counter("articles_reread")

    def process(self, located: tuple[str, str | None]) -> Iterator[Document]:
        path, partition = located
        published_date = dt.date.fromisoformat(partition) if partition else None
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=self._batch_rows):
                for row in batch.to_pylist():
                    self._read.inc()
                    yield stored_document(row, published_date)


@beam.typehints.with_input_types(tuple[str, str | None])
@beam.typehints.with_output_types(Document)
class ReadStoredArticles(beam.PTransform):
    """(articles file path, its published_date as ISO text or None) → one ``Document`` per row.
    Counter: ``articles_reread``."""

    def __init__(self, batch_rows: int = BATCH_ROWS):
        super().__init__()
        self._batch_rows = batch_rows

    def expand(self, files):
        # Reshuffle: a handful of files spread over the workers instead of staying with the one that
        # listed them.
        return (files | "SpreadFiles" >> beam.Reshuffle()
                | "ReadRows" >> beam.ParDo(_ReadArticleFileFn(self._batch_rows)))
