"""Windowed Parquet writes for the streaming pipeline: ``fileio.WriteToFiles`` with a Parquet sink.

Each window's rows of each table partition become one file (per shard), named after the job's run id and
the window's start, e.g. ``articles/published_date=2024-06-03/part-stream-<run id>-20240603T120000-0000
-of-0001.parquet``. ``WriteToFiles`` writes every file under a temporary name and renames it into place
when its window closes, so a reader never sees a file half written. (Beam 2.77's ``WriteToParquet`` can
leave corrupt files in streaming mode; this sink writes the whole file in ``flush``, from rows held in
memory, which for one window of one partition is small.)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io import fileio
from apache_beam.options.value_provider import StaticValueProvider
from apache_beam.transforms.window import GlobalWindow

from outputs.paths import is_local
from outputs.tablefiles import FILE_SUFFIX, PARQUET_COMPRESSION, partition_value, rows_to_arrow
from schemas import TABLES
from transforms.common.beam import counter
from transforms.sinks.stage import DOCUMENT_TABLES


def destination_of(table: str, row: dict) -> str:
    """The directory of ``row`` relative to the output root: ``<table>/<partition_by>=<value>``."""
    spec = TABLES[table]
    return f"{table}/{spec.partition_by}={partition_value(row.get(spec.partition_by))}"


class ParquetRowsSink(fileio.FileSink):
    """Rows of one table partition -> one Parquet file of the table's file schema, sorted by key."""

    def __init__(self, output_root: str, destination: str):
        self._spec = TABLES[destination.split("/", 1)[0]]
        self._final_dir = os.path.join(output_root, *destination.split("/")) if is_local(output_root) \
            else None
        self._rows: list[dict] = []
        self._handle = None
        self._written = counter(f"rows_streamed_{self._spec.name}")

    def open(self, fh) -> None:
        self._handle = fh
        self._rows = []
        if self._final_dir is not None:
            # fileio renames finished files into place but creates only the root directory; the
            # partition directory must exist by then (object stores have no directories).
            os.makedirs(self._final_dir, exist_ok=True)

    def write(self, record: tuple[str, dict]) -> None:
        self._rows.append(record[1])

    def flush(self) -> None:
        key = self._spec.key
        ordered = sorted(self._rows, key=lambda row: tuple("" if row.get(column) is None
                                                           else str(row.get(column)) for column in key))
        pq.write_table(rows_to_arrow(self._spec, ordered), self._handle, compression=PARQUET_COMPRESSION)
        self._written.inc(len(ordered))


def _window_stamp(window) -> str:
    if window == GlobalWindow():
        return "global"
    return dt.datetime.fromtimestamp(float(window.start), dt.timezone.utc).strftime("%Y%m%dT%H%M%S")


def file_naming(run_id: str):
    """fileio naming: ``<destination>/part-stream-<run id>-<window start>-<shard>-of-<shards>.parquet``."""

    def name(window, pane, shard_index, total_shards, compression, destination) -> str:
        shard = int(shard_index or 0)
        shards = int(total_shards or 1)
        return (f"{destination}/part-stream-{run_id}-{_window_stamp(window)}-{shard:04d}-of-{shards:04d}"
                f"{FILE_SUFFIX}")

    return name


def _document_rows(document) -> Iterator[tuple[str, dict]]:
    for table, explode in DOCUMENT_TABLES.items():
        for row in explode(document):
            yield destination_of(table, row), row


class WriteWindowedTables(beam.PTransform):
    """Windowed documents and reject rows -> Parquet files per window, table and partition under
    ``output_root``, written first under ``temp_directory``. Input: a dict with 'documents' and 'rejects'
    (fixed windows). Output: fileio's FileResults (one per file written)."""

    def __init__(self, output_root: str, run_id: str, temp_directory: str, shards: int = 1):
        super().__init__()
        self._output_root = output_root
        self._run_id = run_id
        self._temp_directory = temp_directory
        self._shards = shards

    def expand(self, inputs):
        output_root = self._output_root
        rows = (
            inputs["documents"] | "DocumentRows" >> beam.FlatMap(_document_rows),
            inputs["rejects"] | "RejectRows" >> beam.Map(lambda row: (destination_of("rejects", row), row)),
        ) | "AllRows" >> beam.Flatten()
        return rows | "WriteParquetFiles" >> fileio.WriteToFiles(
            path=output_root,
            destination=lambda keyed: keyed[0],
            sink=lambda destination: ParquetRowsSink(output_root, destination),
            file_naming=file_naming(self._run_id),
            # A plain string is documented but not wrapped by Beam 2.77 (its writers call .get() on it).
            temp_directory=StaticValueProvider(str, self._temp_directory),
            shards=self._shards,
        )
