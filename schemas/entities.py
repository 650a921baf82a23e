"""The ``entities`` table: one row per actor or place mention."""

import pyarrow as pa

from schemas._spec import DATE, TableSpec, column

ENTITIES = TableSpec(
    name="entities",
    version=3,
    doc="One row per mention of a country, person, organization, group, medium or location in an "
    "article's text.",
    partition_by="published_date",
    key=("article_id", "sentence_index", "char_start", "char_end"),
    schema=pa.schema(
        [
            column("article_id", pa.string(), "The article (articles.article_id).", nullable=False),
            column("sentence_index", pa.int32(), "0-based index of the sentence holding the mention; -1 for "
                   "a mention in the title (char_start and char_end then index articles.title).",
                   nullable=False),
            column("char_start", pa.int32(), "Start offset of the mention in articles.text.",
                   nullable=False),
            column("char_end", pa.int32(), "End offset (exclusive) of the mention in articles.text.",
                   nullable=False),
            column("text", pa.string(), "The mention as written: articles.text[char_start:char_end].",
                   nullable=False),
            column("entity_type", pa.string(), "COUNTRY, PERSON, IGO, ORG, GROUP, MEDIA or LOCATION.",
                   nullable=False),
            column("name", pa.string(), "Canonical name of the entity (e.g. 'Wang Yi', 'China')."),
            column("actor_code", pa.string(), "CAMEO-style actor code: country or organization code "
                   "followed by a role code, e.g. CHNGOV, RUSMIL, IGOUNO, AFGINS (see "
                   "transforms/lexicons/actors/README.md); null for LOCATION rows and for named things "
                   "that are no actor (market indices, festivals: ORG rows with a country)."),
            column("country_code", pa.string(), "ISO 3166-1 alpha-3 code of the entity's country (for a "
                   "LOCATION, the country it lies in; XKX for Kosovo); for an intergovernmental "
                   "organization, its people and missions, the organization's own token (UNO, EUR, NATO, "
                   "AFU, ASEAN, IAEA, WHO, OPEC, ...: igos.csv); NGO or IMG (international militarized "
                   "group) for other organizations that belong to no country."),
            column("role", pa.string(), "Role code: GOV, MIL, GOVMIL (defence ministries and ministers), "
                   "COP, REB, INS, OPP, MED, JUD, BUS, CVL, LEG, SPY, ELI (a person out of office on the "
                   "article's date), ... ; null for a bare country, a place or an organization's own code "
                   "(IGOUNO)."),
            column("mention", pa.string(), "How the entity is named here: name, adjective ('Chinese'), "
                   "demonym ('Afghans'), metonym (a capital or seat standing for its government: 'Beijing "
                   "has pushed'), place (a LOCATION), role_phrase ('Pakistani troops'), person_name, surname "
                   "(a bare surname), pronoun ('He', 'it', 'they'), reference (a noun referring back: 'the "
                   "ministry', 'the bloc', 'the group'; the row spans the noun)."),
            column("locative", pa.bool_(), "True when the mention follows a locative word ('in', 'at', "
                   "'visited', 'trip to'): the place where something happened rather than an actor. Always "
                   "true for LOCATION rows."),
            column("antecedent_start", pa.int32(), "For surname, pronoun and reference mentions: char_start "
                   "of the mention of the actor they refer back to; null otherwise."),
            column("published_date", DATE, "The article's publication date (the partition column)."),
        ]
    ),
)
