"""Stage 'sinks': documents, rejects and fetch records become Hive-partitioned Parquet files.

Files are written under a staging root; the run driver moves them into the output when the whole
pipeline has succeeded, so a failed run leaves nothing half-written in the tables. File names carry the
run id and a sequence number, never a random part, so the same run writes the same files.

The document tables (articles, entities, dates, events) are written without a GroupByKey: on the
in-process runner a GroupByKey holds every row of the run in memory as Python objects (about 85 KB per
wire article), so memory would grow with the run. Instead each bundle's rows wait on local disk and are
written at the end of the bundle one partition at a time (``_WriteDocumentTablesFn``).
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.windowed_value import WindowedValue

from outputs.tablefiles import part_file_name, partition_path, rows_to_arrow, write_parquet
from schemas import TABLES, TableSpec
from transforms.common.beam import counter
from transforms.common.document import Document
from transforms.common.ids import stable_id

DEFAULT_ROWS_PER_FILE = 100_000


def _partition_key(spec: TableSpec, row: dict) -> str:
    value = row.get(spec.partition_by)
    return "" if value is None else value.isoformat()


def write_partition(spec: TableSpec, staging_root: str, run_id: str, rows_per_file: int, rows: Iterable[dict],
                    *, shared: bool = False) -> Iterator[tuple[str, int]]:
    """Rows of one partition -> Parquet files of at most ``rows_per_file`` rows, sorted by key, the same
    key twice kept once; yields (path, rows). A writer that may share the partition with others
    (``shared``) names its files ``part-<run_id>-<hash of its first key>-NNNN``: they cannot collide, and
    the same rows give the same names."""
    unique: dict[tuple, dict] = {}
    for row in rows:
        # The same key twice in one run (the same bad entry in two feeds) is one row.
        unique.setdefault(_sort_key(spec, row), row)
    if not unique:
        return
    keys = sorted(unique)
    ordered = [unique[key] for key in keys]
    directory = partition_path(staging_root, spec, ordered[0][spec.partition_by])
    run_part = f"{run_id}-{stable_id(spec.name, *keys[0])[:8]}" if shared else run_id
    for index, start in enumerate(range(0, len(ordered), rows_per_file)):
        chunk = ordered[start:start + rows_per_file]
        path = FileSystems.join(directory, part_file_name(run_part, index))
        write_parquet(path, rows_to_arrow(spec, chunk))
        yield path, len(chunk)


def _sort_key(spec: TableSpec, row: dict) -> tuple:
    return tuple("" if row.get(column) is None else str(row.get(column)) for column in spec.key)


class _WritePartitionFn(beam.DoFn):
    """(partition value, rows) -> Parquet files of at most ``rows_per_file`` rows, sorted by key."""

    def __init__(self, spec: TableSpec, staging_root: str, run_id: str, rows_per_file: int):
        self._spec = spec
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file
        self._rows_written = counter(f"rows_staged_{spec.name}")

    def process(self, keyed: tuple[str, Iterable[dict]]) -> Iterator[tuple[str, int]]:
        _, rows = keyed
        for path, count in write_partition(self._spec, self._staging_root, self._run_id, self._rows_per_file,
                                           rows):
            self._rows_written.inc(count)
            yield path, count


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
        spec = self._spec
        return (
            rows
            | "KeyByPartition" >> beam.Map(lambda row: (_partition_key(spec, row), row))
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


SPILL_ROWS = 50_000  # rows a document-table writer holds in memory before moving them to local disk


class _SpillFile:
    """Rows parked on local disk by (table, partition key) in compressed pickled chunks, read back one
    partition at a time. The file is the writer's own and is deleted when the bundle ends."""

    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="communique-sink-", suffix=".spill")
        self._file = os.fdopen(handle, "w+b")
        self._chunks: dict[tuple[str, str], list[tuple[int, int]]] = collections.defaultdict(list)

    def add(self, where: tuple[str, str], rows: list[dict]) -> None:
        data = zlib.compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._chunks[where].append((self._file.seek(0, os.SEEK_END), len(data)))
        self._file.write(data)

    def places(self) -> list[tuple[str, str]]:
        return sorted(self._chunks)

    def rows(self, where: tuple[str, str]) -> Iterator[dict]:
        for offset, size in self._chunks[where]:
            self._file.seek(offset)
            yield from pickle.loads(zlib.decompress(self._file.read(size)))

    def close(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path)


class _WriteDocumentTablesFn(beam.DoFn):
    """Documents -> the Parquet files of the document tables, written at the end of each bundle.

    Rows wait in memory by (table, partition) until ``spill_rows`` of them are held, then move to a local
    spill file; at the end of the bundle each partition is read back and written by ``write_partition``
    (sorted, the same key once, files of at most ``rows_per_file`` rows). Memory thus holds at most
    ``spill_rows`` rows plus one partition, however many documents the bundle has; a small bundle never
    touches the disk. Several bundles (several workers) may write the same partition: file names carry a
    hash of the bundle's first key in it, so they never collide and the same rows give the same names.
    """

    def __init__(self, staging_root: str, run_id: str, rows_per_file: int, spill_rows: int = SPILL_ROWS):
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file
        self._spill_rows = spill_rows
        self._specs = {table: TABLES[table] for table in DOCUMENT_TABLES}
        self._rows_written = {table: counter(f"rows_staged_{table}") for table in DOCUMENT_TABLES}
        self._spilled = counter("rows_spilled_to_disk")
        self._pending: dict[tuple[str, str], list[dict]] = {}
        self._pending_rows = 0
        self._spill: _SpillFile | None = None

    def start_bundle(self) -> None:
        self._pending = collections.defaultdict(list)
        self._pending_rows = 0
        self._spill = None

    def process(self, document: Document) -> Iterator[tuple[str, int]]:
        for table, explode in DOCUMENT_TABLES.items():
            spec = self._specs[table]
            for row in explode(document):
                self._pending[(table, _partition_key(spec, row))].append(row)
                self._pending_rows += 1
        if self._pending_rows >= self._spill_rows:
            self._move_pending_to_disk()
        return iter(())

    def _move_pending_to_disk(self) -> None:
        if self._spill is None:
            self._spill = _SpillFile()
        for where, rows in self._pending.items():
            self._spill.add(where, rows)
        self._spilled.inc(self._pending_rows)
        self._pending = collections.defaultdict(list)
        self._pending_rows = 0

    def finish_bundle(self) -> Iterator[WindowedValue]:
        try:
            if self._spill is None:
                pending = self._pending
                places = sorted(pending)
                rows_of = pending.pop
            else:
                self._move_pending_to_disk()
                places = self._spill.places()
                rows_of = self._spill.rows
            for table, key in places:
                for path, count in write_partition(self._specs[table], self._staging_root, self._run_id,
                                                   self._rows_per_file, rows_of((table, key)), shared=True):
                    self._rows_written[table].inc(count)
                    yield GlobalWindows.windowed_value((path, count))
        finally:
            self._discard_spill()

    def _discard_spill(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def teardown(self) -> None:
        self._discard_spill()


class WriteTables(beam.PTransform):
    """Explodes documents into the articles, entities, dates and events tables and writes them, with
    the rejects and feed_fetches rows, under ``staging_root``.

    Input: a dict with 'documents', 'rejects' and 'feed_fetches' PCollections. Output: a PCollection of
    (staged file path, rows) for the run summary.
    """

    def __init__(self, staging_root: str, run_id: str, rows_per_file: int = DEFAULT_ROWS_PER_FILE,
                 spill_rows: int = SPILL_ROWS):
        super().__init__()
        self._staging_root = staging_root
        self._run_id = run_id
        self._rows_per_file = rows_per_file
        self._spill_rows = spill_rows

    def _write(self, rows, table: str):
        return rows | f"Write_{table}" >> WriteTable(table, self._staging_root, self._run_id,
                                                     self._rows_per_file)

    def expand(self, inputs):
        documents = inputs["documents"] | "WriteDocumentTables" >> beam.ParDo(_WriteDocumentTablesFn(
            self._staging_root, self._run_id, self._rows_per_file, self._spill_rows)
        ).with_output_types(tuple[str, int])
        written = [documents, self._write(inputs["rejects"], "rejects"),
                   self._write(inputs["feed_fetches"], "feed_fetches")]
        return written | "AllStagedFiles" >> beam.Flatten()
