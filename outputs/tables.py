"""The committed tables of an output directory: which files each has, one column, a whole table.

Every reader of the tables (the run's check of what is already written, ``query``, ``report``,
compaction, event_daily, the tests) lists files here, so none sees part of a commit in progress: see
``outputs.commit``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.dataset as pads
from apache_beam.io.filesystems import FileSystems

from outputs.commit import committed_table_files
from outputs.tablefiles import FILE_SUFFIX, NULL_PARTITION, read_file_column
from schemas import TABLES


def committed_tables(root: str, tables: Iterable[str] = TABLES) -> dict[str, list[str]]:
    """The committed Parquet files of each of ``tables`` under ``root``, sorted, all as of one instant:
    every table before a pending commit, or every table after it, never some of each."""
    names = list(tables)
    listed: dict[str, list[str]] = {}

    def list_every_table() -> list[str]:
        listed.clear()
        for table in names:
            pattern = FileSystems.join(root, table, "*", f"*{FILE_SUFFIX}")
            matched = FileSystems.match([pattern])[0].metadata_list
            listed[table] = sorted(metadata.path for metadata in matched)
        return [path for paths in listed.values() for path in paths]

    visible = set(committed_table_files(root, list_every_table))
    return {table: [path for path in paths if path in visible] for table, paths in listed.items()}


def table_files(root: str, table: str) -> list[str]:
    """The committed Parquet files of ``table`` under ``root``, sorted; empty when it has none yet."""
    return committed_tables(root, [table])[table]


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
