"""The actor lexicon files: they load, they are consistent, and a broken file fails with a message that
names the file, the line and the fix."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.resources
import io
import itertools

import pycountry
import pytest

from transforms.entities.lexicon import (
    COUNTRY,
    ORG,
    PERSON,
    ActorLexicon,
    LexiconError,
    split_code,
)

ROOT = importlib.resources.files("transforms") / "lexicons" / "actors"


def _files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8")
            for p in ROOT.iterdir() if p.name.endswith((".csv", ".yaml"))}


def _csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_files()[name])))


def test_the_lexicon_loads_and_every_country_code_is_iso_or_documented():
    lexicon = ActorLexicon.load()
    iso = {c.alpha_3 for c in pycountry.countries}
    assert set(lexicon.countries) - iso == {"XKX"}  # Kosovo has no ISO code; XKX is the documented stand-in
    assert len(lexicon.countries) >= 193


def test_every_place_organization_and_official_points_at_a_known_country():
    lexicon = ActorLexicon.load()
    known = set(lexicon.countries) | {"IGO", "NGO", "IMG"}
    for row in _csv_rows("places.csv"):
        assert row["country"] in lexicon.countries, row
    for name in ("igos.csv", "ngos.csv", "groups.csv", "media.csv", "institutions.csv"):
        for row in _csv_rows(name):
            if name == "igos.csv":
                # An IGO's country_code is its own token (UNO, EUR, NATO, AFU, ...), never a country's.
                token = row["country_code"]
                assert row["actor_code"].startswith("IGO"), row
                assert token.isalnum() and token.isupper() and token not in lexicon.countries, row
                continue
            assert row["country_code"] in known, (name, row)
            assert row["actor_code"].startswith(row["country_code"]), (name, row)
    for row in _csv_rows("officials.csv"):
        country, role = split_code(row["actor_code"])
        assert country in known and row["nationality"] in lexicon.countries, row
        assert role is None or len(role) in (3, 6), row


def test_officials_of_the_g20_the_permanent_five_and_the_seed_countries_are_listed():
    names = {(row["nationality"], row["office"]) for row in _csv_rows("officials.csv")}
    countries = {n for n, _ in names}
    g20 = {"ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS",
           "SAU", "ZAF", "TUR", "GBR", "USA"}
    seed = {"IRN", "PAK", "AFG", "TJK", "TKM", "UZB", "ARM", "BLR", "KAZ", "KGZ"}
    assert g20 | seed <= countries
    for country in ("USA", "RUS", "CHN", "GBR", "FRA"):
        offices = {o for n, o in names if n == country}
        assert any("foreign" in o or "secretary of state" in o for o in offices), country
        assert any("defen" in o or "armed forces" in o for o in offices), country


def test_terms_of_one_official_do_not_overlap():
    by_name: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for row in _csv_rows("officials.csv"):
        start = dt.date.fromisoformat(row["start"])
        end = dt.date.fromisoformat(row["end"]) if row["end"] else dt.date.max
        by_name.setdefault(row["name"], []).append((start, end))
    for name, terms in by_name.items():
        terms.sort()
        for (_, first_end), (second_start, _) in itertools.pairwise(terms):
            assert first_end <= second_start, name


def test_a_surface_form_has_its_meanings_in_priority_order():
    forms = ActorLexicon.load().forms
    assert [t.kind for t in forms["US"]] == [COUNTRY, "adjective"]
    assert forms["Taliban"][0].kind == ORG
    assert forms["Putin"][0].kind == PERSON and forms["Putin"][0].surname_only
    assert [p.name for p in forms["Berdimuhamedov"][0].persons] == [
        "Gurbanguly Berdimuhamedov", "Serdar Berdimuhamedov"]
    assert forms["Congo"][0].code == "COD"  # the newspaper sense beats pycountry's "Congo" (COG)


def _broken(name: str, old: str, new: str) -> dict[str, str]:
    files = _files()
    assert old in files[name]
    files[name] = files[name].replace(old, new, 1)
    return files


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("countries.csv", "AFG,Afghanistan", "afg,Afghanistan", "countries.csv line 2: 'afg' is not a 3 letter"),
    ("places.csv", "Kabul,AFG,capital", "Kabul,XYZ,capital", "country XYZ is not in countries.csv"),
    ("places.csv", "Kabul,AFG,capital", "Kabul,AFG,village", "kind 'village' must be one of"),
    ("officials.csv", "2004-03-09", "2004-13-09", "'2004-13-09' is not a date; write YYYY-MM-DD"),
    ("officials.csv", "Barack Obama,,Obama,M,USA,USAGOV,president,2009-01-20,2017-01-20",
     "Barack Obama,,Obama,M,USA,USAGOV,president,2019-01-20,2017-01-20",
     "ends (2017-01-20) before it starts"),
    ("roles.csv", "troops,MIL,group", "troops,MIL,crowd", "kind 'crowd' must be one of"),
    ("media.csv", "Reuters,,GBRMED", "Reuters,Xinhua,GBRMED", "already means"),
    ("rules.yaml", "pronoun_window: 2", "pronoun_window: two", "'pronoun_window' must be a whole number"),
    ("rules.yaml", "  He: M", "  He: X", "'pronouns' must map each pronoun to M or F"),
])
def test_a_broken_file_fails_with_a_message_naming_it(name, old, new, message):
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ActorLexicon.from_texts(_broken(name, old, new))


def test_a_missing_file_or_column_is_named():
    files = _files()
    del files["roles.csv"]
    with pytest.raises(LexiconError, match=r"roles\.csv is missing"):
        ActorLexicon.from_texts(files)
    with pytest.raises(LexiconError, match=r"places.csv: header lacks the columns \['metonym'\]"):
        ActorLexicon.from_texts(_broken("places.csv", "name,country,kind,aliases,metonym",
                                        "name,country,kind,aliases,metonyms"))
