"""The ``rejects`` table: every input item or record that could not be used, with why."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

REJECTS = TableSpec(
    name="rejects",
    version=1,
    doc="One row per item that did not make it into the output tables, with a stable reason code "
    "(see transforms/common/rejects.py REASONS) and a sentence a person can act on.",
    partition_by="rejected_date",
    key=("reject_id",),
    schema=pa.schema(
        [
            column("reject_id", pa.string(), "Stable id: hash of source_uri, stage, reason and excerpt, "
                   "so the same bad input is recorded once across runs.", nullable=False),
            column("run_id", pa.string(), "The run that first recorded it.", nullable=False),
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
