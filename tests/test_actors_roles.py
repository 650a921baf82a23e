"""Actors beyond the name lists: organizations' own country tokens, defence ministries, companies, named
things with no actor, persons introduced by a title or an apposition, and references back ("the
ministry", "the bloc"). Every sentence here was written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.entities.matcher import ActorMatcher
from transforms.sentences.split import split_sentences

DAY = dt.date(2024, 3, 5)


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher.load()


def rows_of(matcher: ActorMatcher, text: str, published: dt.date | None = DAY) -> list[dict]:
    return matcher.match(text, split_sentences(text), published, article_id="t")


def coded(matcher: ActorMatcher, text: str, published: dt.date | None = DAY) -> list[tuple]:
    return [(r["text"], r["actor_code"], r["country_code"]) for r in rows_of(matcher, text, published)]


# ------------------------------------------------------------------------------------------ organizations


def test_an_igo_carries_its_own_token_as_country(matcher):
    rows = coded(matcher, "The European Union and NATO met ASEAN and the World Food Programme in Geneva.")
    assert rows[:4] == [("European Union", "IGOEUREEC", "EUR"), ("NATO", "IGOWSTNAT", "NATO"),
                        ("ASEAN", "IGOSEAASN", "ASEAN"), ("World Food Programme", "IGOUNOWFP", "UNO")]
    assert coded(matcher, "Brussels criticised the decision.") == [("Brussels", "IGOEUREEC", "EUR")]


def test_missions_of_an_igo_take_its_code(matcher):
    assert coded(matcher, "MINUSCA said a convoy was hit.") == [("MINUSCA", "IGOUNO", "UNO")]
    assert coded(matcher, "Ships of the Aspides mission escorted the tanker.") == [
        ("Aspides", "IGOEUREEC", "EUR")]


def test_a_national_security_council_is_not_the_un(matcher):
    assert coded(matcher, "The National Security Council met on Friday.") == []
    assert coded(matcher, "The Security Council met on Friday.") == [("Security Council", "IGOUNO", "UNO")]


def test_named_armed_groups_follow_the_conventions(matcher):
    assert coded(matcher, "Islamic State Khorasan claimed the bombing.") == [
        ("Islamic State Khorasan", "AFGINS", "AFG")]
    assert coded(matcher, "The ADF and the FDLR operate in the east.") == [
        ("ADF", "UGAREB", "UGA"), ("FDLR", "RWAREB", "RWA")]


def test_defence_ministries_and_ministers_are_government_and_military(matcher):
    assert coded(matcher, "Japan's defence ministry said jets were scrambled.") == [
        ("Japan's defence ministry", "JPNGOVMIL", "JPN")]
    rows = rows_of(matcher, "Ursula von der Leyen spoke.", dt.date(2018, 1, 1))
    assert (rows[0]["actor_code"], rows[0]["role"]) == ("DEUGOVMIL", "GOVMIL")


def test_border_and_coast_guards_are_military(matcher):
    assert coded(matcher, "Polish border guards and the Greek coast guard were deployed.") == [
        ("Polish border guards", "POLMIL", "POL"), ("Greek coast guard", "GRCMIL", "GRC")]


def test_companies_are_business_and_indices_have_no_actor(matcher):
    assert coded(matcher, "ExxonMobil and Petrobras bid for the block.") == [
        ("ExxonMobil", "USABUS", "USA"), ("Petrobras", "BRABUS", "BRA")]
    assert coded(matcher, "The Nasdaq fell and Tokyo's Nikkei rose.") == [
        ("Nasdaq", None, "USA"), ("Tokyo's Nikkei", None, "JPN")]


# ------------------------------------------------------------------------------------------ persons


def test_a_titled_name_with_a_country_adjective_and_an_al_particle(matcher):
    rows = coded(matcher, "Moroccan Interior Minister Karim al-Fassi visited the port.")
    assert rows == [("Moroccan Interior Minister Karim al-Fassi", "MARGOV", "MAR")]


def test_a_title_without_a_country_takes_the_dateline_country(matcher):
    text = ("ACCRA — Ghana's cabinet met on Monday. Interior Minister Kofi Mensah Boateng said 40 people "
            "were held. Boateng added that the curfew would stay.")
    rows = rows_of(matcher, text)
    person = next(r for r in rows if r["text"] == "Interior Minister Kofi Mensah Boateng")
    assert (person["entity_type"], person["actor_code"]) == ("PERSON", "GHAGOV")
    later = [r for r in rows if r["text"] == "Boateng"]
    assert [(r["actor_code"], r["antecedent_start"]) for r in later] == [("GHAGOV", person["char_start"])]


def test_without_a_dateline_the_most_named_country_is_home(matcher):
    text = "Chile's senate debated the bill. Chilean lawmakers were split. Police Chief Ana Maria Soto spoke."
    assert ("Police Chief Ana Maria Soto", "CHLCOP", "CHL") in coded(matcher, text)


def test_appositions_after_a_title_name_the_person(matcher):
    text = "Tunisia's foreign minister, Youssef Ben Salah, rejected the claim."
    assert coded(matcher, text) == [("Tunisia's foreign minister, Youssef Ben Salah", "TUNGOV", "TUN")]
    text = "LUSAKA — The government spokesman, Colonel Peter Banda, said troops had withdrawn."
    assert ("government spokesman, Colonel Peter Banda", "ZMBGOV", "ZMB") in coded(matcher, text)


def test_a_name_before_its_title_joins_it(matcher):
    text = "Maria Lopes, the Brazilian special envoy for the talks, arrived late."
    rows = rows_of(matcher, text)
    assert [(r["text"], r["entity_type"], r["actor_code"]) for r in rows] == [
        ("Maria Lopes, the Brazilian special envoy", "PERSON", "BRAGOV")]
    assert rows[0]["name"] == "Maria Lopes"


def test_a_title_alone_or_before_a_single_word_makes_no_person(matcher):
    assert coded(matcher, "The president said the talks failed.") == []
    assert coded(matcher, "PARIS — The minister Smith resigned.") == [("PARIS", None, "FRA")]


# ------------------------------------------------------------------------------------------ references


def references(matcher: ActorMatcher, text: str) -> list[tuple]:
    rows = rows_of(matcher, text)
    by_start = {r["char_start"]: r for r in rows}
    return [(r["text"], r["mention"], r["actor_code"], by_start[r["antecedent_start"]]["text"])
            for r in rows if r["mention"] in ("reference", "pronoun")]


def test_the_ministry_and_the_bloc_refer_to_the_last_fitting_actor(matcher):
    text = ("Kenya's interior ministry said 40 people were held. The ministry added that a curfew would "
            "follow. The African Union urged calm, and the bloc sent observers.")
    assert references(matcher, text) == [
        ("ministry", "reference", "KENGOV", "Kenya's interior ministry"),
        ("bloc", "reference", "IGOAFRAFU", "African Union")]


def test_the_bloc_after_a_person_speaking_for_it_is_that_organization(matcher):
    text = "The European Union's foreign policy chief, Josep Borrell, said the bloc would act."
    assert [(r[0], r[2]) for r in references(matcher, text)] == [("bloc", "IGOEUREEC")]


def test_the_north_is_the_state_named_for_it_however_far_back(matcher):
    text = ("North Korea fired two missiles on Monday. Seoul held talks with Tokyo. Washington sent an "
            "envoy. The allies urged the North to stop. Farmers in the north of the country planted rice.")
    assert [(r[0], r[2]) for r in references(matcher, text)] == [("North", "PRK")]


def test_a_reference_never_takes_a_person_of_another_title(matcher):
    text = "Japanese Prime Minister Fumio Kishida spoke first. The envoy did not attend."
    assert references(matcher, text) == []
    text = "India's envoy to the UN, Ruchira Kamboj, spoke. The envoy said talks would go on."
    assert [r[:3] for r in references(matcher, text)] == [("envoy", "reference", "INDGOV")]


def test_it_refers_to_an_organization_and_he_never_does(matcher):
    text = "NATO sent two frigates. It said the patrols would last a month. He declined to comment."
    assert references(matcher, text) == [("It", "pronoun", "IGOWSTNAT", "NATO")]


def test_the_group_and_they_refer_to_an_armed_group(matcher):
    text = "M23 rebels shelled the town on Monday. The group denied it, and they withdrew."
    found = references(matcher, text)
    assert ("group", "reference", "CODREB", "M23 rebels") in found
    assert ("they", "pronoun", "CODREB", "M23 rebels") in found


def test_the_blocs_envoy_takes_the_blocs_code(matcher):
    text = ("MANILA — ASEAN foreign ministers met on Monday. The bloc's special envoy, Maria Santos Cruz, "
            "will travel to the border.")
    envoy = next(r for r in rows_of(matcher, text) if "Maria Santos Cruz" in r["text"])
    assert (envoy["text"], envoy["actor_code"], envoy["country_code"]) == (
        "The bloc's special envoy, Maria Santos Cruz", "IGOSEAASN", "ASEAN")


def test_a_dummy_or_object_it_refers_to_nothing(matcher):
    assert references(matcher, "Chile signed the accord. It is vital that others follow.") == []
    assert references(matcher, "Chile signed the accord. Peru rejected it on Monday.") == []
    assert references(matcher, "Chile signed the accord, and it said others would follow.") == [
        ("it", "pronoun", "CHL", "Chile")]


def test_a_portfolio_between_the_country_and_the_title(matcher):
    assert coded(matcher, "Indian Environment Minister Rajiv Kumar Das spoke.") == [
        ("Indian Environment Minister Rajiv Kumar Das", "INDGOV", "IND")]


# ------------------------------------------------------------------------------------------ gazetteer


def test_the_gazetteer_is_the_one_place_lookup():
    from transforms.entities.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()
    tehran = gazetteer.lookup("tehran")
    assert (tehran.country, tehran.feature, tehran.is_capital) == ("IRN", "capital", True)
    assert 35 < tehran.latitude < 36 and 51 < tehran.longitude < 52
    # A country is a place at its centroid; the lexicon's places decide the country of their names.
    chile = gazetteer.place_with_coordinates("Chile")
    assert (chile.country, chile.feature) == ("CHL", "country") and -56 < chile.latitude < -17
    assert gazetteer.lookup("Chile").latitude is None and gazetteer.centroid("CHL") == (
        chile.latitude, chile.longitude)
    assert gazetteer.lookup("East Jerusalem").country == "PSE"
    # Institutions and continents are never towns somewhere.
    assert gazetteer.lookup("White House") is None and gazetteer.lookup("Kremlin") is None
    assert gazetteer.lookup("Asia") is None
