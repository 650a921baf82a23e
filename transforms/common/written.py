"""What earlier runs wrote, read back by the runner for a join: a run looks its own keys up against a
table's key column without any worker holding every key ever written.

A stage that must drop what is already written takes a *reader* of the written keys: a transform from
the pipeline's root to the keys (``WrittenKeys`` in a run, ``beam.Create`` in a test). It applies the
reader inside its own expand and groups its keyed elements together with the keys, so each key's
group says both what this run has and whether it is written. Only Create, Reshuffle, FlatMap and
GroupByKey are used: every runner, Beam's DaskRunner included, has them.
"""

from __future__ import annotations

import apache_beam as beam

from outputs.tablefiles import read_file_column
from outputs.tables import table_files


class WrittenKeys(beam.PTransform):
    """The pipeline's root -> every value of ``column`` in the committed files of ``table`` under
    ``root`` (strings).

    The files are listed when the pipeline is built (a run holds the output directory's lock, so the
    list stays true until it ends); the runner spreads them over its workers, and each file is read for
    that one column only.
    """

    def __init__(self, root: str, table: str, column: str):
        super().__init__()
        self._root, self._table, self._column = root, table, column

    def expand(self, pbegin):
        files = table_files(self._root, self._table)
        return (
            pbegin
            | "ListFiles" >> beam.Create(files, reshuffle=False).with_output_types(str)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadColumn" >> beam.FlatMap(read_file_column, self._column).with_output_types(str)
        )

