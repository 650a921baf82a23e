"""The ``events`` table: CAMEO-coded events, one per (source, target, code, event date) in an article."""

import pyarrow as pa

from schemas._spec import DATE, TableSpec, column

EVENTS = TableSpec(
    name="events",
    version=5,
    doc="One row per coded event of an article: who did what to whom, when and where, with the sentence "
    "that first says so. An event restated in several sentences is one row (num_mentions counts them).",
    partition_by="event_date",
    key=("event_id",),
    schema=pa.schema(
        [
            column("event_id", pa.string(), "Stable id: hash of article, source, target, code and "
                   "event date.", nullable=False),
            column("article_id", pa.string(), "The article (articles.article_id).", nullable=False),
            column("sentence_index", pa.int32(), "0-based index of the first sentence that reports the "
                   "event; -1 when it was coded from the headline.", nullable=False),
            column("event_date", DATE, "When the event happened: the date expression in its sentence "
                   "nearest the trigger, else the article's local publication day (the partition "
                   "column; never null)."),
            column("event_date_source", pa.string(), "'text' when event_date came from an expression "
                   "in the sentence, 'published' when it is the local publication day, 'fetched' when the "
                   "article had no usable date and it is the day it was fetched (articles.date_flag)."),
            column("event_date_precision", pa.string(), "How precisely event_date is known: 'day' (a day "
                   "expression or the publication date), 'week', 'month' or 'year' (the text gives only "
                   "that much; event_date is then the publication date)."),
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
            column("trigger", pa.string(), "The word that triggered the event (a verb, or an event noun)."),
            column("evidence", pa.string(), "The sentence the event was first coded from."),
            column("rule_id", pa.string(), "Which frame of the lexicon fired (transforms/lexicons/frames/), "
                   "with +intent, +refused or +noun when the mode or the form changed the code."),
            column("confidence", pa.float32(), "0 to 1: how sure the coder is."),
            column("num_mentions", pa.int32(), "How many times the article reports this event (GDELT's "
                   "NumMentions within one article)."),
            column("mention_sentences", pa.list_(pa.int32()), "The sentence indexes of every mention, "
                   "ascending (-1: the headline)."),
            column("published_date", DATE, "The article's publication date."),
            column("coder_version", pa.string(), "The coder and lexicons that coded the event: "
                   "'<communique version>+lex.<hash of the lexicon files under transforms/lexicons>' "
                   "(transforms/events/version.py). Rows coded before a lexicon change and after "
                   "'communique recode' differ here. Null in outputs written before events schema 4."),
            column("source_text", pa.string(), "The source as the article writes it: the entity mention it "
                   "was read from ('China', 'Wang Yi'), or for an actor inferred from context the words it "
                   "was inferred from ('students', 'Lusaka')."),
            column("target_text", pa.string(), "The target as the article writes it; null if no target."),
            column("source_actor_country", pa.string(), "The country block of source_actor ('CHN' of "
                   "CHNGOV; GDELT's Actor1CountryCode); null for an organization (IGO, NGO, IMG)."),
            column("source_actor_role", pa.string(), "The first role block of source_actor after its country "
                   "or organization block ('GOV' of CHNGOV, 'MIL' of RUSMIL, 'BUS' of IGOBUSIMF); null when "
                   "the code has none (a bare country, IGOUNO). Further roles stay in source_actor."),
            column("source_actor_group", pa.string(), "The known group or organization of source_actor "
                   "('UNO' of IGOUNO, 'HRW' of NGOHRIHRW; GDELT's Actor1KnownGroupCode); null when none."),
            column("target_actor_country", pa.string(), "The country block of target_actor (as "
                   "source_actor_country)."),
            column("target_actor_role", pa.string(), "The first role block of target_actor (as "
                   "source_actor_role)."),
            column("target_actor_group", pa.string(), "The known group or organization of target_actor (as "
                   "source_actor_group)."),
            column("base_code", pa.string(), "The three-digit CAMEO base code ('031' of '0311', '043' of "
                   "'043'); a root-level code ('04') stays as it is (GDELT's EventBaseCode)."),
            column("is_root_event", pa.bool_(), "True when the event is first reported in the article's "
                   "lead, the headline or the first sentence (GDELT's IsRootEvent)."),
            column("source_url", pa.string(), "Where the article came from: articles.source_uri (the "
                   "entry's link, or a seed file's path)."),
            column("outlet", pa.string(), "The news outlet: the host of source_url without 'www.' "
                   "('reuters.com'); null for seed files."),
            column("source_entity_start", pa.int32(), "entities.char_start of the mention the source was "
                   "read from; null when the actor was inferred rather than named ('the hospital', a "
                   "place's government). With source_entity_sentence it finds the entities row: join on "
                   "article_id, sentence_index = source_entity_sentence and char_start = "
                   "source_entity_start."),
            column("source_entity_sentence", pa.int32(), "entities.sentence_index of that mention (-1: the "
                   "title, whose offsets index articles.title); null when source_entity_start is."),
            column("target_entity_start", pa.int32(), "entities.char_start of the mention the target was "
                   "read from (as source_entity_start); null when inferred or no target."),
            column("target_entity_sentence", pa.int32(), "entities.sentence_index of that mention (as "
                   "source_entity_sentence)."),
            column("geo_type", pa.string(), "How precise latitude and longitude are: 'city' (a city or "
                   "capital), 'region', or 'country' (the country's centroid: the place is a country, or "
                   "one the gazetteer has no coordinates of its own for); null when the sentence names no "
                   "place the gazetteer knows."),
            column("geonames_id", pa.int64(), "The GeoNames id of the place (the city's, or the country's "
                   "own for a country); null when no gazetteer place or one the gazetteer has only from "
                   "the lexicon (transforms/lexicons/places.csv) with no GeoNames namesake."),
            column("adm1_code", pa.string(), "The place's first-level administrative division as a GeoNames "
                   "admin1 key, '<ISO alpha-2>.<admin1 code>' ('US.CA', 'FR.11'); null for a country or "
                   "region, or when unknown."),
        ]
    ),
)
