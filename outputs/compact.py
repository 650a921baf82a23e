"""Compaction: the many small files that frequent runs leave in each partition become a few large ones.

Within each partition of a table, the files smaller than ``target_rows`` that share one Parquet schema are
read, their rows sorted by the table key and written again as files of at most ``target_rows`` rows. No
row is added, dropped or changed: the same Arrow schema (with its column documentation) is written back.
Each table's compaction is one commit of ``outputs.commit``: the merged files are staged, a manifest
names them and the files they replace, then they are swapped. A reader sees the table either before or
after; a compaction killed half-way is finished by the next ``compact`` or ``run``. Compaction holds the
output lock, so it never runs at the same time as a run.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from outputs.commit import OutputDir
from outputs.lock import OutputLock
from outputs.tablefiles import FILE_SUFFIX, read_file, write_parquet
from outputs.tables import table_files
from schemas import TABLES, TableSpec
from transforms.common.ids import stable_id

DEFAULT_TARGET_ROWS = 100_000
_LOG = logging.getLogger(__name__)


@dataclasses.dataclass
class TableCompaction:
    """What compacting one table did."""

    table: str
    partitions: int = 0  # partitions rewritten
    files_before: int = 0  # files merged away
    files_after: int = 0  # files written in their place
    rows: int = 0  # rows moved (the same before and after)


def _partition_of(root: str, table: str, path: str) -> str:
    prefix = FileSystems.join(root, table)
    return path[len(prefix):].lstrip("/\\").replace("\\", "/").split("/", 1)[0]


def _footer(path: str) -> tuple[int, pa.Schema]:
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        parquet = pq.ParquetFile(handle)
        return parquet.metadata.num_rows, parquet.schema_arrow


def _groups_to_merge(paths: Iterable[str], target_rows: int) -> list[list[str]]:
    """The small files of one partition, grouped by identical schema; only groups of two or more."""
    by_schema: list[tuple[pa.Schema, list[str]]] = []
    for path in paths:
        rows, schema = _footer(path)
        if rows >= target_rows:
            continue
        for known, members in by_schema:
            if known.equals(schema, check_metadata=True):
                members.append(path)
                break
        else:
            by_schema.append((schema, [path]))
    return [members for _, members in by_schema if len(members) > 1]


def _merged(spec: TableSpec, paths: list[str]) -> pa.Table:
    merged = pa.concat_tables([read_file(path) for path in paths])
    key = [column for column in spec.key if column in merged.schema.names]
    # Sorting by every column after the key makes the output independent of the input file order.
    order = key + [name for name in merged.schema.names if name not in key
                   and not pa.types.is_nested(merged.schema.field(name).type)]
    return merged.sort_by([(column, "ascending") for column in order]) if order else merged


def compact_table(output: OutputDir, table: str, target_rows: int = DEFAULT_TARGET_ROWS) -> TableCompaction:
    """Compacts one table (the caller holds the lock)."""
    spec = TABLES[table]
    result = TableCompaction(table)
    by_partition: dict[str, list[str]] = {}
    for path in table_files(output.root, table):
        by_partition.setdefault(_partition_of(output.root, table, path), []).append(path)
    plan = [(partition, group) for partition, paths in sorted(by_partition.items())
            for group in _groups_to_merge(paths, target_rows)]
    if not plan:
        return result
    compaction_id = "compact-" + stable_id("compact", table, *(path for _, group in plan for path in group))
    staging = output.staging_root(compaction_id)
    output.discard(compaction_id)
    removes = []
    for group_index, (partition, group) in enumerate(plan):
        merged = _merged(spec, group)
        # Files of zero rows (a table's first, schema-carrying file) merge into one of zero rows, never
        # into none: the partition would lose its only file.
        for chunk_index, start in enumerate(range(0, max(merged.num_rows, 1), target_rows)):
            name = f"part-{compaction_id}-{group_index:04d}-{chunk_index:04d}{FILE_SUFFIX}"
            write_parquet(FileSystems.join(staging, table, partition, name), merged.slice(start, target_rows))
            result.files_after += 1
        result.partitions += 1
        result.files_before += len(group)
        result.rows += merged.num_rows
        removes.extend(group)
    output.commit(compaction_id, removes=removes)
    return result


def compact(output_dir: str, tables: Iterable[str] | None = None,
            target_rows: int = DEFAULT_TARGET_ROWS) -> list[TableCompaction]:
    """Compacts ``tables`` (default: all) under ``output_dir``, holding its lock; raises
    ``outputs.lock.OutputLocked`` when a run holds it."""
    names = list(tables) if tables else list(TABLES)
    unknown = [name for name in names if name not in TABLES]
    if unknown:
        raise ValueError(f"no table {unknown[0]!r}; tables: {', '.join(TABLES)}")
    if target_rows < 1:
        raise ValueError(f"the target must be at least 1 row per file, got {target_rows}")
    output = OutputDir(output_dir)
    with OutputLock(output.root, "communique compact"):
        finished = output.recover()
        if finished:
            _LOG.warning("finished the interrupted commits of %s", ", ".join(finished))
        return [compact_table(output, name, target_rows) for name in names]
