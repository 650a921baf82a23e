"""Stage 'sinks': documents, rejects and fetch records become Hive-partitioned Parquet files.

Files are written under a staging root; the run driver moves them into the output when the whole
pipeline has succeeded, so a failed run leaves nothing half-written in the tables. File names carry the
run id and a sequence number, never a random part, so the same run writes the same files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from schemas import TABLES, TableSpec
from transforms.document import Document
from transforms.stages.common import counter
from transforms.tablefiles import part_file_name, partition_path, rows_to_arrow, write_parquet

DEFAULT_ROWS_PER_FILE = 100_000


class _WritePartitionFn(beam.DoFn):
    """(partition value, rows) -> Parquet files of at most ``rows_per_file`` rows, sorted by key."""

    def __init__(self, spec: TableSpec, staging_root: str, run_id: str, rows_per_file: int):
        self._spec = spec
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file
        self._rows_written = counter(f"rows_staged_{spec.name}")

    def _sort_key(self, row: dict) -> tuple:
        return tuple("" if row.get(column) is None else str(row.get(column)) for column in self._spec.key)

    def process(self, keyed: tuple[str, Iterable[dict]]) -> Iterator[tuple[str, int]]:
        _, rows = keyed
        unique: dict[tuple, dict] = {}
        for row in rows:
            # The same key twice in one run (the same bad entry in two feeds) is one row.
            unique.setdefault(self._sort_key(row), row)
        ordered = [unique[key] for key in sorted(unique)]
        directory = partition_path(self._staging_root, self._spec, ordered[0][self._spec.partition_by])
        for index, start in enumerate(range(0, len(ordered), self._rows_per_file)):
            chunk = ordered[start:start + self._rows_per_file]
            path = FileSystems.join(directory, part_file_name(self._run_id, index))
            write_parquet(path, rows_to_arrow(self._spec, chunk))
            self._rows_written.inc(len(chunk))
            yield path, len(chunk)


@beam.typehints.with_input_types(dict)
@beam.typehints.with_output_types(tuple[str, int])
class WriteTable(beam.PTransform):
    """Writes rows of one table into its partitions under ``staging_root``; outputs (path, rows)."""

    def __init__(self, table: str, staging_root: str, run_id: str,
                 rows_per_file: int = DEFAULT_ROWS_PER_FILE):
        super().__init__()
        self._spec = TABLES[table]
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file

    def expand(self, rows):
        partition_by = self._spec.partition_by
        return (
            rows
            | "KeyByPartition" >> beam.Map(
                lambda row: ("" if row.get(partition_by) is None else row[partition_by].isoformat(), row))
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteParquet" >> beam.ParDo(
                _WritePartitionFn(self._spec, self._staging_root, self._run_id, self._rows_per_file))
        )


def _article_row(document: Document) -> Iterator[dict]:
    yield document.article


def _entity_rows(document: Document) -> list[dict]:
    return document.entities


def _date_rows(document: Document) -> list[dict]:
    return document.dates


def _event_rows(document: Document) -> list[dict]:
    return document.events


DOCUMENT_TABLES = {
    "articles": _article_row,
    "entities": _entity_rows,
    "dates": _date_rows,
    "events": _event_rows,
}


class WriteTables(beam.PTransform):
    """Explodes documents into the articles, entities, dates and events tables and writes them, with
    the rejects and feed_fetches rows, under ``staging_root``.

    Input: a dict with 'documents', 'rejects' and 'feed_fetches' PCollections. Output: a PCollection of
    (staged file path, rows) for the run summary.
    """

    def __init__(self, staging_root: str, run_id: str, rows_per_file: int = DEFAULT_ROWS_PER_FILE):
        super().__init__()
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file

    def _write(self, rows, table: str):
        return rows | f"Write_{table}" >> WriteTable(table, self._staging_root, self._run_id,
                                                     self._rows_per_file)

    def expand(self, inputs):
        documents = inputs["documents"]
        written = [
            self._write(documents | f"Rows_{table}" >> beam.FlatMap(explode), table)
            for table, explode in DOCUMENT_TABLES.items()
        ]
        written.append(self._write(inputs["rejects"], "rejects"))
        written.append(self._write(inputs["feed_fetches"], "feed_fetches"))
        return written | "AllStagedFiles" >> beam.Flatten()
