"""The lemma-frame lexicon (transforms/lexicons/frames/) and its loader (transforms/events/frames.py)."""

from __future__ import annotations

import pytest

from transforms.events.codebook import Codebook
from transforms.events.frames import (
    DEFAULT_NOUN_TARGETS,
    DEFAULT_VERB_TARGETS,
    Frame,
    FrameError,
    FrameLexicon,
)

# Event codes with no frame at all. Empty: every 3- and 4-digit code of the codebook has at least one
# entry (a few only through a narrow nominal or prepositional form), and the test fails if one loses it.
UNREACHED: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.load()


@pytest.fixture(scope="module")
def lexicon(codebook) -> FrameLexicon:
    return FrameLexicon.load(codebook)


def _one(text: str, codebook: Codebook, name: str = "02_appeals.txt") -> Frame:
    frames = FrameLexicon.from_texts({name: text}, codebook)
    assert len(frames) == 1
    return frames.frames()[0]


# ---------------------------------------------------------------- the shipped lexicon


def test_shipped_lexicon_is_broad_and_covers_every_root(lexicon, codebook):
    assert len(lexicon) >= 1500
    roots = lexicon.roots()
    assert list(roots) == [f"{n:02d}" for n in range(1, 21)]
    assert all(count >= 50 for count in roots.values()), roots
    assert sum(roots.values()) == len(lexicon)
    assert all(frame.code in codebook and len(frame.code) >= 3 for frame in lexicon)


def test_every_event_code_of_the_codebook_has_a_frame(lexicon, codebook):
    missing = set(codebook.event_codes()) - lexicon.codes()
    assert missing == UNREACHED


def test_meet_is_a_consult_frame_that_needs_both_sides(lexicon):
    meets = lexicon.verb_frames("meet")
    bare = [frame for frame in meets if not frame.objects and frame.particle is None]
    assert bare and bare[0].code[:2] in ("03", "04")
    assert bare[0].need_target and bare[0].need_source and bare[0].mutual
    assert bare[0].target_slots == ("obj", "with")
    assert {frame.pos for frame in meets} == {"VERB"}


def test_call_on_has_its_particle_and_appeal_code(lexicon):
    call_on = [frame for frame in lexicon.verb_frames("call") if frame.particle == "on" and not frame.objects]
    assert call_on and call_on[0].code == "020" and call_on[0].rule_id == "call_on 020"
    assert call_on[0].target_slots == ("on",)


def test_impose_sanction_targets_on_and_against(lexicon):
    frames = [frame for frame in lexicon.verb_frames("impose") if "sanction" in frame.objects]
    assert [frame.code for frame in frames] == ["163"]
    assert {"sanction", "embargo", "tariff"} <= frames[0].objects
    assert frames[0].target_slots[:2] == ("on", "against")
    assert frames[0].rule_id == "impose+sanction 163"


@pytest.mark.parametrize(("lemma", "objects", "code"), [
    ("lodge", {"protest", "complaint"}, "114"),
    ("sign", {"agreement", "treaty", "accord"}, "057"),
    ("expel", {"diplomat", "ambassador"}, "174"),
    ("recall", {"ambassador", "envoy"}, "161"),
    ("release", {"prisoner", "hostage", "detainee"}, "0841"),
    ("reject", {"accusation", "allegation"}, "016"),
    ("reject", {"proposal", "plan", "offer"}, "120"),
    ("deny", {"charge", "wrongdoing"}, "016"),
    ("open", {"fire"}, "193"),
    ("exchange", {"fire"}, "193"),
    ("capture", {"town", "territory"}, "192"),
    ("express", {"condolence", "sympathy"}, "018"),
    ("express", {"concern"}, "012"),
    ("claim", {"responsibility"}, "015"),
    ("lay", {"wreath"}, "017"),
    ("impose", {"curfew"}, "1723"),
    ("issue", {"ultimatum"}, "139"),
    ("hold", {"talk", "meeting"}, "040"),
    ("receive", {"aid"}, "070"),
])
def test_light_verb_frames_pick_the_specific_code(lexicon, lemma, objects, code):
    codes = {frame.code for frame in lexicon.verb_frames(lemma) if objects <= frame.objects}
    assert code in codes, (lemma, objects, codes)


def test_source_and_target_slots_follow_the_english_construction(lexicon):
    receive_aid = [f for f in lexicon.verb_frames("receive") if "aid" in f.objects and f.code == "070"]
    assert receive_aid[0].source_slot == "from" and receive_aid[0].target_slots == ("subj",)
    accuse = [f for f in lexicon.verb_frames("accuse") if f.particle is None and not f.objects]
    assert accuse[0].code == "112" and accuse[0].target_slots == ("obj",)
    espionage = [f for f in lexicon.verb_frames("accuse") if "espionage" in f.objects]
    assert espionage[0].code == "1125" and espionage[0].particle == "of"
    summon = [f for f in lexicon.verb_frames("summon") if f.code == "114" and not f.objects]
    assert summon[0].object_kind == "actor" and summon[0].need_target
    fire = [f for f in lexicon.verb_frames("exchange") if "fire" in f.objects]
    assert fire[0].mutual
    assert next(f.code for f in lexicon.verb_frames("extradite")) == "063"


def test_decline_to_comment_and_warn_that(lexicon):
    decline = [f for f in lexicon.verb_frames("decline") if "comment" in f.xcomp]
    assert decline[0].code == "011" and decline[0].rule_id == "decline>comment 011"
    warn = [f for f in lexicon.verb_frames("warn") if not f.objects and f.particle is None]
    assert any(f.code == "012" and f.complement == "that" for f in warn)
    assert any(f.code == "130" and f.object_kind == "actor" for f in warn)


def test_noun_frames(lexicon):
    sanction = lexicon.noun_frames("sanction")
    assert sanction[0].code == "163" and sanction[0].pos == "NOUN" and sanction[0].rule_id == "n:sanction 163"
    assert "between" in lexicon.noun_frames("talk")[0].target_slots
    visits = lexicon.noun_frames("visit")
    assert {f.source_slot for f in visits} == {"subj", "of"}
    assert all(f.target_slots == ("to",) for f in visits)
    assert lexicon.noun_frames("air_strike")[0].code == "195"
    assert lexicon.noun_frames("ethnic_cleansing")[0].code == "203"
    assert lexicon.noun_frames("meet") == () and lexicon.verb_frames("ceasefire_violation") == ()


def test_trigger_words_hold_every_inflected_form(lexicon):
    words = lexicon.trigger_words()
    for word in ("met", "meets", "meeting", "imposed", "sanctions", "sanction", "talks", "shelled", "struck",
                 "vetoes", "levelled", "leveled", "airstrikes", "withdrew", "condemns", "condemned"):
        assert word in words, word
    assert "the" not in words and "weather" not in words


def test_verb_lemmas_undo_the_models_bad_lemmas(lexicon):
    assert lexicon.verb_lemmas("staged") == ("stage",)
    assert lexicon.verb_lemmas("met") == ("meet",)
    assert "leave" in lexicon.verb_lemmas("left")
    assert lexicon.verb_lemmas("stag") == ()


def test_frames_of_a_lemma_keep_file_order(lexicon):
    codes = [frame.code for frame in lexicon.verb_frames("protest")]
    assert codes.index("114") < codes.index("141")
    wheres = [frame.where for frame in lexicon.verb_frames("release")]
    assert wheres == sorted(wheres, key=lambda where: (where.split(":")[0], int(where.split(":")[1])))


# ---------------------------------------------------------------- the line format


def test_a_full_line_parses_into_every_field(codebook):
    text = "# appeals\n\n020  call_on  T=on,to  S=subj  conf=0.7  need=T mutual   # trailing\n"
    frame = _one(text, codebook)
    assert frame == Frame(code="020", lemma="call", pos="VERB", particle="on", objects=frozenset(),
                          target_slots=("on", "to"), source_slot="subj", need_target=True,
                          need_source=False, mutual=True, object_kind=None, complement=None,
                          confidence=0.7, where="02_appeals.txt:3")


def test_defaults_and_trigger_forms(codebook):
    verb = _one("020  urge", codebook)
    assert verb.target_slots == DEFAULT_VERB_TARGETS and verb.source_slot == "subj"
    assert verb.confidence == 0.8 and verb.particle is None and verb.objects == frozenset()
    noun = _one("163  n:sanction", codebook, "16_reduce_relations.txt")
    assert noun.pos == "NOUN" and noun.target_slots == DEFAULT_NOUN_TARGETS
    received = _one("073  receive+aid/assistance  S=from", codebook, "07_aid.txt")
    assert received.objects == {"aid", "assistance"} and received.target_slots == ("subj",)
    assert received.rule_id == "receive+aid 073"
    strike = _one("082  call_off+strike/protest", codebook, "08_yield.txt")
    assert (strike.lemma, strike.particle, strike.objects) == ("call", "off", {"strike", "protest"})
    compound = _one("195  carry_out+air_strike/airstrike  T=on", codebook, "19_fight.txt")
    assert compound.objects == {"air_strike", "airstrike"} and compound.particle == "out"
    summon = _one("114  summon  obj=actor need=T", codebook, "11_disapprove.txt")
    assert summon.object_kind == "actor" and summon.need_target and not summon.need_source
    warn = _one("012  warn  comp=that", codebook, "01_statements.txt")
    assert warn.complement == "that"
    decline = _one("011  decline  xcomp=comment,elaborate", codebook, "01_statements.txt")
    assert decline.xcomp == {"comment", "elaborate"}
    assert _one("174  bring_home+diplomat", codebook, "17_coerce.txt").particle == "home"


@pytest.mark.parametrize(("line", "message"), [
    ("999  meet", "'999' is not a code"),
    ("02  urge", "is a root"),
    ("040  meet", "belongs to root 04"),
    ("020  urge  X=1", "unknown key or flag 'X=1'"),
    ("020  urge  needT", "unknown key or flag 'needT'"),
    ("020  urge  T=obj,agianst", "T='agianst'"),
    ("020  urge  S=obj", "the source is the subject"),
    ("020  urge  T=obj T=to", "key T= given twice"),
    ("020  urge  need=T need=T", "given twice"),
    ("020  urge  conf=1.5", "conf must be in (0, 1]"),
    ("020  urge  conf=high", "not a number"),
    ("020  urge  obj=thing", "obj= takes only 'actor'"),
    ("020  urge  comp=if", "comp= takes only 'that'"),
    ("020  n:appeal+plea", "a noun trigger takes no required object"),
    ("020  n:appeal  obj=actor", "for verb triggers"),
    ("020  urge+call  obj=actor", "would contradict"),
    ("020  call_xyz", "not a particle or preposition"),
    ("020  stick_up_for", "bad verb trigger"),
    ("020  Urge", "bad verb trigger"),
    ("020  call_for+de-escalation", "bad object lemma"),
    ("020  call_for+crime_against_humanity", "no preposition"),
    ("020  call_for+talk/talk", "lists a word twice"),
    ("020  urge  S=from T=from", "both the source and a target"),
    ("020", "need 'CODE TRIGGER"),
])
def test_malformed_lines_raise_naming_file_and_line(codebook, line, message):
    with pytest.raises(FrameError) as raised:
        FrameLexicon.from_texts({"02_appeals.txt": f"# header\n020  appeal_to  T=to\n{line}\n"}, codebook)
    assert str(raised.value).startswith("02_appeals.txt:3: "), str(raised.value)
    assert message in str(raised.value)


def test_identical_lines_are_an_error_even_across_files(codebook):
    with pytest.raises(FrameError, match=r"02_appeals.txt:2: the same frame as 02_appeals.txt:1"):
        FrameLexicon.from_texts({"02_appeals.txt": "020 urge T=obj\n020  urge   T=obj  # again\n"}, codebook)
    with pytest.raises(FrameError, match=r"b.txt:1: the same frame as a.txt:1"):
        FrameLexicon.from_texts({"b.txt": "020 urge conf=0.8", "a.txt": "020 urge"}, codebook)
    # Same trigger, other code or other options: two frames.
    assert len(FrameLexicon.from_texts({"x.txt": "020 urge\n100 urge\n020 urge need=T"}, codebook)) == 3


def test_index_roots_and_trigger_words_of_a_small_lexicon(codebook):
    texts = {
        "04_consult.txt": "040 meet T=obj,with need=T need=S mutual\n042 n:visit T=to\n",
        "16_reduce_relations.txt": "163 impose+sanction/embargo T=on,against\n163 n:sanction T=on\n",
        "12_reject.txt": "129 veto\n",
    }
    lexicon = FrameLexicon.from_texts(texts, codebook)
    assert len(lexicon) == 5 and lexicon.roots() == {"04": 2, "12": 1, "16": 2}
    assert [f.code for f in lexicon.verb_frames("meet")] == ["040"]
    assert lexicon.verb_frames("visit") == () and lexicon.noun_frames("visit")[0].code == "042"
    assert lexicon.verb_frames("sanction") == () and len(lexicon.noun_frames("sanction")) == 1
    assert lexicon.trigger_words() >= {"meet", "met", "meeting", "meets", "impose", "imposed", "imposing",
                                       "visit", "visits", "sanction", "sanctions", "veto", "vetoed", "vetoes"}
    assert "embargo" not in lexicon.trigger_words()  # objects are not trigger heads
    assert lexicon.codes() == {"040", "042", "129", "163"}


def test_compound_heads_are_the_words_a_noun_compound_ends_with(lexicon, codebook):
    heads = lexicon.compound_heads
    compounds = [frame.lemma for frame in lexicon.frames() if frame.pos == "NOUN" and "_" in frame.lemma]
    assert compounds and all(compound.split("_", 1)[1] in heads for compound in compounds)
    assert all(compound.rsplit("_", 1)[1] in heads for compound in compounds)
    assert "strike" in heads and "meet" not in heads
    three = FrameLexicon.from_texts({"19_fight.txt": "190 n:car_bomb_attack T=on\n"}, codebook)
    assert three.compound_heads == {"bomb_attack", "attack"}
