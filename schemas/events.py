"""The ``events`` table: CAMEO-coded events, one per (source, target, code) in a sentence."""

import pyarrow as pa

from schemas._spec import DATE, TableSpec, column

EVENTS = TableSpec(
    name="events",
    version=1,
    doc="One row per coded event: who did what to whom, when and where, with the sentence that says so.",
    partition_by="event_date",
    key=("event_id",),
    schema=pa.schema(
        [
            column("event_id", pa.string(), "Stable id: hash of article, sentence, source, target, "
                   "code and trigger span.", nullable=False),
            column("article_id", pa.string(), "The article (articles.article_id).", nullable=False),
            column("sentence_index", pa.int32(), "0-based index of the sentence in the article.",
                   nullable=False),
            column("event_date", DATE, "When the event happened: the date expression in its sentence "
                   "nearest the trigger, else the publication date (the partition column)."),
            column("event_date_source", pa.string(), "'text' when event_date came from an expression "
                   "in the sentence, 'published' when it is the publication date, 'missing' otherwise."),
            column("source_actor", pa.string(), "Actor code of who acted (e.g. CHNGOV)."),
            column("source_country", pa.string(), "ISO alpha-3 (or organization) code of the source."),
            column("target_actor", pa.string(), "Actor code of who was acted upon; null if none."),
            column("target_country", pa.string(), "ISO alpha-3 (or organization) code of the target."),
            column("cameo_code", pa.string(), "CAMEO event code as a string, leading zeros kept "
                   "('043', '0311').", nullable=False),
            column("cameo_root", pa.string(), "The two-digit CAMEO root ('01' to '20').",
                   nullable=False),
            column("quad_class", pa.int8(), "1 verbal cooperation, 2 material cooperation, "
                   "3 verbal conflict, 4 material conflict."),
            column("goldstein", pa.float32(), "Goldstein conflict-cooperation score of the code "
                   "(-10 to +10)."),
            column("plover_type", pa.string(), "The PLOVER event type the CAMEO code maps to."),
            column("location_name", pa.string(), "Where it happened, as a gazetteer name; null if "
                   "the sentence names no place."),
            column("location_country", pa.string(), "ISO alpha-3 code of the location's country."),
            column("latitude", pa.float64(), "Latitude of the location (WGS84)."),
            column("longitude", pa.float64(), "Longitude of the location (WGS84)."),
            column("trigger", pa.string(), "The words that matched the verb pattern."),
            column("evidence", pa.string(), "The sentence the event was coded from."),
            column("rule_id", pa.string(), "Which pattern of the verb lexicon fired."),
            column("confidence", pa.float32(), "0 to 1: how sure the coder is."),
            column("published_date", DATE, "The article's publication date."),
        ]
    ),
)
