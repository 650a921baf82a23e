"""The ``articles`` table: one row per distinct article."""

import pyarrow as pa

from schemas._spec import DATE, TIMESTAMP, TableSpec, column

ARTICLES = TableSpec(
    name="articles",
    version=2,
    doc="One row per distinct article read from a seed file or a feed entry. Duplicates across feeds "
    "and runs are written once.",
    partition_by="published_date",
    key=("article_id",),
    schema=pa.schema(
        [
            column("article_id", pa.string(), "Stable id: hash of the canonical entry link for feed "
                   "entries (of guid + feed when there is no link), of the content for seed files.",
                   nullable=False),
            column("source_uri", pa.string(), "Seed file path relative to the seeds directory, or the "
                   "canonical link of the feed entry.", nullable=False),
            column("feed_uri", pa.string(), "The feed the entry came from; null for seed files."),
            column("source_kind", pa.string(), "'seed' for a seed file, 'feed' for a feed entry."),
            column("title", pa.string(), "Headline: a seed file's first line, a feed entry's title."),
            column("text", pa.string(), "Plain article text (HTML removed, whitespace normalized). All "
                   "char offsets in other tables index into this string.", nullable=False),
            column("text_source", pa.string(), "Where the text came from: 'body' (seed file), "
                   "'content' or 'summary' (feed entry), 'page' (fetched article page)."),
            column("published_at", TIMESTAMP, "Publication time in UTC. Never null: without a usable "
                   "date from the source it is the time the item was fetched (date_source 'fetched')."),
            column("published_date", DATE, "UTC calendar date of published_at (the partition column; "
                   "never null). The article's local day, which relative dates in its text are "
                   "resolved against, can differ: see published_utc_offset_minutes."),
            column("published_utc_offset_minutes", pa.int16(), "The UTC offset the source gave its date "
                   "in, in minutes (+540 for +09:00); published_at + this offset is the local time. Null "
                   "when the source named no zone (UTC is assumed) or gave no usable date."),
            column("published_raw", pa.string(), "The date string as the source gave it, before parsing."),
            column("date_source", pa.string(), "Where published_at came from: 'seed_header', "
                   "'published', 'updated', 'feed_date' (the feed's own date), or 'fetched' (no usable "
                   "date: the time the item was fetched, i.e. the run's start; date_flag says why)."),
            column("date_flag", pa.string(), "Null when the date is plausible and complete. 'assumed_utc': "
                   "a time of day without a time zone, taken as UTC. 'future': more than a day after the "
                   "run started, kept. With date_source 'fetched': 'missing' (the source gave no date), "
                   "'unparseable' (a date string nobody could read, see published_raw) or 'implausible' "
                   "(a year outside 1900 to the year after the run)."),
            column("language", pa.string(), "Language code (ISO 639-1) detected from the text's "
                   "function words (en, fr, es, de, pt, it, ru); when the text is too short or in another "
                   "language to tell, the feed's declared language; 'und' when neither says."),
            column("content_hash", pa.string(), "SHA-256 of title + text, to notice changed content.",
                   nullable=False),
            column("num_sentences", pa.int32(), "Number of sentences the splitter found in text (a "
                   "run of more than 2,000 characters without a sentence end counts as the pieces it was cut "
                   "into, MAX_SENTENCE_CHARS)."),
            column("ingested_at", TIMESTAMP, "When the run that wrote this row started (UTC).",
                   nullable=False),
            column("run_id", pa.string(), "The run that wrote this row (see the runs table).",
                   nullable=False),
            column("text_chars_dropped", pa.int64(), "Characters cut off because the article was longer "
                   "than one article may carry: of the text beyond 200,000 (MAX_ARTICLE_CHARS) and of the "
                   "title beyond 1,000 (MAX_TITLE_CHARS); 0 when all of both is kept. A cut article also "
                   "has a 'text_truncated' reject."),
            column("annotation_skipped", pa.string(), "Null when every stage ran; 'not_english' when "
                   "language is known and not English, so the English-only stages (dates, entities, "
                   "events) were skipped: the article has sentences but no rows in those tables."),
            column("events_dropped", pa.int32(), "Events the coder found beyond the bounds (at most 60 "
                   "per sentence and 500 per article, transforms/events/bounds.py) and dropped; 0 when none, "
                   "null when the events stage did not run. A capped article also has an 'events_capped' "
                   "reject."),
        ]
    ),
)
