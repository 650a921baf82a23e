"""The ``dates`` table: temporal expressions found in the text, resolved to calendar dates."""

import pyarrow as pa

from schemas._spec import DATE, TableSpec, column

DATES = TableSpec(
    name="dates",
    version=3,
    doc="One row per temporal expression in an article's text ('on Wednesday', 'March 3', 'last week'), "
    "resolved against the article's local publication day (articles.published_at shifted by "
    "published_utc_offset_minutes); relative expressions in an article dated by its fetch time are not "
    "resolved.",
    partition_by="published_date",
    key=("article_id", "char_start", "char_end"),
    schema=pa.schema(
        [
            column("article_id", pa.string(), "The article (articles.article_id).", nullable=False),
            column("sentence_index", pa.int32(), "0-based index of the sentence holding the expression.",
                   nullable=False),
            column("char_start", pa.int32(), "Start offset of the expression in articles.text.",
                   nullable=False),
            column("char_end", pa.int32(), "End offset (exclusive) in articles.text.", nullable=False),
            column("text", pa.string(), "The expression as written.", nullable=False),
            column("resolved_date", DATE, "The calendar date it refers to (first day of the week, "
                   "month or year for coarser granularities)."),
            column("granularity", pa.string(), "The precision of resolved_date: day, week, month or year "
                   "('on Monday' is day, 'earlier this month' month, 'last week' week, 'in 2019' year; "
                   "transforms.dates.resolve.date_precision reads it)."),
            column("resolution", pa.string(), "absolute (the text names the date), relative (resolved "
                   "against the publication date) or anchored (counted from the nearest day named earlier "
                   "in the text, else the publication date: 'the next day', 'hours later', 'a day after')."),
            column("published_date", DATE, "The article's UTC publication date (articles.published_date, "
                   "the partition column); relative expressions were resolved against its local day, "
                   "which can be a day later or earlier."),
        ]
    ),
)
