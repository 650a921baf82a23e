"""Replacing the rows of some articles in the document tables (``communique recode``).

The rows of the articles being replaced may share files with rows of other articles (a file holds a
bundle's rows of one partition). Every committed file holding a row of a replaced article is to be
removed, and its other rows are staged again, unchanged and with the file's own schema, as a file of
their own in the same partition. Committing the staging directory with those removals
(``OutputDir.commit``) then swaps, at one instant, the old rows of those articles for their new ones and
leaves every other row as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.io.filesystems import FileSystems

from outputs.commit import OutputDir
from outputs.tablefiles import FILE_SUFFIX, partition_date_of, read_file, read_file_column, write_parquet
from outputs.tables import committed_tables
from transforms.common.ids import stable_id

ARTICLE_COLUMN = "article_id"


@dataclasses.dataclass
class SetAside:
    """What ``set_aside`` found: the files to remove, and the rows of each table it removes for good
    (those of the replaced articles) and keeps (staged again)."""

    removes: list[str] = dataclasses.field(default_factory=list)
    rows_replaced: dict[str, int] = dataclasses.field(default_factory=dict)
    rows_kept: dict[str, int] = dataclasses.field(default_factory=dict)


def set_aside(output: OutputDir, writer_id: str, tables: Iterable[str], article_ids: set[str],
              may_hold: Callable[[str, dt.date | None], bool]) -> SetAside:
    """Plans the removal of every row of ``article_ids`` from ``tables`` (each has an article_id column):
    the committed files holding such rows are listed for removal and their other rows are staged under
    ``writer_id``. ``may_hold(table, partition date)`` is false for partitions that hold none of those
    articles, which are then not read. The caller holds the lock and commits with the removals."""
    result = SetAside()
    wanted = pa.array(sorted(article_ids), pa.string())
    for table, files in committed_tables(output.root, tables).items():
        result.rows_replaced[table] = result.rows_kept[table] = 0
        for path in files:
            if not may_hold(table, partition_date_of(path)):
                continue
            ids = pa.array(read_file_column(path, ARTICLE_COLUMN), pa.string())
            replaced = pc.is_in(ids, value_set=wanted)
            count = pc.sum(replaced).as_py() or 0
            if not count:
                continue
            result.removes.append(path)
            result.rows_replaced[table] += count
            if count == len(ids):
                continue  # nothing of it is kept
            kept = read_file(path).filter(pc.invert(replaced))
            if kept.num_rows:
                write_parquet(_kept_path(output, writer_id, path), kept)
                result.rows_kept[table] += kept.num_rows
    return result


def _kept_path(output: OutputDir, writer_id: str, path: str) -> str:
    """Where the kept rows of ``path`` are staged: its table and partition, a name of its own."""
    partition_dir, _ = FileSystems.split(path)
    table_dir, partition = FileSystems.split(partition_dir)
    table = FileSystems.split(table_dir)[1]
    name = f"part-{writer_id}-kept-{stable_id(path)[:8]}{FILE_SUFFIX}"
    return FileSystems.join(output.staging_root(writer_id), table, partition, name)
