"""The ``rejects`` table: every input item or record that could not be used, with why."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

REJECTS = TableSpec(
    name="rejects",
    version=2,
    doc="One row per item that a run could not use, with a stable reason code "
    "(see transforms/common/rejects.py REASONS) and a sentence a person can act on. A reject is an "
    "event of its run: an input that fails on every run (a dead feed) has a row in every run.",
    partition_by="rejected_date",
    key=("reject_id",),
    schema=pa.schema(
        [
            column("reject_id", pa.string(), "Hash of run_id, source_uri, stage, reason, excerpt and the "
                   "item's occurrence among the run's identical rejects: each rejected item of each run "
                   "is its own row, and a rerun of the same run id writes none twice.", nullable=False),
            column("run_id", pa.string(), "The run that rejected it.", nullable=False),
            column("source_uri", pa.string(), "The seed file, feed or entry link at fault."),
            column("stage", pa.string(), "The pipeline stage that rejected it (sources, normalize, ...).",
                   nullable=False),
            column("reason", pa.string(), "Short stable code, e.g. unreadable_file, feed_unparseable.",
                   nullable=False),
            column("detail", pa.string(), "What went wrong and what to do about it.", nullable=False),
            column("raw_excerpt", pa.string(), "Up to 500 characters of the offending input."),
            column("rejected_at", TIMESTAMP, "When the run that rejected it started (UTC).",
                   nullable=False),
            column("rejected_date", DATE, "UTC date of rejected_at (the partition column)."),
        ]
    ),
)
