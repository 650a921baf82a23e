"""The ``event_daily`` table: the events table counted GDELT-style, one row per day, actor pair and code."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

EVENT_DAILY = TableSpec(
    name="event_daily",
    version=1,
    doc="One row per (event_date, source_actor, target_actor, cameo_code): how often the same event was "
    "reported. Rebuilt from the events table after every run (outputs/event_daily.py), so it "
    "always equals a GROUP BY over events.",
    partition_by="event_date",
    key=("event_date", "source_actor", "target_actor", "cameo_code"),
    schema=pa.schema(
        [
            column("event_date", DATE, "The day of the events (events.event_date; the partition column)."),
            column("source_actor", pa.string(), "Actor code of who acted (events.source_actor)."),
            column("target_actor", pa.string(), "Actor code of who was acted upon; null if none."),
            column("cameo_code", pa.string(), "CAMEO event code, leading zeros kept.", nullable=False),
            column("cameo_root", pa.string(), "The two-digit CAMEO root of cameo_code.", nullable=False),
            column("quad_class", pa.int8(), "1 verbal cooperation, 2 material cooperation, 3 verbal "
                   "conflict, 4 material conflict."),
            column("goldstein", pa.float32(), "Goldstein score of cameo_code (-10 to +10)."),
            column("num_mentions", pa.int64(), "Number of event rows (mentions in sentences) behind this "
                   "row.", nullable=False),
            column("num_articles", pa.int64(), "Number of distinct articles that report it.", nullable=False),
            column("num_sources", pa.int64(), "Number of distinct sources reporting it: the host of the "
                   "article link, else its feed, else its source kind ('seed').", nullable=False),
            column("first_seen", TIMESTAMP, "Earliest publication time (else ingestion time) of those "
                   "articles (UTC)."),
            column("last_seen", TIMESTAMP, "Latest publication time (else ingestion time) of those "
                   "articles (UTC)."),
            column("event_ids", pa.list_(pa.string()), "The events.event_id values counted here, sorted."),
        ]
    ),
)
