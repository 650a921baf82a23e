"""The ``runs`` table: one row per pipeline run."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

RUNS = TableSpec(
    name="runs",
    version=2,
    doc="One row per run of `communique run` or `communique recode`: its options, timing and what it "
    "read and wrote.",
    partition_by="run_date",
    key=("run_id", "started_at"),
    schema=pa.schema(
        [
            column("run_id", pa.string(), "Hash of the run's options and start time.", nullable=False),
            column("started_at", TIMESTAMP, "When the run started (UTC).", nullable=False),
            column("finished_at", TIMESTAMP, "When the run committed its output (UTC)."),
            column("elapsed_s", pa.float64(), "Wall-clock seconds from start to commit."),
            column("options", pa.string(), "The run's options as a JSON object."),
            column("communique_version", pa.string(), "The communique version that ran."),
            column("items_read", pa.int64(), "Seed files plus feed entries read."),
            column("duplicates", pa.int64(), "Items skipped because the article was already written "
                   "(earlier run or another feed)."),
            column("rows_written", pa.string(), "JSON object: table name -> rows this run added."),
            column("rejects_by_reason", pa.string(), "JSON object: reject reason -> this run's rejects "
                   "(its rows in rejects)."),
            column("exit_status", pa.string(), "'ok', 'ok_with_rejects' (the run rejected items or a feed "
                   "failed: exit code 3) or 'failed'."),
            column("coder_version", pa.string(), "The coder and lexicons it coded events with (as "
                   "events.coder_version). Null in outputs written before runs schema 2."),
            column("run_date", DATE, "UTC date of started_at (the partition column)."),
        ]
    ),
)
