"""How a table is declared: a pyarrow schema whose every field carries its documentation."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")
DATE = pa.date32()
DOC_KEY = b"doc"


def column(name: str, type_: pa.DataType, doc: str, *, nullable: bool = True) -> pa.Field:
    """A field with its documentation in the field metadata (``b"doc"``), so it travels into Parquet."""
    return pa.field(name, type_, nullable=nullable, metadata={DOC_KEY: doc.encode("utf-8")})


@dataclasses.dataclass(frozen=True)
class TableSpec:
    """One output table.

    ``partition_by`` is the Hive partition column (a ``date32`` column in ``schema``; files live under
    ``<table>/<partition_by>=YYYY-MM-DD/``). ``key`` names the columns that identify a row; re-runs skip
    rows whose key is already written. ``version`` is bumped on any change a reader could notice.
    """

    name: str
    version: int
    doc: str
    schema: pa.Schema
    partition_by: str
    key: tuple[str, ...]

    def __post_init__(self) -> None:
        names = set(self.schema.names)
        missing = [c for c in (self.partition_by, *self.key) if c not in names]
        if missing:
            raise ValueError(f"table {self.name}: columns {missing} are not in its schema")
        for field in self.schema:
            if not field.metadata or not field.metadata.get(DOC_KEY):
                raise ValueError(f"table {self.name}: column {field.name} has no documentation")

    @property
    def file_schema(self) -> pa.Schema:
        """The schema inside each Parquet file: the partition column lives in the directory name."""
        index = self.schema.get_field_index(self.partition_by)
        return self.schema.remove(index).with_metadata(
            {b"communique.table": self.name.encode(), b"communique.version": str(self.version).encode()}
        )

    def doc_of(self, column_name: str) -> str:
        return self.schema.field(column_name).metadata[DOC_KEY].decode("utf-8")
