"""The events coder (transforms/events/coder.py), without a pipeline.

Inputs are sentences with hand-marked actors (the entity rows the actor stage would produce); what is
asserted is what the coder makes of them.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from outputs.tablefiles import rows_to_arrow
from schemas import TABLES
from tests.devsets.events_devset import PUBLISHED, parse_item
from tests.devsets.events_fixtures import SEED_PUBLISHED, seed_inputs
from transforms.common.ids import stable_id
from transforms.entities.matcher import ActorMatcher
from transforms.events.codebook import Codebook
from transforms.events.coder import EventCoder
from transforms.events.lexicon import VerbLexicon

ATTENDING = {"CHN", "RUS", "IRN", "PAK", "TJK", "TKM", "UZB"}


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder.load()


@pytest.fixture(scope="module", params=["hand-built entities", "actor matcher"])
def seed_events(coder, request):
    """The seed's events, from hand-built entity rows and from the real actor matcher (end to end)."""
    article, sentences, entities, dates = seed_inputs()
    if request.param == "actor matcher":
        matcher = ActorMatcher.load()
        entities = matcher.match(article["text"], sentences, SEED_PUBLISHED, article["article_id"])
    return coder.code_document(article, sentences, entities, dates)


def code(coder, marked: str, dates: list[dict] | None = None) -> list[dict]:
    item = parse_item("t", marked, "none")
    article = {"article_id": "art-t", "text": item.text, "published_date": PUBLISHED}
    return coder.code_document(article, item.sentences, item.entities, dates or [])


def triples(rows) -> set[tuple]:
    return {(r["cameo_code"], r["source_actor"], r["target_actor"]) for r in rows}


def roots(rows) -> set[tuple]:
    return {(r["cameo_root"], r["source_country"] or r["source_actor"], r["target_country"]) for r in rows}


# ---------------------------------------------------------------------- the seed article


def test_seed_tehran_meeting_is_a_consultation_among_attendees_dated_and_located(seed_events):
    meeting = [r for r in seed_events if r["cameo_root"] == "04" and r["location_name"] == "Tehran"]
    assert meeting, "no consultation located in Tehran"
    pairs = {(r["source_country"], r["target_country"]) for r in meeting}
    assert ("RUS", "CHN") in pairs and ("CHN", "RUS") in pairs and ("IRN", "PAK") in pairs
    assert {c for pair in pairs for c in pair} <= ATTENDING
    for row in meeting:
        assert row["event_date"] == dt.date(2021, 10, 27)  # "on Wednesday", published on Thursday the 28th
        assert row["event_date_source"] == "text"
        assert row["location_country"] == "IRN"
        assert row["latitude"] == pytest.approx(35.69, abs=0.05)
        assert row["longitude"] == pytest.approx(51.42, abs=0.05)
        assert row["trigger"] == "met"
        assert "Tehran" in row["evidence"]


def test_seed_pledge_to_work_together_is_an_intent_among_the_four(seed_events):
    pledge = {(r["source_country"], r["target_country"]) for r in seed_events
              if r["cameo_root"] == "03" and "work together" in r["trigger"]}
    for a in ("CHN", "RUS", "IRN", "PAK"):
        for b in ("CHN", "RUS", "IRN", "PAK"):
            if a != b:
                assert (a, b) in pledge


def test_seed_wang_yi_collaboration_and_urging(seed_events):
    wang = [r for r in seed_events if r["source_actor"] == "CHNGOV"]
    assert any(r["cameo_root"] == "03" and r["target_country"] == "AFG" for r in wang)
    assert any(r["cameo_root"] == "02" and r["trigger"] == "urged" for r in wang)


def test_seed_lavrov_offers_help_plans_supplies_and_calls_on_the_neighbours(seed_events):
    lavrov = [r for r in seed_events if r["source_actor"] == "RUSGOV"]
    assert any(r["cameo_code"].startswith("033") and "help" in r["trigger"] for r in lavrov)
    supplies = [r for r in lavrov if "supplies" in r["trigger"]]
    assert supplies
    assert all(r["cameo_code"].startswith("033") and r["target_country"] == "AFG" for r in supplies)
    appeal = {r["target_country"] for r in lavrov if r["cameo_root"] == "02" and r["trigger"] == "call on"}
    assert appeal == {"CHN", "IRN", "PAK", "TJK", "TKM", "UZB"}  # Afghanistan's neighbours


def test_seed_islamic_state_threats_and_no_recognition(seed_events):
    assert any(r["cameo_root"] == "13" and r["source_actor"] == "IMGISI" for r in seed_events)
    assert not any(r["cameo_root"] == "05" and r["cameo_code"] == "054" for r in seed_events)
    assert not any("recogni" in r["trigger"].lower() for r in seed_events)


def test_seed_rows_fit_the_events_schema_with_codebook_values(seed_events):
    codebook = Codebook.load()
    table = rows_to_arrow(TABLES["events"], seed_events)
    assert table.num_rows == len(seed_events)
    assert table.schema.field("cameo_code").type == pa.string()
    for row in seed_events:
        entry = codebook[row["cameo_code"]]
        assert (row["quad_class"], row["goldstein"], row["plover_type"]) == (
            entry.quad_class, entry.goldstein, entry.plover_type)
        assert row["cameo_root"] == row["cameo_code"][:2]
        assert 0 < row["confidence"] <= 1
        assert row["published_date"] == dt.date(2021, 10, 28)
        assert row["evidence"] and row["trigger"] in row["evidence"]
    assert len({r["event_id"] for r in seed_events}) == len(seed_events)


def test_seed_coding_is_deterministic(coder):
    article, sentences, entities, dates = seed_inputs()
    first = coder.code_document(article, sentences, entities, dates)
    assert EventCoder.load().code_document(article, sentences, entities, dates) == first


# ---------------------------------------------------------------------- sources, targets, lists


def test_subject_object_and_symmetric_meeting(coder):
    assert triples(code(coder, "[France|FRA] criticized [Mali|MLI] on Monday.")) == {("111", "FRA", "MLI")}
    met = triples(code(coder, "[Kenya|KEN] and [Uganda|UGA] met in Kampala."))
    assert {(s, t) for _, s, t in met} == {("KEN", "UGA"), ("UGA", "KEN")}


def test_lists_expand_to_every_pair(coder):
    rows = code(coder, "[Spain|ESP] and [Portugal|PRT] sent aid to [Morocco|MAR] and [Libya|LBY].")
    assert {(r["source_actor"], r["target_actor"]) for r in rows} == {
        ("ESP", "MAR"), ("ESP", "LBY"), ("PRT", "MAR"), ("PRT", "LBY")}
    assert {r["cameo_root"] for r in rows} == {"07"}


def test_passive_takes_the_agent_after_by(coder):
    assert triples(code(coder, "[Serbia|SRB] was criticized by [the EU|IGOEU|IGO|IGO] for the delay.")) == {
        ("111", "IGOEU", "SRB")}
    assert triples(code(coder, "[Ukraine|UKR] was attacked by [Russia|RUS] overnight.")) == {
        ("190", "RUS", "UKR")}


def test_quote_attributed_after_belongs_to_the_speaker(coder):
    rows = code(coder, "“We call on [Israel|ISR] to halt the raids,” [Jordan|JOR]'s king said.")
    assert roots(rows) == {("02", "JOR", "ISR")}
    rows = code(coder, "[Blinken|USAGOV|PERSON] said, “We condemn [Iran|IRN]'s drone sales.”")
    assert roots(rows) == {("11", "USA", "IRN")}


def test_he_resolves_to_the_last_person_named(coder):
    rows = code(coder, "[Lula|BRAGOV|PERSON] spoke to reporters. || He urged [Chile|CHL] to join the pact.")
    assert triples(rows) == {("020", "BRAGOV", "CHL")}
    assert rows[0]["sentence_index"] == 1


def test_infinitive_after_an_appeal_is_its_content(coder):
    rows = code(coder, "[Chile|CHL] urged [Peru|PER] to release the detained fishermen.")
    assert triples(rows) == {("0253", "CHL", "PER")}
    rows = code(coder, "[Turkey|TUR] threatened to impose sanctions on [Sweden|SWE].")
    assert roots(rows) == {("13", "TUR", "SWE")}


def test_relative_clause_and_shared_subject(coder):
    rows = code(coder, "[India|IND], which hosted [Bhutan|BTN] last week, criticized [Pakistan|PAK].")
    assert triples(rows) == {("043", "IND", "BTN"), ("111", "IND", "PAK")}
    rows = code(coder, "[Somalia|SOM] accused [Kenya|KEN] of meddling and expelled its envoy.")
    assert triples(rows) == {("112", "SOM", "KEN"), ("166", "SOM", None)}


def test_metonymy_capitals_act_for_their_governments(coder):
    rows = code(coder, "[Beijing|CHN|LOCATION] criticized [Washington|USA|LOCATION] over the controls.")
    assert roots(rows) == {("11", "CHN", "USA")}
    # A capital after "in" is a place; a "Moscow-led" alliance is not Moscow acting.
    assert code(coder, "A [Moscow|RUS|LOCATION]-led bloc held exercises in [Belarus|BLR].") == []


# ---------------------------------------------------------------------- negation and modality


@pytest.mark.parametrize("marked", [
    "[Russia|RUS] did not meet [Ukraine|UKR]'s envoys.",
    "[Russia|RUS] didn't meet [Ukraine|UKR]'s envoys.",
    "[The new state|AFGGOV|ORG|AFG] has yet to be recognized by [Pakistan|PAK].",
    "[India|IND] has yet to recognize [the Taliban|AFGINS|GROUP|AFG].",
    "[Iran|IRN] denied it would attack [Israel|ISR].",
    "[Turkey|TUR] may visit [Greece|GRC] later this year.",
    "[Japan|JPN] could impose sanctions on [Russia|RUS].",
    "[Kenya|KEN] has no plans to recognize [Somalia|SOM].",
])
def test_negated_and_hedged_actions_are_not_events(coder, marked):
    assert code(coder, marked) == []


def test_refusal_is_rejection_and_plans_are_intents(coder):
    assert roots(code(coder, "[Ethiopia|ETH] refused to sign the accord with [Egypt|EGY].")) == {
        ("12", "ETH", "EGY")}
    rows = code(coder, "[Brazil|BRA] plans to visit [Angola|AGO] in May.")
    assert triples(rows) == {("036", "BRA", "AGO")}
    assert rows[0]["rule_id"].endswith("+intent")
    assert triples(code(coder, "[Norway|NOR] pledged to send humanitarian aid to [Sudan|SDN].")) == {
        ("0333", "NOR", "SDN")}


def test_noun_uses_of_verbs_are_not_triggers(coder):
    rows = code(coder, "[The UN|IGOUNO|IGO|IGO] investigated [Syria|SYR] over the chemical attack.")
    assert roots(rows) == {("09", "IGO", "SYR")}


# ---------------------------------------------------------------------- place, date, id


def test_place_from_the_gazetteer_and_date_from_the_sentence(coder):
    item = parse_item("t", "[Egypt|EGY] and [Qatar|QAT] held talks in Doha on Monday.", "none")
    sentence = item.sentences[0]
    start = item.text.index("on Monday")
    dates = [{"article_id": "art-t", "sentence_index": 0, "char_start": start + 3, "char_end": start + 9,
              "text": "Monday", "resolved_date": dt.date(2024, 3, 11), "granularity": "day",
              "resolution": "relative", "published_date": PUBLISHED}]
    article = {"article_id": "art-t", "text": item.text, "published_date": PUBLISHED}
    rows = coder.code_sentence(sentence, item.entities, dates, article)
    assert len(rows) == 2
    for row in rows:
        assert (row["location_name"], row["location_country"]) == ("Doha", "QAT")
        assert row["latitude"] == pytest.approx(25.29, abs=0.05)
        assert (row["event_date"], row["event_date_source"]) == (dt.date(2024, 3, 11), "text")
        trigger_start = item.text.index("held")
        trigger_end = trigger_start + len(row["trigger"])
        assert row["event_id"] == stable_id("art-t", 0, row["source_actor"], row["target_actor"],
                                            row["cameo_code"], trigger_start, trigger_end)
    undated = code(coder, "[Egypt|EGY] praised [Qatar|QAT].")
    assert (undated[0]["event_date"], undated[0]["event_date_source"]) == (PUBLISHED, "published")
    assert undated[0]["location_name"] is None


def test_sentence_without_actors_codes_nothing(coder):
    assert code(coder, "The talks went on for hours and nobody attacked anyone.") == []


# ---------------------------------------------------------------------- the lexicon


def _lexicon(patterns: str, frames: dict | None = None) -> VerbLexicon:
    return VerbLexicon(patterns, "meet met met\n", frames or {}, Codebook.load())


def test_lexicon_rejects_bad_lines_with_their_number():
    with pytest.raises(ValueError, match=r"line 2.*999"):
        _lexicon("040 ok.meet meet+\n999 bad.code meet+\n")
    with pytest.raises(ValueError, match="unknown option"):
        _lexicon("040 ok.meet meet+ | sideways\n")
    with pytest.raises(ValueError, match="bad word"):
        _lexicon("040 ok.meet Meet+\n")
    with pytest.raises(ValueError, match="required word"):
        _lexicon("040 ok.meet * meet+\n")
    with pytest.raises(ValueError, match="quote them"):
        _lexicon("040 ok.meet meet+\n", {"target_preps": ["with", True]}).words("target_preps")


def test_lexicon_inflects_and_matches_phrasal_patterns():
    lexicon = _lexicon("020 appeal.call_on call+ on/upon\n040 consult.meet meet+ with?\n")
    assert {"meet", "meets", "met", "meeting"} <= lexicon.inflector.verb_forms("meet")
    words = ["they", "called", "on", "us", "and", "met", "with"]
    found = {(m.pattern.rule_id, m.start, m.end) for m in lexicon.matches(words)}
    assert found == {("appeal.call_on", 1, 3), ("consult.meet", 5, 7)}


def test_packaged_lexicon_covers_every_root():
    lexicon = VerbLexicon.load()
    assert {p.code[:2] for p in lexicon.patterns} == {f"{n:02d}" for n in range(1, 21)}
