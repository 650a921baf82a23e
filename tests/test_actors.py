"""The actor matcher as a pure function: names, case, boundaries, role phrases, dates in office, places,
coreference, and the rows it returns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from schemas.entities import ENTITIES
from transforms.common.document import Sentence
from transforms.entities.matcher import ActorMatcher
from transforms.sentences.split import split_sentences

SEED = Path(__file__).parent.parent / "seeds" / "000_12a811ebe4c5a001.txt"
SEED_DATE = dt.date(2021, 10, 28)


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher.load()


def rows_of(matcher: ActorMatcher, text: str, published: dt.date | None = SEED_DATE) -> list[dict]:
    return matcher.match(text, split_sentences(text), published, article_id="a1")


def found(matcher: ActorMatcher, text: str, published: dt.date | None = SEED_DATE) -> list[tuple[str, str]]:
    """(text as written, actor code or @country for a location) of every mention."""
    return [(r["text"], r["actor_code"] if r["entity_type"] != "LOCATION" else "@" + r["country_code"])
            for r in rows_of(matcher, text, published)]


def row_for(rows: list[dict], written: str) -> dict:
    matches = [r for r in rows if r["text"] == written]
    assert matches, f"no mention {written!r} in {[r['text'] for r in rows]}"
    return matches[0]


# ------------------------------------------------------------------------------------------ the seed


def _seed_rows(matcher: ActorMatcher) -> list[dict]:
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1].strip()
    return rows_of(matcher, body, SEED_DATE)


def test_the_seed_yields_every_required_country(matcher):
    rows = _seed_rows(matcher)
    countries = {r["country_code"] for r in rows if r["entity_type"] == "COUNTRY" and r["role"] is None}
    assert {"CHN", "RUS", "IRN", "PAK", "AFG", "TJK", "TKM", "UZB", "USA", "ARM", "BLR", "KAZ",
            "KGZ"} <= countries


def test_the_seed_yields_its_organizations_officials_groups_and_media(matcher):
    rows = _seed_rows(matcher)
    igos = {(r["text"], r["actor_code"]) for r in rows if r["entity_type"] == "IGO"}
    assert {("United Nations", "IGOUNO"), ("Shanghai Cooperation Organization", "IGOASASCO"),
            ("Collective Treaty Security Organization", "IGOEEUCST"), ("NATO", "IGOWSTNAT")} <= igos
    wang = row_for(rows, "Chinese Foreign Minister Wang Yi")
    assert (wang["entity_type"], wang["name"], wang["actor_code"], wang["role"]) == (
        "PERSON", "Wang Yi", "CHNGOV", "GOV")
    lavrov = row_for(rows, "Russian Foreign Minister Sergey Lavrov")
    assert (lavrov["name"], lavrov["actor_code"]) == ("Sergey Lavrov", "RUSGOV")
    groups = {(r["text"], r["name"]) for r in rows if r["entity_type"] == "GROUP"}
    assert {("Taliban", "Taliban"), ("Islamic State", "Islamic State"), ("ISIS", "Islamic State")} <= groups
    tass = next(r for r in rows if r["entity_type"] == "MEDIA" and "Tass" in r["text"])
    assert (tass["name"], tass["actor_code"]) == ("TASS", "RUSMED")


def test_the_seed_capitals_are_actors_or_a_place(matcher):
    rows = _seed_rows(matcher)
    beijing, moscow = row_for(rows, "Beijing"), [r for r in rows if r["text"] == "Moscow"][-1]
    assert (beijing["entity_type"], beijing["actor_code"], beijing["mention"]) == (
        "COUNTRY", "CHN", "metonym")
    assert (moscow["entity_type"], moscow["actor_code"]) == ("COUNTRY", "RUS")
    tehran = row_for(rows, "Tehran")
    assert (tehran["entity_type"], tehran["country_code"], tehran["actor_code"]) == ("LOCATION", "IRN", None)


def test_the_seed_pronouns_and_surnames_refer_back(matcher):
    rows = _seed_rows(matcher)
    wang = row_for(rows, "Chinese Foreign Minister Wang Yi")
    lavrov = row_for(rows, "Russian Foreign Minister Sergey Lavrov")
    pronouns = [r for r in rows if r["mention"] == "pronoun" and r["text"] in ("He", "She", "he", "she")]
    assert [(r["text"], r["name"], r["antecedent_start"]) for r in pronouns] == [
        ("He", "Wang Yi", wang["char_start"]), ("He", "Sergey Lavrov", lavrov["char_start"])]
    surnames = [(r["text"], r["actor_code"], r["antecedent_start"])
                for r in rows if r["mention"] == "surname"]
    assert surnames == [("Wang", "CHNGOV", wang["char_start"]), ("Lavrov", "RUSGOV", lavrov["char_start"])]


def test_rows_fit_the_entities_table_and_their_offsets(matcher):
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1].strip()
    rows = rows_of(matcher, body)
    table = pa.Table.from_pylist(rows, schema=ENTITIES.schema)
    assert table.num_rows == len(rows) > 40
    assert set(rows[0]) == set(ENTITIES.schema.names)
    assert all(body[r["char_start"]:r["char_end"]] == r["text"] for r in rows)
    assert len({(r["char_start"], r["char_end"]) for r in rows}) == len(rows)
    assert [r["char_start"] for r in rows] == sorted(r["char_start"] for r in rows)
    sentences = split_sentences(body)
    assert all(sentences[r["sentence_index"]].start <= r["char_start"] < r["char_end"]
               <= sentences[r["sentence_index"]].end for r in rows)
    assert {r["article_id"] for r in rows} == {"a1"} and {r["published_date"] for r in rows} == {SEED_DATE}


# ------------------------------------------------------------------------------------------ names and case


def test_case_separates_the_country_from_the_word(matcher):
    assert found(matcher, "The US told us it would help.") == [("US", "USA")]
    assert found(matcher, "The WHO said those who travel must test.") == [("WHO", "IGOUNOWHO")]
    assert found(matcher, "Turkey and china signed a deal.") == [("Turkey", "TUR")]


def test_acronyms_that_are_words_are_skipped_in_capitals(matcher):
    assert found(matcher, "WHAT IS LEFT FOR US NOW IS UNCLEAR.") == []
    assert found(matcher, "IS fighters attacked a base, the US said.") == [
        ("IS fighters", "IMGISI"), ("US", "USA")]


def test_longest_match_wins_and_words_stay_whole(matcher):
    assert found(matcher, "Papua New Guinea and Guinea-Bissau met Guinea.") == [
        ("Papua New Guinea", "PNG"), ("Guinea-Bissau", "GNB"), ("Guinea", "GIN")]
    assert found(matcher, "Nigeria and Niger, South Sudan and Sudan.") == [
        ("Nigeria", "NGA"), ("Niger", "NER"), ("South Sudan", "SSD"), ("Sudan", "SDN")]
    assert found(matcher, "A woman from Romania praised Omani status.") == [
        ("Romania", "ROU"), ("Omani", "OMN")]


def test_phrases_that_hold_a_name_but_are_not_actors(matcher):
    assert found(matcher, "Tensions on the Korean Peninsula worry New Mexico and New Jersey.") == []


def test_spellings_with_and_without_diacritics_and_punctuation(matcher):
    assert found(matcher, "Türkiye, Turkiye, Côte d'Ivoire and Cote d’Ivoire.") == [
        ("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Côte d'Ivoire", "CIV"), ("Cote d’Ivoire", "CIV")]
    assert found(matcher, "The U.S. and the U.K. backed the U.N. plan.") == [
        ("U.S.", "USA"), ("U.K.", "GBR"), ("U.N.", "IGOUNO")]


def test_pycountry_official_names_and_newspaper_names(matcher):
    assert found(matcher, "The Islamic Republic of Iran, Britain and the Ivory Coast.") == [
        ("Islamic Republic of Iran", "IRN"), ("Britain", "GBR"), ("Ivory Coast", "CIV")]


# ------------------------------------------------------------------------------------------ role phrases


@pytest.mark.parametrize(("text", "expected"), [
    ("Pakistani troops crossed the border.", [("Pakistani troops", "PAKMIL")]),
    ("Iranian officials declined to comment.", [("Iranian officials", "IRNGOV")]),
    ("Egyptian police arrested him.", [("Egyptian police", "EGYCOP")]),
    ("Afghan rebels regrouped.", [("Afghan rebels", "AFGREB")]),
    ("Russia's foreign minister spoke.", [("Russia's foreign minister", "RUSGOV")]),
    ("Russia’s top diplomat spoke.", [("Russia’s top diplomat", "RUSGOV")]),
    ("The foreign minister of Pakistan spoke.", [("foreign minister of Pakistan", "PAKGOV")]),
    ("Chinese military officials met.", [("Chinese military officials", "CHNMIL")]),
    ("Indian and Chinese troops clashed.", [("Indian", "INDMIL"), ("Chinese troops", "CHNMIL")]),
    ("Taliban fighters entered the city.", [("Taliban fighters", "AFGGOV")]),
    ("Iran's Revolutionary Guards said so.", [("Iran's Revolutionary Guards", "IRNMIL")]),
    ("A former Pakistani general spoke.", [("Pakistani general", "PAKELI")]),
    ("Afghans and Iranians queued.", [("Afghans", "AFGCVL"), ("Iranians", "IRNCVL")]),
    ("Iranian official media said so.", [("Iranian official media", "IRNMED")]),
    ("The Indian general election and a Chinese press conference.", [("Indian", "IND"), ("Chinese", "CHN")]),
])
def test_role_phrases(matcher, text, expected):
    assert found(matcher, text) == expected


def test_a_name_after_a_title_takes_the_phrase_code(matcher):
    rows = rows_of(matcher, "Afghan Foreign Minister Rangin Dadfar Spanta arrived. Spanta said little.",
                   dt.date(2008, 1, 1))
    spanta = row_for(rows, "Afghan Foreign Minister Rangin Dadfar Spanta")
    assert (spanta["entity_type"], spanta["name"], spanta["actor_code"]) == (
        "PERSON", "Rangin Dadfar Spanta", "AFGGOV")
    later = row_for(rows, "Spanta")
    assert (later["mention"], later["actor_code"], later["antecedent_start"]) == (
        "surname", "AFGGOV", spanta["char_start"])


def test_a_role_noun_alone_is_not_an_actor(matcher):
    assert found(matcher, "Officials said the troops and the police had left.") == []


# ------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(("published", "code"), [
    (dt.date(2020, 5, 1), "PAKGOV"),  # prime minister
    (dt.date(2023, 5, 1), "PAKELI"),  # ousted in April 2022: an elite, not the government
    (None, "PAKGOV"),  # without a date: the latest office listed
])
def test_an_official_is_coded_by_the_office_held_on_the_date(matcher, published, code):
    assert found(matcher, "Imran Khan spoke.", published) == [("Imran Khan", code)]


def test_a_handover_day_has_one_holder(matcher):
    text = "Liz Truss met Rishi Sunak."
    assert found(matcher, text, dt.date(2022, 10, 25)) == [("Liz Truss", "GBRELI"), ("Rishi Sunak", "GBRGOV")]
    assert found(matcher, text, dt.date(2022, 10, 24)) == [("Liz Truss", "GBRGOV"), ("Rishi Sunak", "GBRELI")]


def test_an_official_moving_between_offices_keeps_the_right_code(matcher):
    text = "Ursula von der Leyen spoke."
    assert found(matcher, text, dt.date(2018, 1, 1)) == [("Ursula von der Leyen", "DEUGOVMIL")]
    assert found(matcher, text, dt.date(2019, 9, 1)) == [("Ursula von der Leyen", "DEUELI")]
    assert found(matcher, text, dt.date(2022, 1, 1)) == [("Ursula von der Leyen", "IGOEUREEC")]


def test_former_and_then_titles(matcher):
    assert found(matcher, "Former President Donald Trump spoke.", dt.date(2022, 1, 1)) == [
        ("President Donald Trump", "USAELI")]
    # In office again: "former" describes an earlier office, the man is the government now.
    assert found(matcher, "Former President Dmitry Medvedev spoke.", dt.date(2022, 1, 1)) == [
        ("President Dmitry Medvedev", "RUSGOV")]
    assert found(matcher, "Then-US Secretary of State John Kerry spoke.", dt.date(2022, 1, 1)) == [
        ("US Secretary of State John Kerry", "USAGOV")]


def test_an_armed_group_that_took_power_changes_code_on_that_date(matcher):
    assert found(matcher, "The Taliban said so.", dt.date(2021, 8, 14)) == [("Taliban", "AFGINS")]
    assert found(matcher, "The Taliban said so.", dt.date(2021, 8, 15)) == [("Taliban", "AFGGOV")]


# ------------------------------------------------------------------------------------------ places


@pytest.mark.parametrize(("text", "expected"), [
    ("Beijing and Moscow have pushed for talks.", [("Beijing", "CHN"), ("Moscow", "RUS")]),
    ("The envoys met in Beijing.", [("Beijing", "@CHN")]),
    ("They met in the Iranian capital of Tehran.", [("Iranian", "IRN"), ("Tehran", "@IRN")]),
    ("Lavrov visited Tehran.", [("Lavrov", "RUSGOV"), ("Tehran", "@IRN")]),
    ("Blinken's trip to Riyadh ended.", [("Blinken", "USAGOV"), ("Riyadh", "@SAU")]),
    ("Brussels warned London.", [("Brussels", "IGOEUREEC"), ("London", "GBR")]),
    ("The summit in Brussels ended.", [("Brussels", "@BEL")]),
    ("Fighting spread to Kandahar.", [("Kandahar", "@AFG")]),
    ("MOSCOW, Oct 20 - Russia hosted the talks.", [("MOSCOW", "@RUS"), ("Russia", "RUS")]),
])
def test_capitals_are_places_or_actors(matcher, text, expected):
    assert found(matcher, text, dt.date(2023, 1, 1)) == expected


def test_countries_after_a_locative_word_are_flagged(matcher):
    rows = rows_of(matcher, "The war in Afghanistan worried Pakistan.")
    assert [(r["text"], r["entity_type"], r["locative"]) for r in rows] == [
        ("Afghanistan", "COUNTRY", True), ("Pakistan", "COUNTRY", False)]


# ------------------------------------------------------------------------------------------ coreference


def test_pronouns_take_the_last_person_of_their_gender(matcher):
    text = ("Opposition leader Sviatlana Tsikhanouskaya met Lithuanian Foreign Minister Linas Linkevicius. "
            "She thanked him. He praised her courage.")
    rows = rows_of(matcher, text, dt.date(2020, 8, 12))
    assert [(r["text"], r["actor_code"]) for r in rows if r["mention"] == "pronoun"] == [
        ("She", "BLROPP"), ("He", "LTUGOV")]


def test_a_pronoun_far_from_any_person_stays_unresolved(matcher):
    text = "Sergey Lavrov spoke. China agreed. Iran agreed. Pakistan agreed. He left."
    rows = rows_of(matcher, text)
    assert [r["text"] for r in rows if r["mention"] == "pronoun"] == []


def test_a_surname_inside_another_name_does_not_refer_back(matcher):
    text = "Chinese Foreign Minister Wang Yi spoke. A reporter, Wang Lin, asked. Mr Wang left."
    rows = rows_of(matcher, text, dt.date(2021, 1, 5))
    assert [(r["text"], r["name"]) for r in rows] == [
        ("Chinese Foreign Minister Wang Yi", "Wang Yi"), ("Wang", "Wang Yi")]
    assert rows[-1]["char_start"] == text.index("Wang left")


def test_a_standalone_surname_prefers_the_person_already_named(matcher):
    text = "Serdar Berdimuhamedov opened the plant. Berdimuhamedov praised the workers."
    rows = rows_of(matcher, text, dt.date(2023, 6, 1))
    later = rows[-1]
    assert (later["text"], later["name"], later["antecedent_start"]) == (
        "Berdimuhamedov", "Serdar Berdimuhamedov", 0)


# ------------------------------------------------------------------------------------------ sentences


def test_mentions_outside_the_given_sentences_are_not_reported(matcher):
    text = "China spoke. Russia listened."
    only_first = [Sentence(0, 0, 12, "China spoke.")]
    rows = matcher.match(text, only_first, SEED_DATE)
    assert [(r["text"], r["sentence_index"]) for r in rows] == [("China", 0)]


def test_an_empty_article_has_no_mentions(matcher):
    assert matcher.match("", [], None) == []
