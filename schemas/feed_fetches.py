"""The ``feed_fetches`` table: one row per feed per run."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

FEED_FETCHES = TableSpec(
    name="feed_fetches",
    version=2,
    doc="One row per feed per run: what the fetch returned and what came of its entries.",
    partition_by="fetched_date",
    key=("run_id", "feed_uri"),
    schema=pa.schema(
        [
            column("run_id", pa.string(), "The run that fetched the feed.", nullable=False),
            column("feed_uri", pa.string(), "The feed as configured (URL or local path).",
                   nullable=False),
            column("final_uri", pa.string(), "The URL after redirects."),
            column("moved_to", pa.string(), "Where the feed moved when every redirect was permanent "
                   "(301/308) and the new address gave a feed; later runs fetch it there."),
            column("http_status", pa.int32(), "HTTP status of the final response; null for local files "
                   "and network errors."),
            column("bytes", pa.int64(), "Body size in bytes as received (after decompression)."),
            column("entries_seen", pa.int32(), "Entries in the feed."),
            column("entries_new", pa.int32(), "Entries that became new articles."),
            column("duplicates", pa.int32(), "Entries already written or seen in another feed."),
            column("rejects", pa.int32(), "Entries rejected (see rejects table)."),
            column("entries_deferred", pa.int32(), "Entries left for the next run because the run's page "
                   "budget or deadline (--fetch-articles) ran out; counted among rejects too. The feed's "
                   "validators are then not stored, so the next run reads it in full again."),
            column("not_modified", pa.bool_(), "True when the server answered 304 Not Modified."),
            column("error_code", pa.string(), "Short code of the failure, null on success."),
            column("error_message", pa.string(), "What went wrong, for a person."),
            column("etag", pa.string(), "ETag the server sent (stored for the next conditional GET)."),
            column("last_modified", pa.string(), "Last-Modified the server sent."),
            column("fetched_at", TIMESTAMP, "When the fetch started (UTC).", nullable=False),
            column("elapsed_ms", pa.int64(), "Milliseconds the fetch took, retries included."),
            column("fetched_date", DATE, "UTC date of fetched_at (the partition column)."),
        ]
    ),
)
