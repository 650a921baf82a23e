"""Where table files live and how rows become Parquet: one convention for the sinks, the run driver,
the query command and the tests.

Layout under an output root (any Beam filesystem: local, gs://, s3://)::

    <root>/<table>/<partition_by>=<YYYY-MM-DD>/part-<run_id>-<NNNN>.parquet

A null partition value is written as ``__HIVE_DEFAULT_PARTITION__``, which DuckDB, Polars, Spark and
pyarrow read back as NULL. The partition column is not stored inside the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from schemas import TABLES, TableSpec

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PARQUET_COMPRESSION = "zstd"
FILE_SUFFIX = ".parquet"


def partition_value(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else NULL_PARTITION


def partition_path(root: str, spec: TableSpec, value: dt.date | None) -> str:
    return FileSystems.join(root, spec.name, f"{spec.partition_by}={partition_value(value)}")


def part_file_name(run_id: str, index: int) -> str:
    return f"part-{run_id}-{index:04d}{FILE_SUFFIX}"


def table_files(root: str, table: str) -> list[str]:
    """The Parquet files of ``table`` under ``root``, sorted; empty when the table has none yet. A commit
    in progress (or interrupted) is never seen half done: see ``pipeline.outputs``."""
    from pipeline.outputs import committed_table_files  # imported late: pipeline.outputs imports this module

    pattern = FileSystems.join(root, table, "*", f"*{FILE_SUFFIX}")
    return committed_table_files(root, lambda: sorted(
        metadata.path for metadata in FileSystems.match([pattern])[0].metadata_list))


def rows_to_arrow(spec: TableSpec, rows: Iterable[dict]) -> pa.Table:
    """Rows (dicts keyed by column) as an Arrow table of the file schema; extra keys are ignored."""
    return pa.Table.from_pylist(list(rows), schema=spec.file_schema)


def write_parquet(path: str, table: pa.Table) -> None:
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        pq.write_table(table, handle, compression=PARQUET_COMPRESSION)


def read_file_column(path: str, column: str) -> list:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return pq.read_table(handle, columns=[column]).column(column).to_pylist()


def read_file_rows(path: str) -> list[dict]:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return pq.read_table(handle).to_pylist()


def file_num_rows(path: str) -> int:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return pq.ParquetFile(handle).metadata.num_rows


def read_column(root: str, table: str, column: str) -> list:
    """One column of every committed file of ``table``."""
    values: list = []
    for path in table_files(root, table):
        values.extend(read_file_column(path, column))
    return values


class WrittenIds:
    """A picklable loader of the key values already written to a table (runs in ``DoFn.setup``)."""

    def __init__(self, root: str, table: str, column: str):
        self.root, self.table, self.column = root, table, column

    def __call__(self) -> list[str]:
        return read_column(self.root, self.table, self.column)


def read_table(root: str, table: str) -> pa.Table:
    """A whole table with its documented schema, partition column included (local roots)."""
    spec = TABLES[table]
    files = table_files(root, table)
    if not files:
        return spec.schema.empty_table()
    partitioning = pads.HivePartitioning(
        pa.schema([spec.schema.field(spec.partition_by)]), null_fallback=NULL_PARTITION)
    dataset = pads.dataset(files, format="parquet", partitioning=partitioning,
                           partition_base_dir=FileSystems.join(root, table), schema=spec.schema)
    return dataset.to_table().select(spec.schema.names)
