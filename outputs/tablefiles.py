"""Where table files live and how rows become Parquet: one convention for the sinks, the run driver,
compaction, event_daily and the tests (which files are committed: ``outputs.tables``).

Layout under an output root (any Beam filesystem: local, gs://, s3://)::

    <root>/<table>/<partition_by>=<YYYY-MM-DD>/part-<run_id>-<NNNN>.parquet

A null partition value is written as ``__HIVE_DEFAULT_PARTITION__``, which DuckDB, Polars, Spark and
pyarrow read back as NULL. The partition column is not stored inside the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from schemas import TableSpec

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PARQUET_COMPRESSION = "zstd"
FILE_SUFFIX = ".parquet"


def partition_value(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else NULL_PARTITION


def partition_path(root: str, spec: TableSpec, value: dt.date | None) -> str:
    return FileSystems.join(root, spec.name, f"{spec.partition_by}={partition_value(value)}")


def part_file_name(run_id: str, index: int) -> str:
    return f"part-{run_id}-{index:04d}{FILE_SUFFIX}"


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


def read_file(path: str, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file (its ``columns``, default all) on any Beam filesystem."""
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return pq.read_table(handle, columns=columns)



def partition_date_of(path: str) -> dt.date | None:
    """The partition value of a table file (``.../<column>=<YYYY-MM-DD>/<file>``): the inverse of
    ``partition_value``."""
    value = FileSystems.split(FileSystems.split(path)[0])[1].split("=", 1)[1]
    return None if value == NULL_PARTITION else dt.date.fromisoformat(value)
