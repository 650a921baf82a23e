"""The events coder (transforms/events/coder.py), without a pipeline.

Inputs are sentences written for these tests with hand-marked actors (the entity rows the actors stage
would produce); what is asserted is what the coder makes of them. The mechanics (roles, modes, merging,
dates) run on a small frame lexicon written here, so a change to the shipped lexicon cannot hide a
regression in them; the seed article runs on the shipped lexicon.
"""

from __future__ import annotations

import datetime as dt
import functools

import pyarrow as pa
import pytest

from outputs.tablefiles import rows_to_arrow
from schemas import TABLES
from tests.devsets.events_devset import PUBLISHED, parse_item
from tests.devsets.events_fixtures import SEED_PUBLISHED, seed_inputs
from transforms.common.document import Sentence
from transforms.common.ids import stable_id
from transforms.entities.gazetteer import Gazetteer
from transforms.entities.matcher import ActorMatcher
from transforms.events.codebook import Codebook
from transforms.events.coder import HEADLINE_SENTENCE, EventCoder
from transforms.events.frames import FrameLexicon
from transforms.events.modes import Modes, load_code_maps, load_unnamed
from transforms.events.parser import load_parser
from transforms.events.roles import ActorRef
from transforms.events.topics import TopicFilter

ATTENDING = {"CHN", "RUS", "IRN", "PAK", "TJK", "TKM", "UZB"}

# A lexicon for the mechanics: one or two frames per behaviour under test.
TEST_FRAMES = {
    "01_statements.txt": "016 reject+accusation/charge/allegation\n011 decline xcomp=comment\n"
    "016 deny comp=that\n"
    "012 warn comp=that\n"
    "015 claim+attack/bombing T=obj\n019 align_with\n"
    "014 consider\n010 comment_on T=on\n",
    "02_appeals.txt": "020 urge\n020 call_on\n",
    "03_intents.txt": "036 n:readiness\n",
    "04_consult.txt": "040 meet T=obj,with need=T need=S\n043 host need=T need=S\n042 visit need=T need=S\n"
    "040 discuss mutual\n046 n:talk T=with,between mutual\n042 arrive_in T=in need=T\n"
    "040 n:dialogue T=with\n045 mediate T=between\n045 broker+swap/deal\n042 travel_to T=to need=T\n"
    "042 n:visit T=to need=T need=S\n",
    "09_investigate.txt": "090 open+investigation T=into\n",
    "07_aid.txt": "073 send+aid T=to\n072 send+weapon/armoured_vehicle T=to\n",
    "08_yield.txt": "0871 agree_to+ceasefire/truce\n0841 release obj=actor T=obj\n",
    "11_disapprove.txt": "111 criticize\n112 accuse T=obj\n112 n:allegation T=against\n"
    "111 condemn\n114 summon obj=actor T=obj\n114 protest T=to need=T\n",
    "12_reject.txt": "120 reject+proposal/plan/offer\n",
    "14_protest.txt": "144 block+road/highway\n145 clash_with T=with\n143 strike\n140 protest T=against\n",
    "15_force_posture.txt": "150 hold+drill/exercise\n154 build+base/airstrip\n154 send+troop/soldier T=to\n"
    "153 send+police/officer T=to\n152 place_on+alert\n",
    "16_reduce.txt": "163 impose+sanction T=on,against\n",
    "17_coerce.txt": "174 expel+diplomat/envoy/ambassador\n1724 declare+state/emergency\n"
    "173 capture\n173 seize\n173 arrest\n173 detain\n"
    "175 fire+tear_gas T=at\n175 respond_with+tear_gas/gas T=at\n",
    "18_assault.txt": "180 kill obj=actor T=obj\n180 wound obj=actor T=obj\n",
    "13_threaten.txt": "138 vow xcomp=respond,retaliate,hunt,press\n",
    "10_demand.txt": "100 order obj=actor T=obj\n100 demand\n",
    "19_fight.txt": "190 attack obj=actor\n193 n:attack T=on,against\n194 shell T=obj\n190 strike obj=actor\n"
    "190 wage+attack T=on\n190 repel\n190 raid\n192 seize+town/territory\n",
}


@pytest.fixture(scope="module")
def mechanics() -> EventCoder:
    codebook = Codebook.load()
    return EventCoder(
        load_parser(),
        FrameLexicon.from_texts(TEST_FRAMES, codebook),
        Modes.load(),
        codebook,
        Gazetteer.load(),
        load_code_maps(),
        load_unnamed(),
        TopicFilter.load(),
    )


@pytest.fixture(scope="module")
def coder() -> EventCoder:
    return EventCoder.load()


def code(
    coder: EventCoder, marked: str, dates: list[dict] | None = None, title: str | None = None
) -> list[dict]:
    item = parse_item("t", marked, "none")
    article = {"article_id": "art-t", "text": item.text, "published_date": PUBLISHED, "title": title}
    entities = list(item.entities)
    if title:
        # The entities stage tags the title as sentence -1, offsets into the title.
        headline = Sentence(-1, 0, len(title), title)
        entities += _matcher().match(title, [headline], PUBLISHED, "art-t")
    return coder.code_document(article, item.sentences, entities, dates or [])


@functools.lru_cache(maxsize=1)
def _matcher() -> ActorMatcher:
    return ActorMatcher.load()


def triples(rows) -> set[tuple]:
    return {(r["cameo_code"], r["source_actor"], r["target_actor"]) for r in rows}


def day_row(text: str, phrase: str, day: dt.date, sentence_index: int = 0, granularity: str = "day") -> dict:
    start = text.index(phrase)
    return {
        "article_id": "art-t",
        "sentence_index": sentence_index,
        "char_start": start,
        "char_end": start + len(phrase),
        "text": phrase,
        "resolved_date": day,
        "granularity": granularity,
        "resolution": "relative",
        "published_date": PUBLISHED,
    }


# ---------------------------------------------------------------------- who did what to whom


def test_subject_and_object(mechanics):
    assert triples(code(mechanics, "[France|FRA] criticized [Mali|MLI] on Monday.")) == {
        ("111", "FRA", "MLI")
    }


def test_passive_agent_is_the_source(mechanics):
    assert triples(code(mechanics, "[Serbia|SRB] was criticized by [Croatia|HRV] for the delay.")) == {
        ("111", "HRV", "SRB")
    }


def test_agentless_passive_codes_nothing(mechanics):
    assert code(mechanics, "[Serbia|SRB] was criticized for the delay.") == []


def test_coordination_gives_one_event_per_pair(mechanics):
    rows = code(mechanics, "[Spain|ESP] and [Portugal|PRT] sent aid to [Morocco|MAR] and [Libya|LBY].")
    assert triples(rows) == {
        ("073", "ESP", "MAR"),
        ("073", "ESP", "LBY"),
        ("073", "PRT", "MAR"),
        ("073", "PRT", "LBY"),
    }


def test_joint_subject_of_a_mutual_verb_gives_both_directions(mechanics):
    rows = code(mechanics, "[Kenya|KEN] and [Uganda|UGA] discussed the crisis by telephone.")
    assert triples(rows) == {("040", "KEN", "UGA"), ("040", "UGA", "KEN")}


def test_directional_meeting_gives_one_event(mechanics):
    assert triples(code(mechanics, "[Ghana|GHA] met [Togo|TGO] in Accra.")) == {("040", "GHA", "TGO")}
    assert triples(code(mechanics, "[Ghana|GHA] hosted [Togo|TGO] in Accra.")) == {("043", "GHA", "TGO")}


def test_meeting_needs_someone_met(mechanics):
    assert code(mechanics, "[Ghana|GHA] met on Monday to review the budget.") == []


def test_light_verb_with_its_object_and_preposition(mechanics):
    assert triples(code(mechanics, "[Canada|CAN] imposed fresh sanctions on [Iran|IRN].")) == {
        ("163", "CAN", "IRN")
    }
    assert triples(code(mechanics, "[Estonia|EST] expelled two [Russian|RUS] diplomats.")) == {
        ("174", "EST", "RUS")
    }


def test_political_sense_needs_an_actor_object(mechanics):
    assert code(mechanics, "[Chile|CHL] attacked the budget proposal in parliament.") == []
    assert triples(code(mechanics, "[Chile|CHL] attacked [Peru|PER].")) == {("190", "CHL", "PER")}


def test_appeal_codes_the_appeal_not_the_requested_act(mechanics):
    rows = code(mechanics, "[Chile|CHL] urged [Peru|PER] to impose sanctions on [Bolivia|BOL].")
    assert triples(rows) == {("020", "CHL", "PER")}


def test_reported_speech_speaker_is_the_source_of_a_first_person_act(mechanics):
    rows = code(mechanics, "“We condemn the raid on [Gaza|PSE],” [Jordan|JOR] said.")
    assert {(r["source_actor"], r["target_actor"]) for r in rows} == {("JOR", "PSE")}


def test_reported_act_keeps_its_own_subject(mechanics):
    rows = code(mechanics, "[Peru|PER] said [Chile|CHL] had criticized [Bolivia|BOL].")
    assert triples(rows) == {("111", "CHL", "BOL")}


def test_appositive_affiliation_acts_for_the_organization(mechanics):
    rows = code(
        mechanics,
        "[Mahama|GHAGOV|PERSON|GHA], the [African Union|IGOAFRAFU|IGO|AFU]'s envoy, condemned [Sudan|SDN].",
    )
    assert triples(rows) == {("111", "IGOAFRAFU", "SDN")}


def test_relative_clause_and_shared_subject(mechanics):
    rows = code(mechanics, "[India|IND], which hosted [Bhutan|BTN] last week, criticized [Nepal|NPL].")
    assert triples(rows) == {("043", "IND", "BTN"), ("111", "IND", "NPL")}
    rows = code(mechanics, "[Somalia|SOM] rejected the charge and accused [Kenya|KEN] of meddling.")
    assert ("112", "SOM", "KEN") in triples(rows)


def test_denial_answers_the_latest_accuser(mechanics):
    rows = code(
        mechanics,
        "[Kenya|KEN] accused [Somalia|SOM] of shelling a border post. || "
        "[Somalia|SOM] rejected the accusation on Tuesday.",
    )
    assert ("016", "SOM", "KEN") in triples(rows)


def test_an_active_conjunct_of_a_reported_passive_clause_acts_for_the_speaker(mechanics):
    text = (
        "[The interior ministry|ZMBGOV] said 40 people had been detained and accused "
        "[the opposition|ZMBOPP] of planning riots."
    )
    assert ("112", "ZMBGOV", "ZMBOPP") in triples(code(mechanics, text))


def test_a_government_and_its_rebels_are_two_sides_of_a_referred_act(mechanics):
    text = (
        "[The army|ZMBMIL] shelled [rebel camps|ZMBREB] near the lake. || "
        "[The rebels|ZMBREB] condemned the attack on Friday."
    )
    assert ("111", "ZMBREB", "ZMBMIL") in triples(code(mechanics, text))
    text = (
        "[The army|ZMBMIL] shelled [rebel camps|ZMBREB] near the lake. || "
        "[The defence ministry|ZMBGOV] condemned the attack on Friday."
    )
    assert not any(t[0] == "111" and t[2] == "ZMBMIL" for t in triples(code(mechanics, text)))


def test_people_no_one_names_protest_against_their_government(mechanics):
    text = (
        "[Peru|PER] raised fuel prices. || In [Cusco|PER|LOCATION], students blocked the main road on Monday."
    )
    assert ("144", "PERCVL", "PERGOV") in triples(code(mechanics, text))
    text = "[Peru|PER] raised fuel prices. || Opposition supporters blocked the highway on Monday."
    assert ("144", "PEROPP", "PERGOV") in triples(code(mechanics, text))


def test_people_no_one_names_do_not_act_outside_protest(mechanics):
    text = "[Peru|PER] raised fuel prices. || Students criticized [Chile|CHL] on Monday."
    assert not any(t[0] == "111" for t in triples(code(mechanics, text)))


def test_an_arrest_with_no_agent_was_made_by_the_police(mechanics):
    text = (
        "[Zambia|ZMB] banned the march. || "
        "The ministry said 40 people had been arrested in [Lusaka|ZMB|LOCATION]."
    )
    assert ("173", "ZMBCOP", "ZMBCVL") in triples(code(mechanics, text))
    # Killing with no agent stays unattributed.
    text = "[Zambia|ZMB] banned the march. || Two people were killed in [Lusaka|ZMB|LOCATION]."
    assert code(mechanics, text) == []


def test_a_dateline_does_not_hide_the_story_verb(mechanics):
    text = "LUSAKA, Zambia — [Zambian|ZMBMIL] troops shelled a [Congolese|COD] border post on Monday."
    assert ("194", "ZMBMIL", "COD") in {
        (r["cameo_code"], r["source_actor"], r["target_country"]) for r in code(mechanics, text)
    }


def test_forces_sent_to_another_country_protect_it(mechanics):
    rows = code(mechanics, "[Rwanda|RWA] sent 500 soldiers to [Mozambique|MOZ|LOCATION] on Monday.")
    assert ("074", "RWA", "MOZ") in {(r["cameo_code"], r["source_actor"], r["target_country"]) for r in rows}
    rows = code(mechanics, "[Rwanda|RWA] said it would send more soldiers to [Mozambique|MOZ|LOCATION].")
    assert ("0334", "RWA", "MOZ") in {(r["cameo_code"], r["source_actor"], r["target_country"]) for r in rows}


def test_forces_sent_to_a_border_show_force(mechanics):
    text = "[Poland|POL] sent 500 soldiers to its border with [Belarus|BLR|LOCATION] on Monday."
    rows = code(mechanics, text)
    assert {r["cameo_root"] for r in rows} == {"15"}


def test_police_promised_abroad_are_no_threat(mechanics):
    text = (
        "[Kenya|KENGOV] hosted [Haiti|HTIGOV]'s prime minister on Monday. || "
        "[Kenya|KENGOV] pledged to send 300 more officers."
    )
    assert ("0334", "KENGOV", "HTIGOV") in triples(code(mechanics, text))


def test_arms_sent_to_ones_own_ground_are_no_aid(mechanics):
    rows = code(mechanics, "[Brazil|BRA] sent 20 armoured vehicles to its northern state on Tuesday.")
    assert {r["cameo_code"] for r in rows} == {"154"}


def test_declining_to_comment_is_no_refusal_even_when_comment_has_a_frame(mechanics):
    text = (
        "[Ukraine|UKR] accused [Russia|RUS] of torture. || "
        "[Moscow|RUSGOV] said it was open to talks but declined to comment on the allegations."
    )
    rows = triples(code(mechanics, text))
    assert ("011", "RUSGOV", "UKR") in rows  # the allegations were Ukraine's
    assert not any(t[0].startswith("12") for t in rows)


def test_considering_an_option_is_no_act_but_names_who_it_is_about(mechanics):
    text = "[The bloc|IGOEUREEC|IGO|-] said it would consider imposing sanctions on [Georgia|GEO]."
    rows = triples(code(mechanics, text))
    assert ("014", "IGOEUREEC", "GEO") in rows
    assert not any(t[0].startswith("16") or t[0].startswith("13") for t in rows)


def test_a_second_verb_of_the_same_speaker_addresses_the_same_side(mechanics):
    text = "[Opposition leaders|ZMBOPP] accused [the government|ZMBGOV] of fraud and demanded a recount."
    assert ("100", "ZMBOPP", "ZMBGOV") in triples(code(mechanics, text))


def test_a_visit_to_a_place_is_a_visit_to_its_country(mechanics):
    text = "[Ramaphosa|ZAFGOV|PERSON] paid a visit to [Maputo|MOZ|LOCATION] on Tuesday."
    assert ("042", "ZAFGOV", "MOZGOV") in triples(code(mechanics, text))
    text = (
        "[Grossi|IGOUNOIAE|PERSON|-] said [he|IGOUNOIAE|PERSON|-] was ready to travel to "
        "[Tehran|IRN|LOCATION]."
    )
    assert ("036", "IGOUNOIAE", "IRNGOV") in triples(code(mechanics, text))


def test_a_show_of_force_told_by_a_state_force_is_its_own(mechanics):
    text = (
        "[Indian|INDMIL] troops clashed with [Chinese|CHNMIL] troops on Monday. || "
        "[The Indian army|INDMIL] said units along the border had been placed on high alert."
    )
    assert ("152", "INDMIL", "CHNMIL") in triples(code(mechanics, text))  # across the border it shares
    text = (
        "[India|IND] criticized [Japan|JPN] on Monday. || "
        "[The Indian army|INDMIL] said units along the border had been placed on high alert."
    )
    assert ("152", "INDMIL", None) in triples(code(mechanics, text))  # Japan is no neighbour
    text = "[India|IND] criticized [Japan|JPN]. || Units along the border had been placed on high alert."
    assert not any(t[0] == "152" for t in triples(code(mechanics, text)))


def test_acts_done_to_someone_need_someone(mechanics):
    assert code(mechanics, "[Qatar|QAT] urged restraint on Monday.") == []
    rows = code(mechanics, "[Qatar|QAT] urged [Sudan|SDN] to show restraint.")
    assert ("020", "QAT", "SDN") in triples(rows)
    # Disapproval and fighting may have no one named.
    assert ("111", "QAT", None) in triples(code(mechanics, "[Qatar|QAT] criticized the decision on Monday."))


def test_what_one_is_accused_of_is_no_act_of_its_own(mechanics):
    text = "[Poland|POLGOV] accused [Belarus|BLR] of waging an attack on [Lithuania|LTU]."
    assert triples(code(mechanics, text)) == {("112", "POLGOV", "BLR")}


def test_what_one_is_barred_from_is_not_done(mechanics):
    text = "[Kenya|KEN] barred [Somali|SOMMIL] troops from attacking [Ethiopian|ETHMIL] units."
    assert not any(t[0].startswith("19") for t in triples(code(mechanics, text)))


def test_what_an_attack_did_is_that_attack(mechanics):
    text = "[Rebels|CODREB] shelled the outskirts of [Sake|COD|LOCATION] on Monday, killing six civilians."
    assert triples(code(mechanics, text)) == {("194", "CODREB", "CODCVL")}
    text = "[Rebels|CODREB] shelled [the army|CODMIL] on Monday, killing six civilians."
    assert triples(code(mechanics, text)) == {("194", "CODREB", "CODMIL")}


def test_a_bomb_that_strikes_is_a_bombing(mechanics):
    text = "A roadside bomb struck an [African Union|IGOAFRAFU|IGO|-] convoy, wounding three soldiers."
    assert triples(code(mechanics, text)) == {("183", None, "IGOAFRAFU")}


def test_forces_named_by_their_weapon_act_for_the_modifier(mechanics):
    text = "[Syria|SYR] rejected the plan. || Government artillery shelled a village on Monday."
    assert ("194", "SYRGOV", "SYRCVL") in triples(code(mechanics, text))


def test_named_victims_say_more_than_the_place_hit(mechanics):
    text = (
        "[Israeli|ISR] jets shelled a building in [Damascus|SYR|LOCATION], "
        "killing two members of [Iran's Revolutionary Guards|IRNMIL|ORG]."
    )
    assert triples(code(mechanics, text)) == {("194", "ISR", "IRNMIL")}


def test_force_that_meets_an_attack_answers_the_attacker(mechanics):
    text = "[Rebels|CODREB] shelled [Sake|COD|LOCATION] on Monday. || [The army|CODMIL] repelled an attack."
    assert ("190", "CODMIL", "CODREB") in triples(code(mechanics, text))


def test_what_someone_does_or_has_done_since_is_no_act(mechanics):
    text = "[Angola|AGO], which mediates between [Congo|COD] and [Rwanda|RWA], criticized [Burundi|BDI]."
    assert {t[0] for t in triples(code(mechanics, text))} == {"111"}
    text = "[The rebels|CODREB] have seized the territory since they took up arms in 2021."
    assert code(mechanics, text) == []


def test_fighters_no_one_names_act_for_the_dateline_country(mechanics):
    text = (
        "PEMBA, [Mozambique|MOZ|LOCATION] — [Islamic State|IMGISI|GROUP|-]-linked insurgents raided "
        "a village on Friday. || [Rwanda|RWA], whose troops guard the area, said [Rwandan|RWA] units "
        "would stay until [Rwanda|RWA] decides otherwise."
    )
    rows = {(r["cameo_root"], r["source_actor"]) for r in code(mechanics, text)}
    assert ("19", "MOZINS") in rows


def test_a_when_clause_happened_at_the_date_it_hangs_on(mechanics):
    text = (
        "Dozens died in fighting in September 2022, when [Tajik|TJKMIL] forces shelled "
        "[Kyrgyz|KGZ] villages."
    )
    plain = parse_item("t", text, "none").text
    dates = [day_row(plain, "September 2022", dt.date(2022, 9, 1), granularity="month")]
    assert code(mechanics, text, dates) == []  # two years before publication: background


def test_an_official_killed_by_gunmen_is_assassinated(mechanics):
    text = "Gunmen killed [the Taliban|AFGGOV|GROUP]'s deputy governor on Tuesday."
    assert triples(code(mechanics, text)) == {("186", None, "AFGGOV")}
    text = "Gunmen killed six [Afghan|AFG] soldiers on Tuesday."
    assert {t[0] for t in triples(code(mechanics, text))} != {"186"}


def test_what_a_relative_clause_says_was_done_undated_is_background(mechanics):
    text = "[Qatar|QAT], which has criticized [Somalia|SOM] before, condemned the attack."
    assert not any(t[0] == "111" and t[2] == "SOM" for t in triples(code(mechanics, text)))
    text = "[Qatar|QAT], which criticized [Somalia|SOM] on Monday, condemned the attack."
    assert ("111", "QAT", "SOM") in triples(code(mechanics, text))
    # A relative clause that says which ones, not an aside, tells what they did.
    text = "Groups such as [the PKK|TURREB|GROUP] that have criticized [Iraq|IRQ] worry [Syria|SYR]."
    assert ("111", "TURREB", "IRQ") in triples(code(mechanics, text))


def test_a_reported_obligation_on_another_is_a_demand(coder):
    text = "[India|INDGOV] said [Pakistan|PAK] must stop sheltering militants."
    assert ("100", "INDGOV", "PAK") in triples(code(coder, text))
    assert not code(coder, "[India|INDGOV] said [Pakistan|PAK] had stopped sheltering militants.")
    # Saying is no trigger of its own: a sentence is parsed for it only when it holds "must".
    assert not coder._may_hold_event("The minister said the weather was warm.")
    assert coder._may_hold_event("The minister said Kyiv must withdraw.")


def test_a_long_list_of_parties_is_coded_for_its_first_few(mechanics):
    names = {"France": "FRA", "Germany": "DEU", "Italy": "ITA", "Spain": "ESP", "Portugal": "PRT",
             "Belgium": "BEL", "Austria": "AUT", "Poland": "POL", "Sweden": "SWE", "Finland": "FIN",
             "Denmark": "DNK", "Ireland": "IRL"}
    codes = list(names.values())
    marked = [f"[{name}|{code}]" for name, code in names.items()]
    listed = ", ".join(marked[:-1]) + " and " + marked[-1]
    pairs = triples(code(mechanics, f"{listed} discussed the crisis on Monday."))
    assert 0 < len(pairs) <= 8 * 7
    assert all(source in codes[:8] and target in codes[:8] for _, source, target in pairs)
    # However the sides were found, an act pairs at most eight parties on each side.
    many = [ActorRef.inferred(code, "", code, "test") for code in codes]
    frame = mechanics.frames.verb_frames("discuss")[0]
    assert len(EventCoder._pairs(many, [], frame)) == 8 * 7
    assert len(EventCoder._pairs(many, many, frame)) == 8 * 8 - 8


def test_a_frame_that_needs_a_target_gives_way_when_none_is_named(mechanics):
    text = "[Zambia|ZMB] raised taxes. || [Opposition supporters|ZMBOPP] protested in the capital on Monday."
    assert ("140", "ZMBOPP", "ZMBGOV") in triples(code(mechanics, text))
    text = "[Japan|JPN] protested to [China|CHN] on Monday."
    assert ("114", "JPN", "CHN") in triples(code(mechanics, text))


def test_a_vow_to_keep_protesting_threatens_the_government(mechanics):
    text = "[Zambia|ZMB] raised taxes. || [The opposition|ZMBOPP] vowed to keep protesting every week."
    assert ("133", "ZMBOPP", "ZMBGOV") in triples(code(mechanics, text))


def test_what_a_demand_asks_for_is_no_act(mechanics):
    text = "[Ukraine|UKRGOV] demanded that [Russia|RUS] release [the Ukrainian detainees|UKRCVL]."
    assert triples(code(mechanics, text)) == {("1053", "UKRGOV", "RUS")}  # a demand for a release


def test_a_purpose_is_no_deed_and_what_has_gone_on_since_is_background(mechanics):
    text = "[Kenyan|KENMIL] troops entered [Somalia|SOM|LOCATION] to attack [al Shabaab|SOMINS|GROUP]."
    assert not any(t[0].startswith("19") for t in triples(code(mechanics, text)))
    text = "[Kenyan|KENMIL] troops have since attacked [al Shabaab|SOMINS|GROUP] many times."
    assert code(mechanics, text) == []
    text = "[Kenyan|KENMIL] troops attacked [al Shabaab|SOMINS|GROUP] on Monday."
    assert ("190", "KENMIL", "SOMINS") in triples(code(mechanics, text))
    text = "[Kenyan|KENMIL] troops began to attack [al Shabaab|SOMINS|GROUP] on Monday."
    assert ("190", "KENMIL", "SOMINS") in triples(code(mechanics, text))
    text = "[Kenyan|KENMIL] troops kept shelling [Somali|SOM] villages on Monday."
    assert ("194", "KENMIL", "SOM") in {(r["cameo_code"], r["source_actor"], r["target_country"])
                                        for r in code(mechanics, text)}


def test_an_investigation_into_an_act_is_aimed_at_its_doer_even_its_own_state(mechanics):
    text = (
        "[Kenyan|KENCOP] police shelled a village on Wednesday. || "
        "[The government|KENGOV] opened an investigation into the deaths on Thursday."
    )
    assert ("090", "KENGOV", "KENCOP") in triples(code(mechanics, text))
    text = "[The government|KENGOV] opened an investigation into the deaths on Thursday."
    assert ("090", "KENGOV", None) in triples(code(mechanics, text))


def test_a_cooperative_act_said_not_to_come_is_refused(mechanics):
    text = "[Congo|CODGOV] said it would not discuss the plan with [the rebels|CODREB]."
    assert {t[0][:2] for t in triples(code(mechanics, text))} == {"12"}
    assert code(mechanics, "[Congo|CODGOV] did not discuss the plan with [the rebels|CODREB].") == []
    assert code(mechanics, "[Congo|CODGOV] said it would not shell [the rebels|CODREB].") == []


def test_funds_approved_are_aid_intended_for_whom_their_purpose_names(coder):
    text = (
        "[The European Union|IGOEUREEC|IGO|-] approved 20 million euros to support the [Rwandan|RWA] mission."
    )
    assert ("0331", "IGOEUREEC", "RWA") in triples(code(coder, text))


def test_a_counted_object_is_compared_by_what_it_counts(mechanics):
    text = "[Japan|JPN] sent 50 tonnes of aid to [Nepal|NPL] on Monday."
    assert ("073", "JPN", "NPL") in triples(code(mechanics, text))


def test_in_a_statement_we_is_whoever_last_spoke_in_the_present(mechanics):
    text = (
        "[A Russian court|RUSJUD|ORG] criticized [Ukraine|UKR] on Monday. || "
        "[The Ministry of Foreign Affairs of Ukraine|UKRGOV|ORG] condemns this verdict. || "
        "We demand that [Russia|RUS] release the detainees."
    )
    rows = triples(code(mechanics, text))
    assert ("111", "UKRGOV", "RUSJUD") in rows  # the verdict was the court's
    assert any(t[0].startswith("10") and t[1:] == ("UKRGOV", "RUS") for t in rows)


def test_banning_imports_is_an_embargo_on_their_origin(coder):
    text = "[Cambodia|KHM] banned imports of [Thai|THA] fruit on Wednesday."
    assert ("163", "KHM", "THA") in triples(code(coder, text))


def test_past_the_lead_an_undated_perfect_is_background(mechanics):
    lead = "[Mali|MLI] has criticized [France|FRA]."
    assert ("111", "MLI", "FRA") in triples(code(mechanics, lead))
    later = "[Niger|NER] condemned [Chad|TCD] on Monday. || [Mali|MLI] has criticized [France|FRA]."
    assert ("111", "MLI", "FRA") not in triples(code(mechanics, later))
    dated = (
        "[Niger|NER] condemned [Chad|TCD] on Monday. || [Mali|MLI] has criticized [France|FRA] on Tuesday."
    )
    assert ("111", "MLI", "FRA") in triples(code(mechanics, dated))


def test_a_that_clause_hung_on_a_statement_is_what_was_warned(mechanics):
    text = (
        "[Kim Yo Jong|PRKGOV|PERSON] warned in a statement on Tuesday that [Seoul|KOR] would pay a "
        "heavy price."
    )
    assert ("130", "PRKGOV", "KOR") in triples(code(mechanics, text))


def test_someone_unknown_speaks_for_the_state_of_the_one_an_apposition_ties_them_to(mechanics):
    text = "Kim Yo Jong, the sister of leader [Kim Jong Un|PRKGOV|PERSON], criticized [Seoul|KOR] on Monday."
    assert ("111", "PRKGOV", "KOR") in triples(code(mechanics, text))


def test_force_shown_faces_only_a_country_its_own_clause_names(mechanics):
    text = "[Poland|POLMIL] held drills near its border with [Belarus|BLR|COUNTRY] on Monday."
    assert ("150", "POLMIL", "BLR") in triples(code(mechanics, text))
    text = "[South Korean|KORMIL] forces began drills as [Pyongyang|PRKGOV] held drills of its own on Monday."
    assert ("150", "PRKGOV", None) in triples(code(mechanics, text))


def test_aligning_with_this_declaration_is_aimed_at_its_author(mechanics):
    text = (
        "[The European Union|IGOEUREEC|IGO|-] criticized [Belarus|BLR] on Monday. || "
        "[Albania|ALB] and [Montenegro|MNE] align themselves with this declaration."
    )
    rows = triples(code(mechanics, text))
    assert {("019", "ALB", "IGOEUREEC"), ("019", "MNE", "IGOEUREEC")} <= rows


def test_a_vow_threatens_whom_its_infinitive_is_done_to_or_against(mechanics):
    text = "[Somalia|SOMGOV] vowed to press on with an offensive against the militants."
    assert ("138", "SOMGOV", "SOMINS") in triples(code(mechanics, text))
    text = "[The Taliban|AFGGOV|GROUP] vowed to hunt down the rest of the cell."
    assert ("138", "AFGGOV", "AFGINS") in triples(code(mechanics, text))


def test_rejecting_calls_answers_a_demand_that_shared_its_addressee(mechanics):
    text = (
        "[Opposition leaders|ZMBOPP] accused [the government|ZMBGOV] of fraud and demanded a recount. || "
        "[The government|ZMBGOV] rejected the plan on Tuesday."
    )
    assert ("120", "ZMBGOV", "ZMBOPP") in triples(code(mechanics, text))


def test_reviewing_ties_is_considering_not_reducing_them(coder):
    text = "[Washington|USAGOV] said it was reviewing its security cooperation with [Niger|NERGOV]."
    assert {t[0] for t in triples(code(coder, text))} == {"014"}


def test_the_opposition_no_one_names_speaks_for_the_countrys_opposition(mechanics):
    text = "[Zambia|ZMB] held elections. || Opposition leaders accused [the government|ZMBGOV] of fraud."
    assert ("112", "ZMBOPP", "ZMBGOV") in triples(code(mechanics, text))
    text = "[Zambia|ZMB] held elections. || Students criticized [the government|ZMBGOV] on Monday."
    assert not any(t[0] == "111" for t in triples(code(mechanics, text)))  # others speak only in protest


def test_intercepting_a_drone_is_fighting(coder):
    text = (
        "[Yemeni|YEMREB] rebels launched drones. || A [French|FRAMIL] frigate intercepted a drone on Tuesday."
    )
    assert any(t[0].startswith("19") for t in triples(code(coder, text)))


def test_a_mediator_stands_between_the_parties_of_what_it_brokered(mechanics):
    text = "[Armenia|ARM] and [Azerbaijan|AZE] signed a swap brokered by [Qatar|QAT] on Monday."
    assert {("045", "QAT", "ARM"), ("045", "QAT", "AZE")} <= triples(code(mechanics, text))


def test_an_organization_is_no_home_country_for_people_no_one_names(mechanics):
    text = (
        "[The EU|IGOEUREEC|IGO|EUR] criticized the vote. || "
        "[The EU|IGOEUREEC|IGO|EUR] criticized journalists."
    )
    assert not any(target and target.startswith("EUR") for _, _, target in triples(code(mechanics, text)))


def test_no_comment_on_a_fight_is_aimed_at_no_one_and_a_unit_spokesman_speaks_for_it(mechanics):
    text = (
        "[Rebels|MMRREB] attacked [the army|MMRMIL] on Monday. || "
        "A military spokesman declined to comment on the attack."
    )
    assert ("011", "MMRMIL", None) in triples(code(mechanics, text))


def test_event_noun_with_both_sides(mechanics):
    rows = code(mechanics, "[Egypt|EGY] condemned the attack by [Israel|ISR] on [Lebanon|LBN].")
    assert ("193", "ISR", "LBN") in triples(rows)


def test_unnamed_people_take_the_country_of_the_place(mechanics):
    text = (
        "[Sudan|SDN]'s [Rapid Support Forces|SDNREB|GROUP] shelled the hospital in [El Fasher|SDN|LOCATION]."
    )
    assert triples(code(mechanics, text)) == {("194", "SDNREB", "SDNHLH")}


def test_bare_state_forces_act_for_the_article_country(mechanics):
    text = (
        "[Mali|MLI] accused [Algeria|DZA] of meddling in [Mali|MLI]'s north. || "
        "The army shelled a village on Monday."
    )
    assert ("194", "MLIMIL", "MLICVL") in triples(code(mechanics, text))


def test_the_same_head_word_refers_back_to_the_actor_named_before(mechanics):
    text = (
        "[Polish border guards|POLMIL|COUNTRY|POL] stopped a group of migrants. || "
        "The guards criticized [Belarus|BLR]."
    )
    assert ("111", "POLMIL", "BLR") in triples(code(mechanics, text))


def test_an_act_aimed_at_an_earlier_act_is_aimed_at_its_doer(mechanics):
    text = "[Serbia|SRB] attacked [Kosovo|XKX] on Sunday. || [Albania|ALB] condemned the attack."
    assert ("111", "ALB", "SRB") in triples(code(mechanics, text))
    text = "Gunmen attacked [Chad|TCD] troops on Sunday. || [Boko Haram|NGAINS|GROUP|NGA] claimed the attack."
    rows = code(mechanics, text)
    assert ("015", "NGAINS", "TCD") in {
        (r["cameo_code"], r["source_actor"], r["target_country"]) for r in rows
    }


def test_the_move_refers_to_the_other_sides_act_not_ones_own(mechanics):
    text = (
        "[Moldova|MDA] expelled a [Russian|RUS] envoy on Monday. || [Russia|RUSGOV] condemned the move and "
        "sent aid to [Syria|SYR]."
    )
    assert ("111", "RUSGOV", "MDA") in triples(code(mechanics, text))


def test_condemning_an_attack_someone_claimed_is_aimed_at_the_claimant(mechanics):
    text = (
        "Gunmen killed six [Chadian|TCDMIL] soldiers on Sunday. || [Boko Haram|NGAINS|GROUP|NGA] claimed "
        "the attack. || [Niger|NER] condemned the attack."
    )
    assert ("111", "NER", "NGAINS") in triples(code(mechanics, text))


def test_an_aimed_act_without_an_addressee_faces_the_article_main_dyad(mechanics):
    text = "[Peru|PER] accused [Chile|CHL] of spying. || [Peru|PER] also condemned the delay in parliament."
    assert ("111", "PER", "CHL") in triples(code(mechanics, text))


def test_joint_drills_are_military_cooperation_both_ways(mechanics):
    rows = code(mechanics, "[Kenyan|KENMIL] and [Ugandan|UGAMIL] troops held joint drills near the border.")
    assert triples(rows) == {("062", "KENMIL", "UGAMIL"), ("062", "UGAMIL", "KENMIL")}


def test_what_an_attack_did_is_part_of_the_attack(mechanics):
    text = "[M23|CODREB|GROUP|COD] rebels shelled [Sake|COD|LOCATION], killing six civilians."
    rows = code(mechanics, text)
    assert {r["cameo_root"] for r in rows} == {"19"}


def test_protest_words_from_a_state_are_coercion_or_fighting(mechanics):
    rows = code(mechanics, "[Chadian troops|TCDMIL|COUNTRY|TCD] blocked the highway to the border.")
    assert {r["cameo_code"] for r in rows} == {"191"}
    rows = code(mechanics, "Angry [Chadian|TCDCVL|COUNTRY|TCD] farmers blocked the highway.")
    assert {r["cameo_code"] for r in rows} == {"144"}


def test_neighbours_stand_for_every_bordering_country(mechanics):
    rows = code(mechanics, "[Russia|RUS] urged [Afghanistan|AFG]'s neighbours to act.")
    targets = {r["target_actor"] for r in rows}
    assert {"PAK", "IRN", "TJK", "UZB", "TKM", "CHN"} <= targets


def test_object_pronoun_stands_for_the_latest_actor_before_it(mechanics):
    rows = code(mechanics, "[Mali|MLIGOV] expelled two [French|FRA] diplomats, accusing them of spying.")
    assert ("112", "MLIGOV", "FRA") in triples(rows)


def test_a_plane_landing_is_no_visit(mechanics):
    assert code(mechanics, "Two [Russian|RUS] cargo planes arrived in [Bamako|MLI|LOCATION] on Monday.") == []


def test_visit_to_a_capital_is_a_visit_to_its_country(mechanics):
    rows = code(mechanics, "A [Czech|CZE] delegation arrived in [Taipei|TWN|LOCATION] on Saturday.")
    assert {(r["cameo_code"], r["target_country"]) for r in rows} == {("042", "TWN")}


def test_long_running_states_are_not_events(mechanics):
    assert code(mechanics, "[Venezuela|VEN] has criticized [Guyana|GUY] since the 1960s.") == []


def test_the_dateline_country_acts_in_nothing(mechanics):
    rows = code(
        mechanics,
        "ERBIL, [Iraq|IRQ] — [Turkish|TUR] drones struck a truck near the border, killing two "
        "[PKK|TURREB|GROUP|TUR] fighters.",
    )
    assert {r["source_actor"] for r in rows} == {"TUR"}
    assert {r["cameo_root"] for r in rows} == {"19"}  # a strike that kills is an attack, not a labour strike


def test_intent_carries_through_an_infinitive_chain(mechanics):
    rows = code(mechanics, "[Yemen|YEMREB] said it would keep attacking [British|GBRMIL] ships.")
    assert {r["cameo_root"] for r in rows} == {"13"}


def test_the_ordered_act_is_the_event(mechanics):
    rows = code(
        mechanics, "[Maduro|VENGOV|PERSON|VEN] ordered the army to build an airstrip near the border."
    )
    assert {r["cameo_code"] for r in rows} == {"154"}


def test_killing_many_fighters_is_combat_not_a_mass_killing(mechanics):
    fighters = code(mechanics, "[Somali|SOMMIL] troops killed 30 [al Shabaab|SOMINS|GROUP|SOM] fighters.")
    assert {r["cameo_code"] for r in fighters} == {"190"}
    civilians = code(
        mechanics, "[al Shabaab|SOMINS|GROUP|SOM] fighters killed 30 villagers in [Afgoye|SOM|LOCATION]."
    )
    assert {r["cameo_code"] for r in civilians} == {"202"}


def test_a_rehearsed_attack_is_a_show_of_force(mechanics):
    rows = code(mechanics, "[Chinese|CHNMIL] warships practised attacking [Taiwan|TWN] this week.")
    assert {r["cameo_code"] for r in rows} == {"150"}


def test_armed_forces_killing_fighters_is_combat(mechanics):
    rows = code(mechanics, "[Somali|SOMMIL] troops killed four [al Shabaab|SOMINS|GROUP|SOM] fighters.")
    assert {r["cameo_code"] for r in rows} == {"190"}


def test_an_infinitive_the_parser_hangs_as_a_clause_keeps_its_mode(mechanics):
    rows = code(mechanics, "[Norway|NOR] offered on Tuesday to send aid to [Sudan|SDN].")
    assert {r["cameo_code"] for r in rows} == {"0333"}


def test_a_domestic_measure_is_aimed_at_the_own_population(mechanics):
    rows = code(mechanics, "[Peru|PERGOV] declared a state of emergency along the mining corridor.")
    assert triples(rows) == {("1724", "PERGOV", "PERCVL")}


def test_opposition_supporters_are_the_opposition(mechanics):
    rows = code(mechanics, "[Kenyan police|KENCOP|COUNTRY|KEN] fired tear gas at opposition supporters.")
    assert triples(rows) == {("175", "KENCOP", "KENOPP")}


def test_we_in_a_statement_is_its_author(mechanics):
    text = (
        "The [Ministry of Foreign Affairs of Chile|CHLGOV|ORG|CHL] regrets the vote. || "
        "We urge [Peru|PER] to return to the talks."
    )
    assert ("020", "CHLGOV", "PER") in triples(code(mechanics, text))


def test_an_envoy_summoned_in_a_capital_was_summoned_by_its_state(mechanics):
    text = "The ambassador of [France|FRA] was summoned to the ministry in [Baku|AZE|LOCATION] on Monday."
    assert triples(code(mechanics, text)) == {("114", "AZEGOV", "FRA")}


def test_condemning_an_attack_by_unknown_men_has_no_target(mechanics):
    text = "[Ghana|GHA] condemned the attack by unidentified gunmen on [Mali|MLI] troops."
    rows = code(mechanics, text)
    assert ("111", "GHA", None) in triples(rows)
    assert ("193", None, "MLI") in {(r["cameo_code"], r["source_actor"], r["target_country"]) for r in rows}


def test_condemning_attacks_reaches_the_one_whose_doer_is_known(mechanics):
    text = (
        "Gunmen shelled a village in [Niger|NER|LOCATION] on Sunday. || "
        "[Boko Haram|NGAINS|GROUP|NGA] claimed the attack. || "
        "Hours later, gunmen shelled a market in [Chad|TCD|LOCATION]. || "
        "[Benin|BEN] condemned the attacks."
    )
    assert ("111", "BEN", "NGAINS") in triples(code(mechanics, text))


def test_an_unnamed_victim_belongs_to_the_other_country_named(mechanics):
    text = "A [Chinese|CHNMIL] vessel struck a [Filipino|PHL] boat near the shoal, killing two fishermen."
    rows = code(mechanics, text)
    assert {r["target_country"] for r in rows} == {"PHL"}


def test_a_stance_prefix_names_no_owner(mechanics):
    rows = code(
        mechanics,
        "[Georgian police|GEOCOP|COUNTRY|GEO] fired tear gas at pro-[EU|IGOEUREEC|IGO|EUR] protesters.",
    )
    assert {r["target_actor"] for r in rows} == {"GEOCVL"}


def test_one_dyad_named_two_ways_is_one_event_with_the_finer_code(mechanics):
    text = (
        "[Iraq|IRQGOV] criticized the [Turkish|TUR] envoy. || [Iraq|IRQGOV] criticized [Turkey|TURGOV] again."
    )
    rows = code(mechanics, text)
    assert [(r["source_actor"], r["target_actor"], r["num_mentions"]) for r in rows] == [
        ("IRQGOV", "TURGOV", 2)
    ]


def test_a_warning_of_what_someone_will_suffer_is_a_threat(mechanics):
    rows = code(mechanics, "[Iran|IRN] warned that [Israel|ISR] would pay a heavy price.")
    assert triples(rows) == {("130", "IRN", "ISR")}
    rows = code(
        mechanics,
        "[Iran|IRNGOV] accused [Israel|ISR] of spying. || [Iran|IRNGOV] warned that "
        "[Tehran|IRN] would not stand idly by.",
    )
    assert ("130", "IRNGOV", "ISR") in triples(rows)
    rows = code(mechanics, "[Iran|IRN] warned that prices would rise.")
    assert {r["cameo_code"] for r in rows} == {"012"}


def test_intended_joint_patrols_are_intended_military_cooperation(mechanics):
    rows = code(mechanics, "[Nigeria|NGA] and [Benin|BEN] agree to hold joint drills on the border.")
    assert triples(rows) == {("0312", "NGA", "BEN"), ("0312", "BEN", "NGA")}


def test_a_vow_to_retaliate_is_a_threat_of_force(mechanics):
    text = "[Israel|ISR] attacked [Iran|IRN] on Sunday. || [Iran|IRN] vowed to respond at a time it chooses."
    assert ("138", "IRN", "ISR") in triples(code(mechanics, text))


def test_both_governments_are_the_two_parties_of_the_main_dyad(mechanics):
    text = (
        "[Kyrgyz|KGZMIL] troops attacked [Tajik|TJKMIL] troops on Sunday. || "
        "[Russia|RUS] urged both governments to talk."
    )
    rows = code(mechanics, text)
    assert {(r["source_country"], r["target_country"]) for r in rows if r["cameo_root"] == "02"} == {
        ("RUS", "KGZ"),
        ("RUS", "TJK"),
    }


def test_both_sides_agreeing_agree_with_each_other(mechanics):
    text = (
        "[Kyrgyz|KGZMIL] troops attacked [Tajik|TJKMIL] troops on Sunday. || "
        "Commanders from both sides agreed to a ceasefire."
    )
    rows = code(mechanics, text)
    assert {(r["source_country"], r["target_country"]) for r in rows if r["cameo_root"] == "08"} == {
        ("KGZ", "TJK"),
        ("TJK", "KGZ"),
    }


def test_joint_exercises_face_no_third_state(mechanics):
    rows = code(
        mechanics,
        "[South Korean|KORMIL] and [U.S.|USAMIL] forces held joint drills aimed at [North Korea|PRK].",
    )
    assert {(r["cameo_code"], r["source_actor"]) for r in rows} >= {("062", "KORMIL"), ("062", "USAMIL")}


def test_rejecting_accusations_in_a_document_answers_its_author(mechanics):
    text = (
        "[Azerbaijan|AZEGOV] rejects the accusations contained in the resolution adopted by the "
        "[French Senate|FRALEG|ORG|FRA]."
    )
    assert ("016", "AZEGOV", "FRALEG") in triples(code(mechanics, text))


def test_a_third_party_appeal_without_addressee_faces_both_sides(mechanics):
    text = "[Kyrgyz|KGZMIL] troops attacked [Tajik|TJKMIL] troops on Sunday. || [Russia|RUS] urged restraint."
    rows = code(mechanics, text)
    assert {(r["source_country"], r["target_country"]) for r in rows if r["cameo_root"] == "02"} == {
        ("RUS", "KGZ"),
        ("RUS", "TJK"),
    }


def test_a_joint_subject_cooperating_with_no_one_else_acts_on_each_other(mechanics):
    rows = code(mechanics, "[Ghana|GHA] and [Togo|TGO] agreed to a ceasefire on Sunday.")
    assert triples(rows) == {("0871", "GHA", "TGO"), ("0871", "TGO", "GHA")}


def test_capturing_a_post_takes_ground_and_rebels_abduct(mechanics):
    rows = code(mechanics, "[Arakan Army|MMRREB|GROUP|MMR] fighters captured a police post on Sunday.")
    assert {r["cameo_code"] for r in rows} == {"192"}
    rows = code(mechanics, "[ELN|COLREB|GROUP|COL] fighters seized four officers on Sunday.")
    assert {r["cameo_code"] for r in rows} == {"181"}


def test_a_killing_by_a_weapon_is_an_attack(mechanics):
    rows = code(mechanics, "Stray shells killed two villagers in [Ghumdhum|BGD|LOCATION] last night.")
    assert {(r["cameo_code"], r["target_actor"]) for r in rows} == {("190", "BGDCVL")}


def test_being_open_to_an_act_is_intending_it(mechanics):
    rows = code(mechanics, "[Peru|PERGOV] said it remained open to dialogue with [Chile|CHL].")
    assert triples(rows) == {("036", "PERGOV", "CHL")}


def test_what_a_denier_says_the_other_side_did_is_an_accusation(mechanics):
    text = "[Rwanda|RWAGOV] rejected the accusation and said [Congo|CODGOV] had attacked [Burundi|BDI]."
    rows = code(mechanics, text)
    assert ("112", "RWAGOV", "CODGOV") in triples(rows)
    assert not any(r["cameo_root"] == "19" for r in rows)


def test_members_take_their_kind_from_the_modifier(mechanics):
    rows = code(
        mechanics, "[Haitian police|HTICOP|COUNTRY|HTI] attacked gang members in [Carrefour|HTI|LOCATION]."
    )
    assert triples(rows) == {("190", "HTICOP", "HTICRM")}


def test_force_in_response_answers_whoever_attacked(mechanics):
    text = (
        "[Iraqi migrants|IRQREF|COUNTRY|IRQ] attacked [Polish border guards|POLMIL|COUNTRY|POL]. || "
        "The guards responded with tear gas."
    )
    assert ("175", "POLMIL", "IRQREF") in triples(code(mechanics, text))


def test_a_conjunct_shares_the_mode_of_the_first(mechanics):
    rows = code(
        mechanics,
        "[Chile|CHL] urged [Peru|PER] to send aid to [Bolivia|BOL] and impose sanctions on [Ecuador|ECU].",
    )
    assert {r["cameo_root"] for r in rows} == {"02"}
    rows = code(mechanics, "[Chile|CHL] did not criticize or accuse [Peru|PER].")
    assert rows == []


def test_each_side_blamed_the_other(mechanics):
    text = (
        "[Kyrgyz|KGZMIL] troops attacked [Tajik|TJKMIL] troops on Sunday. || "
        "Each side accused the other of starting the shooting."
    )
    rows = code(mechanics, text)
    assert {(r["source_country"], r["target_country"]) for r in rows if r["cameo_root"] == "11"} == {
        ("KGZ", "TJK"),
        ("TJK", "KGZ"),
    }


def test_the_junta_is_the_government_of_the_country(mechanics):
    text = "[Myanmar|MMR] troops killed dozens of villagers. || [Indonesia|IDNGOV] urged the junta to stop."
    assert ("020", "IDNGOV", "MMRGOV") in triples(code(mechanics, text))


def test_a_demand_that_someone_act_is_addressed_to_them(mechanics):
    rows = code(mechanics, "[Chile|CHL] demanded that [Peru|PER] withdraw its troops.")
    assert triples(rows) == {("100", "CHL", "PER")}


def test_force_shown_faces_the_other_state_named(mechanics):
    rows = code(mechanics, "[Poland|POL] sent 3,000 soldiers to its border with [Belarus|BLR] on Monday.")
    assert triples(rows) == {("154", "POL", "BLR")}


def test_denying_a_plan_or_a_state_is_no_event(mechanics):
    assert code(mechanics, "[Thailand|THA] denied it would send troops to [Laos|LAO].") == []
    assert code(mechanics, "[Thailand|THA] denies it is arming rebels in [Laos|LAO].") == []


def test_a_claim_takes_the_victim_of_an_attack_by_no_one_named(mechanics):
    text = (
        "Gunmen killed six [Chadian|TCDMIL] soldiers on Sunday. || [Boko Haram|NGAINS|GROUP|NGA] claimed "
        "the attack."
    )
    rows = code(mechanics, text)
    assert ("015", "NGAINS", "TCDMIL") in triples(rows)


def test_an_owned_ship_belongs_to_the_owners_country_as_a_business(mechanics):
    rows = code(mechanics, "[Iran|IRNMIL] attacked a [Greek|GRC]-operated tanker in the strait.")
    assert triples(rows) == {("190", "IRNMIL", "GRCBUS")}


# ---------------------------------------------------------------------- mode


@pytest.mark.parametrize(
    "marked",
    [
        "[Russia|RUS] did not meet [Ukraine|UKR] in Geneva.",
        "[Turkey|TUR] may visit [Greece|GRC] later this year.",
        "[Turkey|TUR] is expected to visit [Greece|GRC] in the spring.",
        "[Iran|IRN] denied it would attack [Israel|ISR].",
        "[Kenya|KEN] has long accused [Somalia|SOM] of harbouring militants.",
        "[Japan|JPN] failed to impose sanctions on [Russia|RUS].",
    ],
)
def test_negated_hedged_and_habitual_acts_are_not_events(mechanics, marked):
    assert code(mechanics, marked) == []


def test_intent_and_refusal(mechanics):
    rows = code(mechanics, "[Norway|NOR] pledged to send aid to [Sudan|SDN].")
    assert triples(rows) == {("0333", "NOR", "SDN")}
    assert rows[0]["rule_id"].endswith("+intent")
    rows = code(mechanics, "[Brazil|BRA] will visit [Angola|AGO].")
    assert triples(rows) == {("036", "BRA", "AGO")}
    rows = code(mechanics, "[Ethiopia|ETH] refused to meet [Egypt|EGY].")
    assert triples(rows) == {("125", "ETH", "EGY")}


def test_declined_to_comment(mechanics):
    rows = code(mechanics, "[Ecuador|ECU] declined to comment on the report.")
    assert triples(rows) == {("011", "ECU", None)}


# ---------------------------------------------------------------------- one event per dyad and day


def test_restated_event_is_one_row_with_its_mentions(mechanics):
    rows = code(
        mechanics,
        "[Ghana|GHA] criticized [Togo|TGO] over the closure. || Later, [Ghana|GHA] "
        "criticized [Togo|TGO] again in parliament.",
    )
    assert len(rows) == 1
    (row,) = rows
    assert (row["num_mentions"], row["mention_sentences"], row["sentence_index"]) == (2, [0, 1], 0)
    assert row["event_id"] == stable_id("art-t", "GHA", "TGO", "111", PUBLISHED)


def test_same_dyad_on_different_days_stays_two_events(mechanics):
    text = "[Ghana|GHA] criticized [Togo|TGO] on Monday. || [Ghana|GHA] criticized [Togo|TGO] on Tuesday."
    item = parse_item("t", text, "none")
    dates = [
        day_row(item.text, "on Monday", dt.date(2024, 3, 11)),
        day_row(item.text, "on Tuesday", dt.date(2024, 3, 12), sentence_index=1),
    ]
    rows = code(mechanics, text, dates)
    assert sorted(r["event_date"] for r in rows) == [dt.date(2024, 3, 11), dt.date(2024, 3, 12)]


def test_headline_is_coded_only_when_the_body_does_not_report_it(mechanics):
    title = "Egypt condemns Israel over Gaza strikes"
    rows = code(mechanics, "The ministry spoke of the strikes on Monday.", title=title)
    assert {
        (r["cameo_root"], r["source_country"], r["target_country"], r["sentence_index"]) for r in rows
    } == {("11", "EGY", "ISR", HEADLINE_SENTENCE)}
    rows = code(mechanics, "[Egypt|EGY] condemned [Israel|ISR] over the strikes.", title=title)
    assert [r["sentence_index"] for r in rows] == [0]


def test_a_long_story_does_not_get_its_headline_coded(mechanics):
    body = " || ".join(
        ["The talks went on for hours."] * 5 + ["The ministry spoke of the strikes on Monday."]
    )
    rows = code(mechanics, body, title="Egypt condemns Israel over Gaza strikes")
    assert rows == []


# ---------------------------------------------------------------------- date and place


def test_date_attached_to_the_trigger_and_place(mechanics):
    text = "[Egypt|EGY] and [Qatar|QAT] held talks in [Doha|QAT|LOCATION] on Monday."
    item = parse_item("t", text, "none")
    rows = code(mechanics, text, [day_row(item.text, "on Monday", dt.date(2024, 3, 11))])
    assert triples(rows) == {("046", "EGY", "QAT"), ("046", "QAT", "EGY")}
    for row in rows:
        assert (row["event_date"], row["event_date_source"], row["event_date_precision"]) == (
            dt.date(2024, 3, 11),
            "text",
            "day",
        )
        assert (row["location_name"], row["location_country"]) == ("Doha", "QAT")
        assert row["latitude"] == pytest.approx(25.29, abs=0.05)


def test_reporting_date_does_not_date_a_material_act(mechanics):
    text = "[Norway|NOR] said on Monday that it had sent aid to [Sudan|SDN]."
    item = parse_item("t", text, "none")
    rows = code(mechanics, text, [day_row(item.text, "on Monday", dt.date(2024, 3, 11))])
    assert [(r["event_date"], r["event_date_source"]) for r in rows] == [(PUBLISHED, "published")]


def test_background_and_month_level_dates(mechanics):
    text = "[Ghana|GHA] criticized [Togo|TGO] on March 2, 2021."
    item = parse_item("t", text, "none")
    assert code(mechanics, text, [day_row(item.text, "on March 2, 2021", dt.date(2021, 3, 2))]) == []
    text = "[Ghana|GHA] criticized [Togo|TGO] earlier this month."
    item = parse_item("t", text, "none")
    rows = code(
        mechanics,
        text,
        [day_row(item.text, "earlier this month", PUBLISHED.replace(day=1), granularity="month")],
    )
    assert [(r["event_date"], r["event_date_precision"]) for r in rows] == [(PUBLISHED, "month")]


def test_a_country_level_place_gets_the_country_centroid(mechanics):
    rows = code(mechanics, "[Chile|CHL] criticized [Peru|PER] in [Bolivia|BOL|LOCATION] on Monday.")
    assert rows and rows[0]["location_country"] == "BOL"
    assert rows[0]["latitude"] is not None and -25 < rows[0]["latitude"] < -9


def test_sentence_without_actors_codes_nothing(mechanics):
    assert code(mechanics, "The talks went on for hours and nobody attacked anyone.") == []


def test_coding_is_deterministic(mechanics):
    text = "[Spain|ESP] and [Portugal|PRT] sent aid to [Morocco|MAR]. || [Chile|CHL] criticized [Peru|PER]."
    assert code(mechanics, text) == code(mechanics, text)


# ---------------------------------------------------------------------- the seed, on the shipped lexicon


@pytest.fixture(scope="module")
def seed_events(coder):
    article, sentences, entities, dates = seed_inputs()
    entities = ActorMatcher.load().match(article["text"], sentences, SEED_PUBLISHED, article["article_id"])
    return coder.code_document(article, sentences, entities, dates)


def test_seed_tehran_meeting_one_row_per_dyad_dated_and_located(seed_events):
    meeting = [r for r in seed_events if r["cameo_root"] == "04" and r["location_name"] == "Tehran"]
    assert meeting, "no consultation located in Tehran"
    pairs = [(r["source_country"], r["target_country"]) for r in meeting]
    assert len(pairs) == len(set(pairs))  # one row per dyad
    assert {c for pair in pairs for c in pair if c} <= ATTENDING
    for row in meeting:
        assert row["event_date"] == dt.date(2021, 10, 27)  # "on Wednesday", published on Thursday the 28th
        assert row["location_country"] == "IRN"
        assert row["latitude"] == pytest.approx(35.69, abs=0.05)


def test_seed_intents_appeals_and_no_recognition(seed_events):
    intents = {(r["source_country"], r["target_country"]) for r in seed_events if r["cameo_root"] == "03"}
    assert intents & {("CHN", "RUS"), ("RUS", "CHN"), ("IRN", "PAK"), ("PAK", "IRN")}
    assert any(r["source_actor"] == "RUSGOV" and r["cameo_root"] in ("02", "03") for r in seed_events)
    assert any(r["source_actor"] == "CHNGOV" for r in seed_events)
    assert not any(r["cameo_code"] == "054" for r in seed_events)


def test_seed_rows_fit_the_events_schema_with_codebook_values(seed_events):
    codebook = Codebook.load()
    table = rows_to_arrow(TABLES["events"], seed_events)
    assert table.num_rows == len(seed_events) > 0
    assert table.schema.field("mention_sentences").type == pa.list_(pa.int32())
    for row in seed_events:
        entry = codebook[row["cameo_code"]]
        assert (row["quad_class"], row["goldstein"], row["plover_type"]) == (
            entry.quad_class,
            entry.goldstein,
            entry.plover_type,
        )
        assert row["cameo_root"] == row["cameo_code"][:2]
        assert 0 < row["confidence"] <= 1
        assert row["published_date"] == SEED_PUBLISHED
        assert row["trigger"] in row["evidence"]
        assert row["num_mentions"] == len(row["mention_sentences"]) >= 1
    assert len({r["event_id"] for r in seed_events}) == len(seed_events)


def test_code_sentence_is_code_document_of_one_sentence(mechanics):
    item = parse_item("t", "[France|FRA] criticized [Mali|MLI].", "none")
    article = {"article_id": "art-t", "text": item.text, "published_date": PUBLISHED}
    sentence = Sentence(0, 0, len(item.text), item.text)
    assert mechanics.code_sentence(sentence, item.entities, [], article) == code(
        mechanics, "[France|FRA] criticized [Mali|MLI]."
    )


def test_the_frame_index_finds_exactly_the_frames_that_fit(coder):
    """``_fitting`` looks only at the frames whose required object nouns the token's objects hold; the
    frames and scores are those of trying every frame of the word in turn, on verbs with many frames
    (call, launch, hold, send, offer) and on sentences written for this test."""
    from transforms.events.coder import _FrameFacts
    from transforms.events.roles import MentionIndex, RoleReader

    def every_frame(frames, facts):
        fitting = []
        for order, frame in enumerate(frames):
            score = 0
            if frame.particle:
                if not facts.has_particle(frame.particle):
                    continue
                score += 2
            if frame.objects:
                compounds, words = facts.object_words(frame.particle)
                if compounds & frame.objects:
                    score += 4
                elif words & frame.objects:
                    score += 3
                else:
                    continue
            extra = EventCoder._fits_beyond_objects(frame, facts)
            if extra is not None:
                fitting.append((-(score + extra), order, frame))
        return sorted(fitting, key=lambda candidate: candidate[:2])

    texts = [
        "Kenya called on Uganda to release the sailors and called for a ceasefire on Tuesday.",
        "The army launched an air strike and launched a probe into the killings.",
        "Iran held talks with Qatar, held a rally and held two journalists for a week.",
        "France sent troops and sent tear gas to the police; Egypt offered aid and offered to mediate.",
        "The ministers called off the meeting and called it a provocation.",
    ]
    compared = fitting = 0
    for text in texts:
        doc = coder.nlp(text)
        reader = RoleReader(doc, MentionIndex(doc, [], 0), coder.modes)
        for token in doc:
            frames = coder._verb_frames(token) if token.pos_ in ("VERB", "AUX") else coder._noun_frames(token)
            if not frames:
                continue
            found = coder._fitting(frames, _FrameFacts(coder, token, reader))
            assert found == every_frame(frames, _FrameFacts(coder, token, reader)), (text, token.text)
            compared += 1
            fitting += len(found)
    assert compared >= 15 and fitting >= 10


def test_every_token_with_a_frame_is_a_trigger_candidate(coder):
    """``_code_parsed`` asks ``_frame_for`` only about the tokens ``_trigger_candidates`` reads from the
    parse's arrays; every token it finds a frame for is among them, and most tokens are not."""
    from transforms.events.roles import MentionIndex, RoleReader

    texts = [
        "Kenya called on Uganda to release the sailors and imposed sanctions on its ministers.",
        "The air strike on the convoy drew a protest; talks between Russia and Ukraine resumed in Istanbul.",
        "Iran held talks with Qatar and staged a walkout, officials said, after the attack by militants.",
        "Egypt declined to comment on the blockade, and France pledged to send aid to Lebanon.",
    ]
    framed = candidates = tokens = 0
    for text in texts:
        doc = coder.nlp(text)
        reader = RoleReader(doc, MentionIndex(doc, [], 0), coder.modes)
        found = coder._trigger_candidates(doc)
        assert found == sorted(set(found))
        for token in doc:
            if coder._frame_for(token, reader) is not None:
                framed += 1
                assert token.i in found, (text, token.text)
        candidates += len(found)
        tokens += len(doc)
    assert framed >= 8 and candidates < tokens / 2
