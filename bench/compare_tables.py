"""Compare two output directories table by table, row for row: did a change alter what a run writes?

    python bench/compare_tables.py OUT_A OUT_B [--ignore-column TABLE.COLUMN ...]

Each table is read whole through DuckDB (its committed files, partition column included), its rows sorted
by every comparable column, and the two sides compared for equality. Columns that say when or as which
run a row was written differ from run to run by design and are left out: every column of ``runs`` but
its row count, and the ``run_id`` / ``ingested_at`` / ``fetched_at`` / ``rejected_at`` style columns
listed in ``RUN_TIME_COLUMNS``. Give both runs the same ``--run-timestamp`` and the same ``--output`` path
(run, then move the directory aside) and their run ids and timestamps match too.
Prints one line per table (equal / DIFFERENT, with row counts) and exits 1 when any table differs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.commands.logs import configure_logging

configure_logging()  # before Beam is imported (through outputs)

import pyarrow as pa  # noqa: E402

from outputs.sql import connect  # noqa: E402
from schemas import TABLES  # noqa: E402

# Columns that record the run rather than the data: they differ between two runs of the same input.
RUN_TIME_COLUMNS = {
    "runs": None,  # only the number of rows is compared
    "feed_fetches": {"fetched_at", "elapsed_ms"},
}


def _comparable(table: pa.Table) -> pa.Table:
    """``table`` with its nested columns as text, so rows sort and compare as plain values."""
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_nested(column.type):
            column = pa.array([None if value is None else repr(value) for value in column.to_pylist()],
                              pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def load(output_dir: str, table: str, ignored: set[str]) -> pa.Table:
    """The rows of ``table`` without the ``ignored`` columns, sorted; with none left, one count column."""
    connection = connect(output_dir)
    connection.execute("SET TimeZone = 'UTC'")
    rows = connection.sql(f"SELECT * FROM {table}").to_arrow_table()
    keep = [name for name in rows.column_names if name not in ignored]
    if not keep:
        return pa.table({"rows": [rows.num_rows]})
    rows = _comparable(rows.select(keep))
    return rows.sort_by([(name, "ascending") for name in rows.column_names])


def compare(output_a: str, output_b: str, extra_ignored: dict[str, set[str]]) -> list[tuple[str, bool, str]]:
    results = []
    for table in TABLES:
        ignored = RUN_TIME_COLUMNS.get(table, set())
        if ignored is None:
            ignored = set(TABLES[table].schema.names)
        ignored = ignored | extra_ignored.get(table, set())
        side_a, side_b = load(output_a, table, ignored), load(output_b, table, ignored)
        same = side_a.num_rows == side_b.num_rows and side_a.equals(side_b)
        count_only = ignored >= set(TABLES[table].schema.names)
        count_a, count_b = ((side_a.column("rows")[0].as_py(), side_b.column("rows")[0].as_py()) if count_only
                            else (side_a.num_rows, side_b.num_rows))
        detail = f"{count_a:,} rows vs {count_b:,}"
        if not same and side_a.num_rows == side_b.num_rows:
            differing = [name for name in side_a.column_names
                         if not side_a.column(name).equals(side_b.column(name))]
            detail += f"; columns differing after sorting: {', '.join(differing)}"
        compared = "row count only" if count_only else f"{len(side_a.column_names)} columns compared"
        results.append((table, same, f"{detail} ({compared})"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_a")
    parser.add_argument("output_b")
    parser.add_argument("--ignore-column", metavar="TABLE.COLUMN", action="append", default=[],
                        help="leave this column out of the comparison too (repeatable)")
    args = parser.parse_args(argv)
    extra: dict[str, set[str]] = {}
    for item in args.ignore_column:
        table, _, column = item.partition(".")
        extra.setdefault(table, set()).add(column)
    results = compare(args.output_a, args.output_b, extra)
    for table, same, detail in results:
        print(f"{table:<13} {'equal' if same else 'DIFFERENT':<9} {detail}")
    return 0 if all(same for _, same, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
