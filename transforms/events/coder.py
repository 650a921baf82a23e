"""The events coder: who did what to whom, when and where, as CAMEO-coded rows of the ``events`` table.

Pure module, no Beam. ``EventCoder.load()`` builds the parser, the frame lexicon, the mode lists, the
codebook and the gazetteer once; ``code_document`` then codes one article.

How an article is read:

1. Only sentences that hold a word some frame can be triggered by and an actor mention are parsed
   (spaCy, in one batch per article).
2. Each token whose lemma heads a frame (``transforms/lexicons/frames/``) is a trigger candidate; the
   most specific frame whose conditions the parse meets wins (a required object noun or particle beats
   a bare verb). A support verb whose object is an event noun ("imposed sanctions on", "launched an
   attack on") takes the noun's frame.
3. The mode of the trigger's clause: negated, hedged, habitual or denied acts are no events; intended
   ones become intents (03x, or threats 13x for force), refused ones rejections (12x); the infinitive
   under an appeal, demand or threat ("urged Iran to release ...") only refines the appeal's code.
4. Roles from the parse (``roles.RoleReader``): source = subject or passive agent, target = the slots the
   frame names (direct object, a preposition's object); coordination gives one event per pair.
5. Date: the date expression attached to the trigger's clause; a reporting verb's date ("said on
   Monday that ...") dates only verbal acts; else the publication date. Acts dated more than a month
   before publication are background and are not coded; acts dated after it have not happened.
6. One row per (source, target, code, event date) in the article, with the number of mentions and the
   sentences that mention it. The headline is coded only when no body sentence reports the same event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from spacy import parts_of_speech
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.tokens import Doc, Token

from transforms.common.document import Row, Sentence
from transforms.common.ids import stable_id
from transforms.dates.published import has_source_date, local_publication_date
from transforms.entities.gazetteer import Gazetteer
from transforms.events.bounds import MAX_PARTIES_PER_SIDE
from transforms.events.codebook import Codebook
from transforms.events.frames import DEFAULT_VERB_TARGETS, Frame, FrameLexicon
from transforms.events.inflect import load_inflector
from transforms.events.modes import Modes, load_code_maps, load_unnamed
from transforms.events.parser import load_parser
from transforms.events.roles import (
    BOTH_SIDES,
    CLAUSE_DEPS,
    CONTENT,
    DATELINE,
    INTENDED,
    REFUSED,
    REHEARSED,
    ActorRef,
    MentionIndex,
    PlaceRef,
    RoleReader,
)
from transforms.events.rowcolumns import (
    Mentions,
    actor_columns,
    article_columns,
    code_columns,
    entity_mentions,
    place_columns,
)
from transforms.events.topics import TopicFilter

BACKGROUND_DAYS = 31  # older acts are background, not news (the corpus conventions' "about a month")
HEADLINE_SENTENCE = -1  # sentence_index of events coded from the article's title
_VERBAL_QUAD_CLASSES = (1, 3)  # verbal cooperation and verbal conflict: the saying is the act
_GRANULARITY_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}
_NOUN_TRIGGER_DEPS = ("ROOT", "nsubj", "dobj", "pobj", "appos")  # where an event noun codes on its own
_TRIGGER_ATTRS = [POS, DEP, LEMMA, LOWER]
_VERB_POS = frozenset({parts_of_speech.VERB, parts_of_speech.AUX})
_NOUN_POS = frozenset({parts_of_speech.NOUN, parts_of_speech.PROPN})


@dataclasses.dataclass
class _Coded:
    """One event before the article-level merge."""

    code: str
    frame: Frame
    source: ActorRef | None
    target: ActorRef | None
    trigger: Token
    sentence_index: int
    sentence: Sentence
    event_date: dt.date | None
    date_source: str
    precision: str | None
    place: PlaceRef | None
    confidence: float
    rule_suffix: str = ""
    refers_to: frozenset[str] = frozenset()  # roots of the earlier event an object noun refers back to
    reported_by: tuple[ActorRef, ...] = ()  # who says so, when the act is told in reported speech


@dataclasses.dataclass(frozen=True)
class _ArticleContext:
    """What every sentence of one article reads: its own country, its actors by head word, its author."""

    home_country: str | None
    named: _HeadWordIndex
    author: ActorRef | None


class EventCoder:
    """Codes events; build once (``load``), call per document."""

    HEADLINE_BODY_LIMIT = 4  # headlines are coded only for items whose body has at most this many sentences

    def __init__(
        self,
        nlp: Language,
        frames: FrameLexicon,
        modes: Modes,
        codebook: Codebook,
        gazetteer: Gazetteer,
        code_maps: Mapping[str, Mapping],
        unnamed: Mapping[str, str] | None = None,
        topics: TopicFilter | None = None,
    ):
        self.nlp = nlp
        self.unnamed = dict(unnamed or {})
        # Nouns that name a state's forces with no actor mention ("the army", "police"): a sentence that
        # holds one is parsed even when the entities stage found no actor in it.
        # So does a noun of people who protest ("students blocked the road").
        acting = {word for word, role in self.unnamed.items() if role.lower() in modes.state_roles}
        acting |= {word for word, role in self.unnamed.items() if role in _CIVIL_ROLES}
        self._state_words = frozenset(acting) | frozenset(word + "s" for word in acting)
        self.topics = topics
        # "both governments", "each side": the two parties of the article, so the sentence is worth a parse.
        self._side_words = modes.side_nouns | frozenset(word + "s" for word in modes.side_nouns)
        self.frames = frames
        self.modes = modes
        self.codebook = codebook
        self.gazetteer = gazetteer
        self._intent_codes = code_maps.get("intent_codes", {})
        self._refusal_codes = code_maps.get("refusal_codes", {})
        self._complement_codes = code_maps.get("complement_codes", {})
        self._armed_protest_codes = code_maps.get("armed_protest_codes", {})
        self._domestic_targets = code_maps.get("domestic_codes", {})
        self._hosted_acts = code_maps.get("hosted_codes", {})
        self._dyadic_roots = frozenset(code_maps.get("dyadic_roots", {}))
        # Which words may start a frame: a form of a verb with a frame of its own, or a form of a verb whose
        # frames all need an object noun together with one of those nouns, or an event noun. Event nouns
        # are trigger words too, so a support verb ("held talks") never needs a parse of its own.
        self._trigger_words, self._needs_object = _prefilter(frames)
        self._mode_heads = modes.intent_heads | modes.refusal_heads | modes.command_heads
        self.sentences_parsed = 0  # a running count, read by the events stage for its counter
        self._plans: dict[tuple[int, ...], _FramePlan] = {}  # frames (by identity) -> their index
        # The dependency labels as the parse's arrays hold them (string hashes).
        self._clause_dep_ids = frozenset(nlp.vocab.strings.add(dep) for dep in CLAUSE_DEPS)
        self._noun_dep_ids = frozenset(nlp.vocab.strings.add(dep) for dep in _NOUN_TRIGGER_DEPS)

    @classmethod
    def load(cls) -> EventCoder:
        codebook = Codebook.load()
        return cls(
            load_parser(),
            FrameLexicon.load(codebook),
            Modes.load(),
            codebook,
            Gazetteer.load(),
            load_code_maps(),
            load_unnamed(),
            TopicFilter.load(),
        )

    # ------------------------------------------------------------------ public API

    def code_document(
        self,
        article: Mapping[str, Any],
        sentences: Sequence[Sentence],
        entity_rows: Sequence[Row],
        date_rows: Sequence[Row],
    ) -> list[Row]:
        """The event rows of one article (document.article, .sentences, .entities, .dates)."""
        if self.topics is not None and self.topics.off_topic(
            f"{article.get('title') or ''}\n{article.get('text') or ''}"
        ):
            return []
        context = _ArticleContext(
            home_country=_dateline_country(entity_rows, sentences) or _home_country(entity_rows),
            named=_HeadWordIndex(entity_rows),
            author=_first_actor(entity_rows, sentences),
        )
        by_sentence: dict[int, list[Row]] = {}
        for row in entity_rows:
            by_sentence.setdefault(row["sentence_index"], []).append(row)
        dates_by_sentence: dict[int, list[Row]] = {}
        for row in date_rows:
            dates_by_sentence.setdefault(row["sentence_index"], []).append(row)
        state_words = self._state_words | context.named.head_words | self._side_words
        chosen = [
            sentence
            for sentence in sentences
            if self._may_hold_event(sentence.text)
            and (by_sentence.get(sentence.index) or _holds_any(sentence.text, state_words))
        ]
        # A long story restates its headline in the body, told better; a feed item (a headline and a
        # sentence or three) often does not.
        headline = (
            self._headline(article, entity_rows) if len(sentences) <= self.HEADLINE_BODY_LIMIT else None
        )
        chosen = [_without_dateline(sentence) for sentence in chosen]
        texts = [sentence.text for sentence in chosen] + ([headline[0].text] if headline else [])
        docs = list(self.nlp.pipe(texts, batch_size=64))
        self.sentences_parsed += len(texts)
        coded: list[_Coded] = []
        author = context.author
        for sentence, doc in zip(chosen, docs, strict=False):
            mentions = MentionIndex(doc, by_sentence.get(sentence.index, []), sentence.start, sentence.text)
            coded.extend(
                self._code_parsed(
                    doc,
                    sentence,
                    mentions,
                    dates_by_sentence.get(sentence.index, []),
                    article,
                    dataclasses.replace(context, author=author),
                )
            )
            author = _statement_voice(doc, mentions) or author
        if headline:
            title, title_entities = headline
            reported = {_restatement_key(event) for event in coded}
            title_mentions = MentionIndex(docs[-1], title_entities, title.start, title.text)
            coded.extend(
                event
                for event in self._code_parsed(docs[-1], title, title_mentions, [], article, context)
                if _restatement_key(event) not in reported
            )
        return self._merge(coded, article, entity_mentions(entity_rows))

    def _headline(
        self, article: Mapping[str, Any], entity_rows: Sequence[Row]
    ) -> tuple[Sentence, list[Row]] | None:
        """The title as a sentence (index -1, offsets into the title) with the entities stage's mentions of
        it, when it may hold an event. Headlines are coded only for events no body sentence reports."""
        title = article.get("title") or ""
        rows = [row for row in entity_rows if row["sentence_index"] == HEADLINE_SENTENCE]
        if not title.strip() or not rows or not self._may_hold_event(title):
            return None
        return Sentence(index=HEADLINE_SENTENCE, start=0, end=len(title), text=title), rows

    def code_sentence(
        self,
        sentence: Sentence,
        entity_rows: Sequence[Row],
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
    ) -> list[Row]:
        """The event rows of one sentence, coded as if it were the whole article."""
        return self.code_document(article, [sentence], entity_rows, date_rows)

    def _may_hold_event(self, text: str) -> bool:
        """Whether the sentence holds a trigger, judged from its words alone (no parse)."""
        words = {word.strip(".,;:!?\"'()“”«»—–") for word in text.lower().replace("’", "'").split()}
        if words & self._trigger_words:
            return True
        return any(
            objects & words
            for form in words & self._needs_object.keys()
            for objects in (self._needs_object[form],)
        )

    # ------------------------------------------------------------------ one sentence

    def _code_parsed(
        self,
        doc: Doc,
        sentence: Sentence,
        mentions: MentionIndex,
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
        context: _ArticleContext,
    ) -> list[_Coded]:
        reader = RoleReader(doc, mentions, self.modes)
        reader.home_country = context.home_country
        reader.neighbours = self.gazetteer.neighbours
        reader.is_country = self._is_country
        reader.author = context.author
        reader.lead = sentence.index <= 0
        reader.earlier_named = context.named.latest_before if sentence.index >= 0 else None
        coded: list[_Coded] = []
        consumed: set[int] = set()  # event nouns already coded through their support verb
        for index in self._trigger_candidates(doc):
            if index in consumed:
                continue
            token = doc[index]
            found = self._frame_for(token, reader)
            if found is None:
                continue
            frame, noun = found
            if noun is not None:
                consumed.add(noun.i)
            if frame.xcomp:
                # "declined to comment": the infinitive belongs to the frame, it is no event of its own.
                consumed.update(child.i for child in token.children if child.dep_ == "xcomp")
            coded.extend(self._code_trigger(token, frame, reader, sentence, date_rows, article))
        return coded

    def _trigger_candidates(self, doc: Doc) -> list[int]:
        """The tokens ``_frame_for`` may find a frame for, read from the parse's arrays without making a
        token of each: a clause verb whose lemma or form has verb frames or is a support verb, a noun in
        a frame's position whose lemma or form has noun frames or ends a compound frame. For any other
        token ``_frame_for`` returns None."""
        strings = doc.vocab.strings
        clause_deps, noun_deps = self._clause_dep_ids, self._noun_dep_ids
        frames = self.frames
        found = []
        for index, (pos, dep, lemma, lower) in enumerate(doc.to_array(_TRIGGER_ATTRS).tolist()):
            if pos in _VERB_POS and dep in clause_deps:
                word = strings[lemma].lower()
                if frames.verb_frames(word) or frames.verb_lemmas(strings[lower]) or (
                        word in self.modes.support_verbs):
                    found.append(index)
            elif pos in _NOUN_POS and dep in noun_deps:
                word = strings[lemma].lower()
                if word in frames.compound_heads or frames.noun_frames(word) or frames.noun_frames(
                        strings[lower]):
                    found.append(index)
        return found

    def _frame_for(self, token: Token, reader: RoleReader) -> tuple[Frame, Token | None] | None:
        """The frame a token triggers and, for a support verb, the event noun that gave it."""
        if token.pos_ in ("VERB", "AUX") and token.dep_ in CLAUSE_DEPS:
            if self._hands_over_to_infinitive(token, reader):
                return None
            frame = self._best_frame(token, self._verb_frames(token), reader)
            if frame is not None:
                return frame, None
            if token.lemma_.lower() in self.modes.support_verbs:
                for child in token.children:
                    if child.dep_ in ("dobj", "nsubjpass") and child.pos_ in ("NOUN", "PROPN"):
                        frame = self._best_frame(child, self._noun_frames(child), reader)
                        if frame is not None:
                            return frame, child
            return None
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in _NOUN_TRIGGER_DEPS:
            frames = self._noun_frames(token)
            if frames and self._is_standalone_noun(token, reader):
                frame = self._best_frame(token, frames, reader)
                if frame is not None:
                    return frame, None
        return None

    def _verb_frames(self, token: Token) -> tuple[Frame, ...]:
        """Frames of the verb's lemma, and of the lemmas its form belongs to: the lemmatizer turns
        some e-final verbs into other words ("staged" -> "stag")."""
        frames = self.frames.verb_frames(token.lemma_.lower())
        for lemma in self.frames.verb_lemmas(token.lower_):
            if lemma != token.lemma_.lower():
                frames = frames + self.frames.verb_frames(lemma)
        return frames

    def _noun_frames(self, token: Token) -> tuple[Frame, ...]:
        """Frames of a compound first ("air strike" -> air_strike), then of the head noun ("talks" is
        lemmatized to "talk", but a plural-only noun may be listed as written)."""
        lemma = token.lemma_.lower()
        if lemma in self.frames.compound_heads:
            for child in token.children:
                if child.dep_ in ("compound", "amod") and child.i == token.i - 1:
                    frames = self.frames.noun_frames(f"{child.lemma_.lower()}_{lemma}")
                    if frames:
                        return frames
        return self.frames.noun_frames(lemma) or self.frames.noun_frames(token.lower_)

    def _hands_over_to_infinitive(self, token: Token, reader: RoleReader) -> bool:
        """ "pledged to work together", "agreed to launch patrols": the intent verb only sets the mode of
        the act in its infinitive, which is coded (as an intent) in its place, when that act has a frame."""
        lemma = token.lemma_.lower()
        if lemma not in self._mode_heads:
            return False
        for child in token.children:
            if child.dep_ != "xcomp":
                continue
            if any(child.lemma_.lower() in frame.xcomp for frame in self._verb_frames(token)):
                return False  # "declined to comment" is a frame of its own (011), no refusal of a comment
            if self._best_frame(child, self._verb_frames(child), reader) is not None:
                return True
            if child.lemma_.lower() in self.modes.support_verbs and any(
                self._best_frame(grand, self._noun_frames(grand), reader)
                for grand in child.children
                if grand.dep_ in ("dobj", "nsubjpass")
            ):
                return True
        return False

    def _is_standalone_noun(self, token: Token, reader: RoleReader) -> bool:
        """An event noun codes on its own only when it names both sides ("US sanctions on Iran", "the
        attack by X on Y"), never as the object of a verb that triggers an event itself."""
        return not (
            token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in self.modes.support_verbs
        )

    def _best_frame(self, token: Token, frames: Sequence[Frame], reader: RoleReader) -> Frame | None:
        """The most specific frame that fits; one that needs a target it has not ("protested" with no
        "to X": 114) gives way to the next that fits ("protested": 140)."""
        if not frames:
            return None
        facts = _FrameFacts(self, token, reader)  # what the frames ask of the token, read once for all
        fitting = self._fitting(frames, facts)
        if not fitting:
            return None
        for _, _, frame in fitting:
            if not frame.need_target or self._names_a_target(token, frame, reader):
                return frame
        return fitting[0][2]

    def _names_a_target(self, token: Token, frame: Frame, reader: RoleReader) -> bool:
        heads = (head for slot in frame.target_slots for head in reader.object_tokens(token, slot))
        return any(reader.phrase_actors(head) for head in heads)

    def _fitting(self, frames: Sequence[Frame], facts: _FrameFacts) -> list[tuple[int, int, Frame]]:
        """(-score, order, frame) of the frames that fit the token, the most specific first. How
        specific: its particle 2, a required object noun 4 when met by a compound ("tear gas" is more
        than "gas") else 3, a required infinitive 3, a that-clause 1, an actor as object 1. A frame whose
        required objects the token's objects do not hold does not fit; ``_FramePlan`` indexes the frames
        by those nouns, so such frames are never looked at."""
        key = tuple(map(id, frames))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _FramePlan(frames)
        fitting = []
        for particle, (free, by_object) in plan.groups.items():
            base = 0
            if particle:
                if not facts.has_particle(particle):
                    continue
                base = 2
            scored = dict.fromkeys(free, base)
            if by_object:
                compounds, words = facts.object_words(particle)
                for word in words:
                    for order in by_object.get(word, ()):
                        scored[order] = base + 3
                for compound in compounds:
                    for order in by_object.get(compound, ()):
                        scored[order] = base + 4
            for order, score in scored.items():
                frame = frames[order]
                extra = self._fits_beyond_objects(frame, facts)
                if extra is not None:
                    fitting.append((-(score + extra), order, frame))
        fitting.sort(key=lambda candidate: candidate[:2])
        return fitting

    @staticmethod
    def _fits_beyond_objects(frame: Frame, facts: _FrameFacts) -> int | None:
        """What a frame's infinitive, that-clause and actor-object conditions add to its score (None: one
        of them is not met)."""
        score = 0
        xcomp = getattr(frame, "xcomp", frozenset())
        if xcomp:
            if not facts.xcomp_lemmas & xcomp:
                return None
            score += 3
        if frame.complement == "that":
            if not facts.has_that_clause:
                return None
            score += 1
        if frame.object_kind == "actor":
            if not facts.has_actor_object:
                return None
            score += 1
        return score

    def _is_particle(self, child: Token, particle: str) -> bool:
        """A verb's particle, or a preposition that belongs to the verb ("called on X") rather than a
        time phrase ("moved troops on Tuesday")."""
        if child.lower_ != particle:
            return False
        if child.dep_ in ("prt", "agent", "dative", "advmod", "npadvmod", "acomp"):
            return True  # "work together", "cut short", "set free"
        if child.dep_ != "prep":
            return False
        objects = [grand for grand in child.children if grand.dep_ == "pobj"]
        return not any(obj.lower_ in self.modes.time_words or obj.like_num for obj in objects)

    # ------------------------------------------------------------------ one trigger

    def _code_trigger(
        self,
        token: Token,
        frame: Frame,
        reader: RoleReader,
        sentence: Sentence,
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
    ) -> list[_Coded]:
        if token.pos_ in ("NOUN", "PROPN"):
            return self._code_noun(token, frame, reader, sentence, date_rows, article)
        mode, governing = reader.mode(token)
        code = frame.code
        suffix = ""
        if mode == "negated" and self._refuses(token, code):
            mode = REFUSED  # "Kinshasa would not negotiate with the M23": an announced refusal
        if mode in ("negated", "hedged", "habitual", CONTENT):
            return []
        if mode == INTENDED:
            code = self._mapped(self._intent_codes, code, keep_default=True)
            suffix = "+intent"
        elif mode == REFUSED:
            code = self._mapped(self._refusal_codes, code, default="120")
            suffix = "+refused"
        elif mode == REHEARSED:
            if code[:2] not in _FORCE_ROOTS:
                return []
            code, suffix = "150", "+rehearsed"  # a drill of an attack or a blockade shows force
        code = self._refined_by_content(token, code, reader)
        if code.startswith("016") and self._denies_a_state_or_plan(token):
            return []  # "denied it would send troops", "insists it seeks only trade": no event
        threatened: list[ActorRef] = []
        if code.startswith("012"):
            code, threatened = self._warning_or_threat(token, code, reader)
        if frame.complement and token.lemma_ in self.modes.reporting_verbs and code[:2] == "10":
            threatened = self._obliged(token, reader)  # "said Pakistan must stop": the one obliged
            if not threatened:
                return []
        if code is None or code not in self.codebook:
            return []
        clause = reader.clause_verbs(token)
        if governing is not None:
            clause.append(governing)
        places = reader.places_of(clause)
        place = places[0] if places else None
        hosted: ActorRef | None = None
        if reader.is_passive(token) and not reader.agents(token) and frame.source_slot == "subj":
            # "protesters were killed": no one is said to have done it. But an envoy "was summoned to the
            # ministry in Baku" was summoned by the state where that happened, and "300 people were
            # arrested" by its police.
            # A participle ("the detainees held since May") tells of a state, not of an act.
            participle = token.dep_ in ("acl", "amod")
            hosted = None if participle else self._implied_agent(token, code, place, reader)
            if hosted is None:
                return []
        if code[:2] == "04" and any(
            subject.lemma_.lower() in self.modes.vehicle_nouns for subject in reader.subject_tokens(token)
        ):
            return []  # "cargo planes landed in Bamako": a plane visits no one
        sources, targets = self._roles(token, frame, reader, governing)
        if hosted is not None:
            sources = [hosted]
        if not sources and frame.source_slot == "subj":
            sources = self._unnamed_sources(token, reader, place, code)
        refers_to: frozenset[str] = frozenset()
        if threatened:
            own = {s.code for s in sources} | {s.country for s in sources if s.country}
            targets = [actor for actor in threatened if actor.code not in own and actor.country not in own]
        if not targets:
            targets = self._unnamed_targets(token, frame, reader, sources, place)
        if not targets and code[:2] in ("02", "10"):
            targets = self._addressee_of_that_clause(token, reader, sources)
        if not targets and frame.code[:2] in ("03", "07"):
            # "approved 20 million euros to support the Rwandan deployment": aid goes where its purpose says.
            for purpose in token.children:
                if purpose.dep_ in ("advcl", "xcomp") and any(c.tag_ == "TO" for c in purpose.children):
                    targets = targets or self._slot_actors(purpose, DEFAULT_VERB_TARGETS, reader)
        if not targets and code[:2] in ("01", "05") and reader.author is not None:
            # "align themselves with this declaration": the document's author.
            slots = (*frame.target_slots, "with", "obj")
            heads = [head for slot in slots for head in reader.object_tokens(token, slot)]
            if any(
                head.lemma_.lower() in self.modes.document_nouns
                and any(child.lower_ in ("this", "the") for child in head.children if child.dep_ == "det")
                for head in heads
            ) and all(not _same_party(source, reader.author) for source in sources):
                targets = [reader.author]
        if not targets and code.startswith("045"):
            targets = self._parties_of_brokered(token, reader, sources)
        if not targets and frame.xcomp:
            # "vowed to press on with an offensive against the militants": the target lies deeper.
            targets = self._opposed_in(token, reader, sources, place)
        if not targets and code.startswith("014"):
            # "would consider suspending visas for Georgians": the option considered names who it is about.
            for option in (child for child in token.children if child.dep_ in ("xcomp", "dobj")):
                targets = targets or self._slot_actors(option, (*DEFAULT_VERB_TARGETS, "for"), reader)
        if not targets and code[:2] == "15" and len(sources) == 1:
            # Force shown with no one named is shown to the other state the sentence names ("sent troops
            # to its border with Belarus").
            # Only in the act's own clause: "as Pyongyang fired missiles into the sea" faces no one.
            other = _other_country_in(reader, sources, within=token)
            if other:
                targets = [ActorRef.inferred(other, "", other, "facing", entity_type="COUNTRY")]
        if not targets and sources:
            # "vowed to keep protesting" (133) is aimed where the protest would be.
            domestic = self._domestic_targets
            aimed_at = self._mapped(domestic, code) or self._mapped(domestic, frame.code)
            if aimed_at == "population":
                targets = _own_population(sources)
            elif aimed_at == "government":
                targets = _own_government(sources)
        if not targets and frame.code[:2] == "04":  # "ready to travel to Tehran" too
            reached = (reader.place_in(head) for head in reader.object_tokens(token, "to"))
            destination = place or next((found for found in reached if found is not None), None)
            if destination is not None:
                targets = self._visited_country(token, frame, reader, destination, sources)
        code, targets = self._deployment(token, frame, code, mode, reader, sources, targets)
        code = self._specialised(token, code, targets, reader, sources, frame.code)
        if code == "062" and frame.code[:2] == "15" and mode == INTENDED:
            code = self._mapped(self._intent_codes, code, keep_default=True)
        if code[:2] == "14" and any(_is_state_or_armed(source) for source in sources):
            # Protest is what civilians do; a state or an armed group that "blocks" or "clashes" coerces
            # or fights (code_maps.yaml: armed_protest_codes).
            code = self._mapped(self._armed_protest_codes, code, default=None)
            if code is None:
                return []
        if not targets:
            refers_to = self._referred_roots(token, frame, reader)
        if not sources and not targets:
            return []
        if not sources and (
            code[:2] not in _UNKNOWN_PERPETRATOR_ROOTS or token.dep_ in ("acl", "relcl", "amod")
        ):
            return []  # only violence has unknown perpetrators ("a roadside bomb killed ...")
        if frame.need_target and not targets and (len(sources) < 2 or reader.is_passive(token)):
            return []
        if frame.need_source and not sources:
            return []
        date, date_source, precision = self._event_date(token, clause, code, date_rows, sentence, article)
        if date is _NOT_NEWS:
            return []
        pairs = self._pairs(sources, targets, frame, reader.is_passive(token))
        if code[:3] in ("062", "031") and not targets and len(sources) > 1:
            joint = sources[:MAX_PARTIES_PER_SIDE]
            pairs = [(a, b) for a, b in itertools.permutations(joint, 2) if a.code != b.code]
        dated = (date, date_source, precision)
        reported_by = tuple(reader.speaker_of(token)) if _is_reported(token, self.modes) else ()
        return _coded_pairs(
            pairs,
            code,
            frame,
            token,
            sentence,
            dated,
            place,
            frame.confidence,
            suffix,
            refers_to=refers_to,
            reported_by=reported_by,
        )

    def _unnamed_targets(
        self, token: Token, frame: Frame, reader: RoleReader, sources: list[ActorRef], place: PlaceRef | None
    ) -> list[ActorRef]:
        """People and places no one names ("killing nine patients"): the role from ``unnamed.yaml``, the
        country of the place, else of a domestic actor that acted, else of the article."""
        for slot in frame.target_slots:
            for head in reader.object_tokens(token, slot):
                role = self._unnamed_role(head)
                if role is None:
                    continue
                country = (
                    (place.country if place else None)
                    or _other_country_in(reader, sources)
                    or next((s.country for s in sources if _role_of(s) in _DOMESTIC_ROLES), None)
                    or reader.home_country
                )
                if country is None or len(country) != 3:
                    continue
                return [_unnamed_actor(head, country, role)]
        return []

    def _is_country(self, code: str) -> bool:
        """A state's ISO code, not an organization's token (EUR, UNO, AFU share the three-letter shape)."""
        return len(code) == 3 and self.gazetteer.country_name(code) is not None

    @staticmethod
    def _denies_a_state_or_plan(token: Token) -> bool:
        for clause in (child for child in token.children if child.dep_ in ("ccomp", "xcomp")):
            aux = {child.lower_ for child in clause.children if child.dep_ in ("aux", "auxpass")}
            if (
                aux & {"would", "will", "'ll", "shall"}
                or clause.tag_ in ("VBZ", "VBP", "VBG")
                or (clause.lemma_ == "be")
            ):
                return True
        return False

    def _addressee_of_that_clause(
        self, token: Token, reader: RoleReader, sources: list[ActorRef]
    ) -> list[ActorRef]:
        """ "demanded that the governments of Sudan and South Sudan withdraw": the that-clause's subject is
        the one asked."""
        own = {s.code for s in sources} | {s.country for s in sources if s.country}
        for clause in _that_clauses(token):
            subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")]
            actors = [a for s in subjects for a in reader.phrase_actors(s)]
            actors = [a for a in actors if a.code not in own and a.country not in own]
            if actors:
                return actors
        return []

    def _parties_of_brokered(
        self, token: Token, reader: RoleReader, sources: list[ActorRef]
    ) -> list[ActorRef]:
        """ "exchanged prisoners in a swap brokered by the UAE": a mediator stands between the parties of
        what it brokered, the subjects of the act that names it."""
        for brokered in reader.object_tokens(token, "obj"):
            act = brokered.head.head if brokered.dep_ == "pobj" else brokered.head
            if act is brokered or act.pos_ not in ("VERB", "AUX"):
                continue
            parties = [
                actor
                for subject in reader.subject_tokens(act)
                for actor in reader.phrase_actors(subject)
                if not any(_same_party(actor, source) for source in sources)
            ]
            if parties:
                return parties
        return []

    def _opposed_in(
        self, token: Token, reader: RoleReader, sources: list[ActorRef], place: PlaceRef | None
    ) -> list[ActorRef]:
        """Whom the act in the verb's infinitive is done to ("vowed to hunt down the rest of the cell") or
        is "against" ("press on with an offensive against the militants"): the actors, or the people no one
        names, of the first such phrase."""
        for clause in (child for child in token.children if child.dep_ == "xcomp"):
            heads = reader.object_tokens(clause, "obj") + [
                head
                for prep in clause.subtree
                if prep.dep_ == "prep" and prep.lemma_ == "against"
                for head in prep.children
                if head.dep_ == "pobj"
            ]
            for head in heads:
                actors = [actor for actor in reader.phrase_actors(head) if actor not in sources]
                if actors:
                    return actors
                role = self._unnamed_role(head)
                country = (place.country if place else None) or reader.home_country
                if role and country and len(country) == 3:
                    return [_unnamed_actor(head, country, role)]
        return []

    def _refuses(self, token: Token, code: str) -> bool:
        """A cooperative act said not to come ("would not negotiate", "will not free the captives") is
        refused; one that simply did not happen ("did not sign") is no event."""
        if code[:2] not in _COOPERATIVE_ROOTS:
            return False
        aux = {child.lower_ for child in token.children if child.dep_ == "aux"}
        negated = any(child.dep_ == "neg" for child in token.children)
        return negated and bool(aux & self.modes.intent_aux)

    def _obliged(self, token: Token, reader: RoleReader) -> list[ActorRef]:
        """The actors a reported clause lays an obligation on ("said Pakistan must stop helping militants",
        "insisted that Kyiv must withdraw"): its subjects, when it holds "must"."""
        for clause in _that_clauses(token):
            aux = {child.lower_ for child in clause.children if child.dep_ == "aux"}
            if not aux & _OBLIGATION_WORDS:
                continue
            subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")]
            return [actor for subject in subjects for actor in reader.phrase_actors(subject)]
        return []

    def _warning_or_threat(self, token: Token, code: str, reader: RoleReader) -> tuple[str, list[ActorRef]]:
        """ "warned that the economy would suffer" voices pessimism (012); "warned that Seoul would pay a
        heavy price", "warned that it would not stand idly by" threatens (130): the warning says what
        someone will do or suffer. The threatened are the clause's subject, unless it is the speaker."""
        for clause in _that_clauses(token):
            aux = {child.lower_ for child in clause.children if child.dep_ in ("aux", "auxpass")}
            if not aux & self.modes.intent_aux:
                continue
            subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")]
            actors = [actor for subject in subjects for actor in reader.phrase_actors(subject)]
            if subjects and not actors and subjects[0].pos_ != "PRON":
                continue  # "warned that prices would rise": no one is threatened
            return "130", actors
        return code, []

    def _unnamed_role(self, token: Token) -> str | None:
        """The role of a noun no one names; for "gang members", "police units" the modifier says it, and
        "opposition supporters" are the opposition."""
        role = self.unnamed.get(token.lemma_.lower()) or self.unnamed.get(token.lower_)
        if role is not None and any(
            child.lower_ == "opposition" for child in token.children if child.dep_ in ("compound", "amod")
        ):
            return "OPP"
        if role is None and token.lemma_.lower() in _QUANTITY_NOUNS:
            # "dozens of villagers", "a group of fishermen": the people counted
            for child in token.children:
                if child.dep_ == "prep" and child.lemma_ == "of":
                    for object_ in child.children:
                        if object_.dep_ == "pobj":
                            return self._unnamed_role(object_)
        if role is None and token.lemma_.lower() in self.modes.member_nouns:
            for child in token.children:
                if child.dep_ in ("compound", "amod"):  # "gang members", "a military spokesman"
                    role = self.unnamed.get(child.lemma_.lower()) or self.unnamed.get(child.lower_)
                    if role:
                        break
        return role

    def _unnamed_sources(
        self, token: Token, reader: RoleReader, place: PlaceRef | None, code: str
    ) -> list[ActorRef]:
        """State forces named only by their kind ("the army", "troops", "police", "the government")
        act for the country of the place, else of the article; so do the people of a protest ("protesters
        blocked the highway", "opposition supporters marched"), for protest acts only, and fighters no one
        names ("insurgents raided the town", "gang members attacked"), for acts of force only."""
        for head in reader.subject_tokens(token):
            role = self._unnamed_role(head)
            if role is None:
                continue
            if role.lower() not in self.modes.state_roles and not (
                role == "OPP"  # "opposition leaders accused the government": the opposition speaks
                or (code[:2] in _CIVIL_ROOTS and role in _CIVIL_ROLES)
                or (code[:2] in _FORCE_ROOTS | {"14"} and role in _NON_STATE_ARMED)
            ):
                continue
            country = (place.country if place else None) or reader.home_country
            if country and len(country) == 3:
                span = reader.doc[head.left_edge.i : head.i + 1]
                text, start = span.text, span.start_char
                return [ActorRef.inferred(country, role, text, "unnamed", start=start)]
        return []

    def _deployment(
        self,
        token: Token,
        frame: Frame,
        code: str,
        mode: str | None,
        reader: RoleReader,
        sources: list[ActorRef],
        targets: list[ActorRef],
    ) -> tuple[str, list[ActorRef]]:
        """Where forces or arms are sent decides what sending them is: troops or police sent "to" another
        country (not to a border) protect it (074); weapons sent to one's own territory are no aid but a
        show of force (154)."""
        if frame.code[:2] not in ("15", "07") or not sources:
            return code, targets
        own = {source.country for source in sources if source.country}
        protected = "074" if mode != INTENDED else self._mapped(self._intent_codes, "074") or code
        for head in reader.object_tokens(token, "to"):
            if head.lemma_.lower() in self.modes.border_nouns | self.modes.front_nouns:
                return code, targets
            place = reader.place_in(head)
            actors = reader.phrase_actors(head)
            country = place.country if place else next((a.country for a in actors if a.country), None)
            if any(c.dep_ == "poss" and c.lower_ in self.modes.possessive_pronouns for c in head.children):
                country = next(iter(own), None)  # "to its northern state": the source's own ground
            if not country or len(country) != 3:
                continue
            if frame.code[:2] == "15" and country not in own and not frame.code.startswith("150"):
                destination = actors or [ActorRef.inferred(country, "", head.text, "protected")]
                return protected, destination
            if frame.code[:2] == "07" and country in own and not targets:
                return ("154" if mode != INTENDED else "138"), []
        if frame.code.startswith("153") and targets and all(t.country not in own for t in targets):
            return protected, targets  # police are sent abroad to keep order, never to threaten
        return code, targets

    def _faces_across_border(self, event: _Coded, other: str) -> bool:
        """Whether an act is told at a border (a border noun in its sentence) the source shares with
        ``other``."""
        country = event.source.country if event.source else None
        if not country or other not in self.gazetteer.neighbours(country):
            return False
        return any(token.lemma_.lower() in self.modes.border_nouns for token in event.trigger.doc)

    def _implied_agent(
        self, token: Token, code: str, place: PlaceRef | None, reader: RoleReader
    ) -> ActorRef | None:
        """Who did an act told in the passive with no agent, when only a state does it (``hosted_codes``):
        the government of the place for acts done to envoys, which need a place; the police of the place,
        else of the article's country, for arrests; the state force that reports a show of force."""
        kind = self._mapped(self._hosted_acts, code)
        if kind is None:
            return None
        if kind == "speaker":
            # "the army said troops had been placed on alert": the state force that tells of it did it.
            return next((s for s in reader.speaker_of(token) if _is_state_or_armed(s)), None)
        if place is not None and place.country and len(place.country) == 3:
            country, text = place.country, place.text
        elif kind == "police" and reader.home_country and len(reader.home_country) == 3:
            country, text = reader.home_country, ""
        else:
            return None
        return ActorRef.inferred(country, "COP" if kind == "police" else "GOV", text, kind)

    def _visited_country(
        self, token: Token, frame: Frame, reader: RoleReader, place: PlaceRef, sources: list[ActorRef]
    ) -> list[ActorRef]:
        """ "Paid a visit to Maputo", "travelled to Beijing": a visit to a place is a visit to its country's
        government, when the visitor is from elsewhere."""
        if not place.country or len(place.country) != 3 or any(s.country == place.country for s in sources):
            return []
        slots = ("to", "obj", "in", "at") if frame.code.startswith("042") else ("to", "obj")
        if not any(
            place is reader.place_in(head) for slot in slots for head in reader.object_tokens(token, slot)
        ):
            return []
        return [ActorRef.inferred(place.country, "GOV", place.text, "place")]

    def _specialised(
        self,
        token: Token,
        code: str,
        targets: list[ActorRef],
        reader: RoleReader,
        sources: list[ActorRef] = (),
        frame_code: str | None = None,
    ) -> str:
        """Rules a lemma alone cannot decide: what an attack did ("shelled the hospital, killing nine
        patients") is part of that attack; a show of force aimed at someone ("fired missiles at a ship") is
        an attack; forces acting jointly ("joint patrols", "Kenyan and Ugandan troops held exercises")
        cooperate; killing many people ("killed at least 60 civilians") is a mass killing."""
        if (code[:2] in _VIOLENT_ROOTS or token.lemma_.lower() in self.modes.harm_verbs) and (
            token.dep_ in ("advcl", "conj") and token.tag_ == "VBG"
        ):
            head = token.head
            while head.dep_ == "conj" and head.head is not head:
                head = head.head  # "damaging its hull and injuring two fishermen": back to what did it
            head_frame = self._frame_for(head, reader)
            if head_frame is not None and head_frame[0].code[:2] in _VIOLENT_ROOTS:
                code = head_frame[0].code
            elif head_frame is not None and head_frame[0].code[:2] in ("14", "15"):
                code = "190"  # "struck a vehicle, killing three": what the strike did makes it an attack
        if (
            (code[:2] == "15" or (frame_code or "")[:2] == "15")
            and not targets
            and (
                len(sources) > 1
                or any(
                    grand.lower_ in self.modes.joint_words
                    for child in token.children
                    if child.dep_ in ("dobj", "nsubjpass")
                    for grand in child.children
                    if grand.dep_ in ("amod", "compound", "advmod")
                )
            )
        ):
            return "062"
        if (
            code[:2] == "15"
            and targets
            and any(
                child.dep_ == "prep"
                and child.lemma_ in self.modes.attack_preps
                and any(grand.dep_ == "pobj" and reader.phrase_actors(grand) for grand in child.children)
                for node in (token, *(c for c in token.children if c.dep_ == "dobj"))
                for child in node.children
            )
        ):
            return "190"  # aimed at an actor, not "on Monday"
        objects = reader.object_tokens(token, "obj")
        if code.startswith("173") and any(o.lemma_.lower() in self.modes.territory_nouns for o in objects):
            return "192"  # "captured a police post", "seized the town": ground taken, not people arrested
        if code.startswith("173") and sources and all(_role_of(s) in _NON_STATE_ARMED for s in sources):
            return "181"  # rebels do not arrest: they abduct
        if code[:2] in ("17", "18", "19"):
            weapon = next(
                (
                    s.lemma_.lower()
                    for s in reader.subject_tokens(token)
                    if s.lemma_.lower() in self.modes.weapon_nouns
                ),
                None,
            )
            if weapon in _BOMBS:
                return "183"  # "a roadside bomb struck the convoy": a bombing, whatever the verb
            harming = token.lemma_.lower() in self.modes.harm_verbs | self.modes.killing_verbs
            if weapon is not None and harming:
                return "190"
        victims = reader.object_tokens(token, "obj")
        if (
            code[:2] in ("18", "19")
            and token.lemma_.lower() in self.modes.killing_verbs | {"shoot"}
            and all(_role_of(source) in _NON_STATE_ARMED for source in sources)
            and targets
            and all(_role_of(target) in _OFFICIAL_ROLES for target in targets)
            and any(victim.lemma_.lower() in self.modes.official_nouns for victim in victims)
        ):
            return "186"  # an official killed by gunmen or insurgents: an assassination
        if (
            code == "180"
            and any(_is_state_or_armed(source) for source in sources)
            and targets
            and all(_role_of(target) in _FIGHTER_ROLES for target in targets)
        ):
            return "190"  # armed forces killing fighters: combat, not an assault
        if (
            code[:2] in ("18", "19", "17")
            and token.lemma_.lower() in self.modes.killing_verbs
            and not any(
                _is_state_or_armed(target) or _role_of(target) in _FIGHTER_ROLES for target in targets
            )
        ):
            # Killing many people who do not fight is a mass killing; killing fighters is combat.
            for head in reader.object_tokens(token, "obj"):
                if _quantity(head) >= self.modes.mass_killing_threshold:
                    return "202"
        return code

    def _referred_roots(self, token: Token, frame: Frame, reader: RoleReader) -> frozenset[str]:
        """The roots of the earlier event an object noun refers back to ("condemned the attack": 18, 19)."""
        heads = reader.object_tokens(token, "obj") + reader.object_tokens(token, "for")
        owners = [token, *(child for child in token.children if child.dep_ == "xcomp" and frame.xcomp)]
        heads += [  # "declined to comment on the allegations", "spoke about the attack"
            head
            for owner in owners
            for slot in frame.target_slots
            if slot not in ("obj", "dative", "subj", "for")
            for head in reader.object_tokens(owner, slot)
        ]
        for head in heads:
            own_noun = head.lemma_.lower() in frame.objects or head.lemma_.lower() == frame.lemma
            if own_noun and all(f.code[:2] == frame.code[:2] for f in self._noun_frames(head)):
                continue  # "opened an investigation into X": the act's own noun; "claimed the attack" refers
            definite = any(
                child.dep_ in ("det", "poss") and child.lower_ not in ("a", "an", "any", "no")
                for child in head.children
            )
            # "made an appeal" refers to nothing earlier; "the attack", "this request" do, and force met
            # with force, or an investigation, answers an act whatever its article ("repelled an attack",
            # "opened an investigation into suspected sabotage").
            answered = (frame.code[:2] in _FORCE_ROOTS or frame.code[:2] == "09") and bool(
                head.lemma_.lower() in self.modes.event_nouns or self._noun_frames(head)
            )
            if head.pos_ not in ("NOUN", "PROPN") or not (definite or answered):
                continue
            frames = self._noun_frames(head)
            roots = frozenset(f.code[:2] for f in frames) if frames else None
            if roots is None and head.lemma_.lower() in self.modes.event_nouns:
                roots = _ANY_ROOT
            if roots is not None and frame.code.startswith("011"):
                # Declining to comment answers words ("on the allegations"), not deeds ("on the
                # fighting"): no comment on a fight is aimed at anyone.
                roots = roots & _WORDS_ROOTS
            if roots is not None:
                return roots
        return frozenset()

    def _code_noun(
        self,
        token: Token,
        frame: Frame,
        reader: RoleReader,
        sentence: Sentence,
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
    ) -> list[_Coded]:
        """An event noun that names its sides: "US sanctions on Iran", "the attack by X on Y", "talks
        between X and Y". A "by" phrase that names no actor is an unidentified perpetrator."""
        readiness = self._readiness_for(token)
        if readiness is not None:
            return self._code_readiness(token, frame, readiness, reader, sentence, date_rows, article)
        sources: list[ActorRef] = []
        agents: list[Token] = []
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                sources.extend(reader.phrase_actors(child))
        for node in [token, *(child for child in token.children if child.dep_ == "acl")]:
            for child in node.children:
                if child.dep_ in ("prep", "agent") and child.lemma_ == "by":
                    for object_ in child.children:
                        if object_.dep_ == "pobj":
                            agents.append(object_)
                            sources.extend(reader.phrase_actors(object_))
        explicit_agent = bool(agents)
        targets = self._slot_actors(token, frame.target_slots, reader)
        for acl in (child for child in token.children if child.dep_ == "acl"):
            targets = targets or self._slot_actors(acl, frame.target_slots, reader)
        prepositions = [slot for slot in frame.target_slots if slot not in ("obj", "dative", "subj")]
        for agent in agents:
            # "the attack by gunmen on Mali troops": the parser often hangs the target on the doer.
            targets = targets or self._slot_actors(agent, prepositions, reader)
        source_codes = {actor.code for actor in sources}
        targets = [target for target in targets if target.code not in source_codes]
        places = reader.places_of([token, token.head])
        if not targets and frame.code[:2] == "04" and places:
            # "undertook a working visit to Maputo": a visit to a place is one to its country.
            targets = self._visited_country(token, frame, reader, places[0], sources)
        if frame.mutual and len(sources) + len(targets) >= 2 and not targets:
            pass
        elif not targets or (not sources and not explicit_agent):
            return []
        head = token.head if token.head is not token else token
        mode, _ = reader.mode(head) if head.pos_ in ("VERB", "AUX") else (None, None)
        if mode is not None:
            return []
        date, date_source, precision = self._event_date(
            token, [token, head], frame.code, date_rows, sentence, article
        )
        if date is _NOT_NEWS:
            return []
        return _coded_pairs(
            self._pairs(_distinct(sources), _distinct(targets), frame),
            frame.code,
            frame,
            token,
            sentence,
            (date, date_source, precision),
            places[0] if places else None,
            frame.confidence * 0.9,
            "+noun",
        )

    def _readiness_for(self, token: Token) -> Token | None:
        """The adjective of "Moscow was open to further exchanges", "ready for talks": the noun's act is
        intended by the adjective's subject."""
        prep = token.head
        if token.dep_ != "pobj" or prep.lemma_ not in ("to", "for") or prep.head is prep:
            return None
        adjective = prep.head
        if adjective.pos_ == "ADJ" and adjective.lemma_.lower() in self.modes.intent_heads:
            return adjective
        return None

    def _code_readiness(
        self,
        token: Token,
        frame: Frame,
        adjective: Token,
        reader: RoleReader,
        sentence: Sentence,
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
    ) -> list[_Coded]:
        copula = adjective.head if adjective.dep_ in ("acomp", "xcomp", "oprd") else adjective
        mode, _ = reader.mode(copula)
        if mode is not None and mode != INTENDED:
            return []
        sources = _distinct([a for s in reader.subject_tokens(copula) for a in reader.phrase_actors(s)])
        if not sources:
            return []
        code = self._mapped(self._intent_codes, frame.code, keep_default=True)
        if code is None or code not in self.codebook:
            return []
        targets = self._slot_actors(token, frame.target_slots, reader)
        date, date_source, precision = self._event_date(copula, [copula], code, date_rows, sentence, article)
        if date is _NOT_NEWS:
            return []
        return _coded_pairs(
            self._pairs(sources, _distinct(targets), frame),
            code,
            frame,
            token,
            sentence,
            (date, date_source, precision),
            None,
            frame.confidence * 0.8,
            "+ready",
        )

    def _roles(
        self, token: Token, frame: Frame, reader: RoleReader, governing: Token | None
    ) -> tuple[list[ActorRef], list[ActorRef]]:
        if frame.source_slot != "subj":
            sources = self._slot_actors(token, (frame.source_slot,), reader)
            slots = frame.target_slots if "subj" in frame.target_slots else ("subj", *frame.target_slots)
            targets = self._slot_actors(token, slots, reader)
        else:
            subject_tokens = reader.subject_tokens(token)
            sources = [actor for subject in subject_tokens for actor in reader.phrase_actors(subject)]
            if not sources and not subject_tokens:
                sources = reader.speaker_of(token) if token.dep_ in ("ccomp", "ROOT") else []
            targets = self._slot_actors(token, frame.target_slots, reader)
        source_codes = {actor.code for actor in sources}
        targets = [target for target in targets if target.code not in source_codes]
        return _distinct(sources), _distinct(targets)

    def _slot_actors(self, token: Token, slots: Sequence[str], reader: RoleReader) -> list[ActorRef]:
        for slot in slots:
            found = [
                actor for head in reader.object_tokens(token, slot) for actor in reader.phrase_actors(head)
            ]
            if found:
                return found
        return []

    @staticmethod
    def _pairs(
        sources: list[ActorRef], targets: list[ActorRef], frame: Frame, passive: bool = False
    ) -> list[tuple[ActorRef | None, ActorRef | None]]:
        sources, targets = sources[:MAX_PARTIES_PER_SIDE], targets[:MAX_PARTIES_PER_SIDE]
        if targets:
            return [
                (source, target)
                for source in (sources or [None])
                for target in targets
                if source is None or source.code != target.code
            ]
        if len(sources) > 1 and (
            frame.mutual
            or (frame.need_target and not passive)
            or (frame.code[:2] in _RECIPROCAL_ROOTS and not passive)
        ):
            # "X and Y met", "signed", "agreed to a ceasefire", "exchanged fire": a joint subject acting
            # with no one else acts on each other.
            return [(a, b) for a, b in itertools.permutations(sources, 2) if a.code != b.code]
        return [(source, None) for source in sources]

    # ------------------------------------------------------------------ codes

    def _mapped(
        self, table: Mapping[str, str], code: str, *, keep_default: bool = False, default: str | None = None
    ) -> str | None:
        for length in range(len(code), 1, -1):
            value = table.get(code[:length])
            if value is not None:
                return code if value == "keep" else value
        return code if keep_default else default

    def _refined_by_content(self, token: Token, code: str, reader: RoleReader) -> str:
        """An appeal, demand or threat whose infinitive names another act takes that act's subcode."""
        table = self._complement_codes.get(code[:2])
        if not table or len(code) > 3:
            return code
        for child in token.children:
            if child.dep_ not in ("xcomp", "ccomp"):
                continue
            inner = self._best_frame(child, self._verb_frames(child), reader)
            if inner is None:
                continue
            refined = self._mapped(table, inner.code)
            if refined and refined in self.codebook:
                return refined
        return code

    # ------------------------------------------------------------------ dates

    @staticmethod
    def _date_of_when_clause(token: Token, date_rows: Sequence[Row], sentence: Sentence) -> Row | None:
        """ "fighting in September 2022, when Tajik forces shelled Kyrgyz villages": a when-clause happened
        at the date it modifies, or at the date of the clause it hangs on."""
        node = token
        while node.dep_ == "conj" and node.head is not node:
            node = node.head
        if node.dep_ not in ("relcl", "advcl") or not any(
            child.lower_ == "when" for child in node.children if child.dep_ == "advmod"
        ):
            return None
        anchor = node.head
        for row in date_rows:
            if row.get("resolved_date") is None:
                continue
            start, end = row["char_start"] - sentence.start, row["char_end"] - sentence.start
            if start <= anchor.idx < end:
                return row
            governing = _governing_verb(token.doc, start, end)
            if governing is not None and governing.i == anchor.i:
                return row
        return None

    def _event_date(
        self,
        token: Token,
        clause: list[Token],
        code: str,
        date_rows: Sequence[Row],
        sentence: Sentence,
        article: Mapping[str, Any],
    ):
        """``(event_date, event_date_source, precision)``, or ``_NOT_NEWS`` for background and future acts."""
        # The local day, as the dates rows were resolved against it: "on Tuesday" in a Tuesday-morning
        # Tokyo article is not after a UTC publication day of Monday.
        published = local_publication_date(article)
        published_source = "missing" if published is None else (
            "published" if has_source_date(article) else "fetched")
        chosen = None
        clause_ids = {verb.i for verb in clause}
        for row in date_rows:
            if row.get("resolved_date") is None:
                continue
            governing = _governing_verb(
                token.doc, row["char_start"] - sentence.start, row["char_end"] - sentence.start
            )
            if governing is None:
                continue
            if governing.i in clause_ids:
                chosen = row
                break
            # "said on Monday that ...": the saying's date is the date of a verbal act only.
            if (
                chosen is None
                and governing.lemma_ in self.modes.reporting_verbs
                and self.codebook[code].quad_class in _VERBAL_QUAD_CLASSES
                and governing.is_ancestor(token)
            ):
                chosen = row
        if chosen is None:
            chosen = self._date_of_when_clause(token, date_rows, sentence)
        if chosen is None:
            return published, published_source, ("day" if published else None)
        resolved = chosen["resolved_date"]
        granularity = chosen.get("granularity") or "day"
        if granularity != "day":
            # A week, month or year dates the act only roughly: the publication date stands in for it,
            # unless the whole period ended more than a month before publication (background).
            if (
                published is not None
                and (published - _period_end(resolved, granularity)).days > BACKGROUND_DAYS
            ):
                return _NOT_NEWS, "", None
            return published, published_source, _GRANULARITY_PRECISION.get(granularity, granularity)
        if published is not None and (resolved > published or (published - resolved).days > BACKGROUND_DAYS):
            return _NOT_NEWS, "", None
        return resolved, "text", "day"

    # ------------------------------------------------------------------ rows

    def _merge(
        self, coded: list[_Coded], article: Mapping[str, Any], mentions: Mentions
    ) -> list[Row]:
        coded = _counter_accusations(
            _folded_participles(coded, self.modes.harm_verbs | self.modes.killing_verbs)
        )
        coded = _without_subsumed(
            _counterparts(
                # Shared addressees first, so an answer can reach a demand that got its addressee from
                # its first conjunct ("accused the government ... and demanded elections"), and again
                # after references, for a first conjunct that found its target through one.
                _shared_addressee(_resolve_references(_answer_targets(_shared_addressee(_both_sides(coded))))),
                self._faces_across_border,
            )
        )
        # Cooperation, demands, rejections, threats and coercion are done to someone: with no one found
        # after every inference above, the act is not coded (``code_maps.yaml``: ``dyadic_roots``).
        coded = [event for event in coded if event.target or event.code[:2] not in self._dyadic_roots]
        article_id = article["article_id"]
        published = article.get("published_date")
        merged: dict[tuple, list[_Coded]] = {}
        for event in coded:
            # "the Turkish envoy" and "Turkey" in two sentences of one summons are one dyad.
            key = (_party(event.source), _party(event.target), event.code, event.event_date)
            merged.setdefault(key, []).append(event)
        rows: list[Row] = []
        for (_, _, code, event_date), events in merged.items():
            first = events[0]
            # The most specific actor codes any mention gave ("TURGOV" over "TUR").
            source = max((e.source for e in events if e.source), key=lambda a: len(a.code), default=None)
            target = max((e.target for e in events if e.target), key=lambda a: len(a.code), default=None)
            source_code = source.code if source else None
            target_code = target.code if target else None
            first = dataclasses.replace(first, source=source, target=target)
            entry = self.codebook[code]
            place = first.place
            coordinates = self.gazetteer.place_with_coordinates(place.name) if place else None
            # A place with no coordinates of its own is given its country's centroid.
            at_centroid = coordinates is not None and self.gazetteer.lookup(place.name).latitude is None
            sentence = first.sentence
            trigger = first.trigger
            start = sentence.start + trigger.idx if first.sentence_index >= 0 else -1
            rows.append(
                {
                    "event_id": stable_id(article_id, source_code, target_code, code, event_date),
                    "article_id": article_id,
                    "sentence_index": first.sentence_index,
                    "event_date": event_date,
                    "event_date_source": first.date_source,
                    "event_date_precision": first.precision,
                    "source_actor": source_code,
                    "source_country": first.source.country if first.source else None,
                    "target_actor": target_code,
                    "target_country": first.target.country if first.target else None,
                    "cameo_code": code,
                    "cameo_root": code[:2],
                    "quad_class": entry.quad_class,
                    "goldstein": entry.goldstein,
                    "plover_type": entry.plover_type,
                    "location_name": place.name if place else None,
                    "location_country": (place.country or (coordinates.country if coordinates else None))
                    if place
                    else None,
                    "latitude": coordinates.latitude if coordinates else None,
                    "longitude": coordinates.longitude if coordinates else None,
                    "trigger": trigger.text,
                    "evidence": sentence.text,
                    "rule_id": first.frame.rule_id + first.rule_suffix,
                    "confidence": round(min(1.0, max(event.confidence for event in events)), 3),
                    "num_mentions": len(events),
                    "mention_sentences": sorted({event.sentence_index for event in events}),
                    "trigger_start": start,
                    "published_date": published,
                    **actor_columns("source", source, mentions, first.sentence_index < 0),
                    **actor_columns("target", target, mentions, first.sentence_index < 0),
                    **code_columns(code, first.sentence_index),
                    **article_columns(article),
                    **place_columns(coordinates, at_centroid),
                }
            )
        rows.sort(key=lambda row: (row["sentence_index"], row["trigger_start"], row["event_id"]))
        for row in rows:
            del row["trigger_start"]
        return rows


_NOT_NEWS = object()


def _coded_pairs(
    pairs: list[tuple[ActorRef | None, ActorRef | None]],
    code: str,
    frame: Frame,
    trigger: Token,
    sentence: Sentence,
    dated: tuple,
    place: PlaceRef | None,
    confidence: float,
    suffix: str,
    *,
    refers_to: frozenset[str] = frozenset(),
    reported_by: tuple[ActorRef, ...] = (),
) -> list[_Coded]:
    """One coded event per (source, target) pair of one trigger."""
    event_date, date_source, precision = dated
    return [
        _Coded(
            code=code,
            frame=frame,
            source=source,
            target=target,
            trigger=trigger,
            sentence_index=sentence.index,
            sentence=sentence,
            event_date=event_date,
            date_source=date_source,
            precision=precision,
            place=place,
            confidence=confidence,
            rule_suffix=suffix,
            refers_to=refers_to,
            reported_by=reported_by,
        )
        for source, target in pairs
    ]


class _FramePlan:
    """The frames of one trigger word grouped by particle, and within a group, the frames that require
    object nouns indexed by each of those nouns (``EventCoder._fitting``)."""

    def __init__(self, frames: Sequence[Frame]):
        # particle -> (orders of the frames requiring no object noun, object noun -> orders requiring it)
        self.groups: dict[str | None, tuple[list[int], dict[str, list[int]]]] = {}
        for order, frame in enumerate(frames):
            free, by_object = self.groups.setdefault(frame.particle, ([], {}))
            if frame.objects:
                for word in frame.objects:
                    by_object.setdefault(word, []).append(order)
            else:
                free.append(order)


class _FrameFacts:
    """What frames ask of one token (its particles, the words of its objects, its infinitive, its
    that-clause, an actor as its object), each read from the parse once, when a frame first asks."""

    def __init__(self, coder: EventCoder, token: Token, reader: RoleReader):
        self._coder = coder
        self._token = token
        self._reader = reader
        self.children = list(token.children)
        self._particles: dict[str, bool] = {}
        self._object_words: dict[str | None, tuple[set[str], set[str]]] = {}

    def has_particle(self, particle: str) -> bool:
        found = self._particles.get(particle)
        if found is None:
            found = self._particles[particle] = any(
                self._coder._is_particle(child, particle) for child in self.children)
        return found

    def object_words(self, particle: str | None) -> tuple[set[str], set[str]]:
        """(compounds "tear_gas", lemmas and forms) of the nouns a frame with ``particle`` may require."""
        found = self._object_words.get(particle)
        if found is None:
            found = self._object_words[particle] = self._read_object_words(particle)
        return found

    def _read_object_words(self, particle: str | None) -> tuple[set[str], set[str]]:
        token, children = self._token, self.children
        # The required noun is the direct object (or the passive subject, or the noun a participle
        # modifies), or the object of the frame's own particle ("called for a ceasefire").
        objects = [child for child in children if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
        if token.dep_ == "acl":
            objects.append(token.head)
        # "pledged $2bn in military aid", "sent 50 tonnes of food": a counted object is compared by
        # what it counts.
        objects += [
            counted
            for obj in list(objects)
            if any(child.dep_ in ("nummod", "quantmod") for child in obj.children)
            or obj.lemma_.lower() in _QUANTITY_NOUNS
            for prep in obj.children
            if prep.dep_ == "prep" and prep.lemma_ in ("in", "of")
            for counted in prep.children
            if counted.dep_ == "pobj"
        ]
        if particle:
            objects += [
                grand
                for child in children
                if child.dep_ == "prep" and child.lower_ == particle
                for grand in child.children
                if grand.dep_ == "pobj"
            ]
        compounds = {
            f"{child.lemma_.lower()}_{obj.lemma_.lower()}"
            for obj in objects
            for child in obj.children
            if child.dep_ in ("compound", "amod") and child.i == obj.i - 1
        }
        words = {obj.lemma_.lower() for obj in objects} | {obj.lower_ for obj in objects}
        return compounds, words

    @functools.cached_property
    def xcomp_lemmas(self) -> frozenset[str]:
        return frozenset(child.lemma_.lower() for child in self.children if child.dep_ == "xcomp")

    @functools.cached_property
    def has_that_clause(self) -> bool:
        return bool(_that_clauses(self._token))

    @functools.cached_property
    def has_actor_object(self) -> bool:
        reader = self._reader
        return any(reader.phrase_actors(obj) or self._coder._unnamed_role(obj)
                   for obj in reader.object_tokens(self._token, "obj"))


def _that_clauses(token: Token) -> list[Token]:
    """The clauses a verb says or asks: its ccomp, and a that-clause the parser hung on the noun of one of
    its prepositions ("warned in a statement on Tuesday that Seoul would pay")."""
    clauses = [child for child in token.children if child.dep_ == "ccomp"]
    clauses += [
        clause
        for prep in token.children
        if prep.dep_ == "prep"
        for noun in prep.children
        if noun.dep_ == "pobj"
        for clause in noun.children
        if clause.dep_ == "acl" and any(g.dep_ == "mark" and g.lower_ == "that" for g in clause.children)
    ]
    return clauses


def _without_dateline(sentence: Sentence) -> Sentence:
    """The sentence after its dateline ("GOMA, Congo — M23 rebels shelled ..."): parsed with it, the city
    becomes the root and the story's verb a modifier of it."""
    dateline = DATELINE.match(sentence.text)
    if dateline is None or dateline.end() >= len(sentence.text):
        return sentence
    cut = dateline.end()
    return Sentence(sentence.index, sentence.start + cut, sentence.end, sentence.text[cut:])


def _period_end(start: dt.date, granularity: str) -> dt.date:
    if granularity == "week":
        return start + dt.timedelta(days=6)
    if granularity == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    if granularity == "year":
        return start.replace(month=12, day=31)
    return start


def _governing_verb(doc: Doc, start: int, end: int) -> Token | None:
    """The verb a date expression at [start, end) of the sentence attaches to."""
    tokens = [token for token in doc if start <= token.idx < end]
    if not tokens:
        return None
    inside = {token.i for token in tokens}
    node = next((token for token in tokens if token.head.i not in inside or token.head is token), tokens[0])
    for _ in range(12):
        if node.head is node:
            return node
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node
    return node


# A denial or a rejection without an object answers the latest act aimed at its source: "The ministry
# rejected the accusation" answers whoever accused it; "X rejected the proposal" whoever proposed it.
_ANSWERS = {"016": ("10", "11", "13"), "12": ("02", "03", "05", "10")}


# Force used "in response" answers the latest force used against the one responding.
_RESPONSE_ROOTS = frozenset({"14", "15", "17", "18", "19", "20"})
_RESPONSE_VERBS = frozenset({"respond", "retaliate", "reply", "react", "hit"})


def _answer_targets(coded: list[_Coded]) -> list[_Coded]:
    result: list[_Coded] = []
    for event in coded:
        answered = _ANSWERS.get(event.code[:3]) or _ANSWERS.get(event.code[:2])
        if answered is None and event.code[:2] in _RESPONSE_ROOTS and event.trigger.lemma_ in _RESPONSE_VERBS:
            answered = _RESPONSE_ROOTS  # "the guards responded with tear gas": at whoever attacked them
        if event.target is None and event.source is not None and answered:
            for earlier in reversed(result):
                if (
                    earlier.code[:2] in answered
                    and earlier.target is not None
                    and earlier.source is not None
                    and _same_party(earlier.target, event.source)
                ):
                    event = dataclasses.replace(
                        event, target=earlier.source, rule_suffix=event.rule_suffix + "+answer"
                    )
                    break
        result.append(event)
    return result


def _same_party(left: ActorRef, right: ActorRef) -> bool:
    return left.code == right.code or (left.country is not None and left.country == right.country)


def _same_side(left: ActorRef, right: ActorRef) -> bool:
    """One party of a domestic quarrel: the same actor, or the same country's state ("the ministry",
    "Kenya", "the police"); a government and its opposition or its rebels are two sides."""
    if left.code == right.code:
        return True
    if left.country is None or left.country != right.country:
        return False
    roles = {_role_of(left) or "", _role_of(right) or ""}
    return roles <= _STATE_SIDE_ROLES


_STATE_SIDE_ROLES = frozenset({"", "GOV", "MIL", "COP", "JUD", "LEG", "SPY", "GOVMIL"})
_ANY_ROOT = frozenset({"*"})
# Roots whose acts a joint subject with no one else does to each other ("agreed to a ceasefire", "clashed").
_RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06", "08", "19"})
_UNKNOWN_PERPETRATOR_ROOTS = frozenset({"17", "18", "19", "20"})
_VIOLENT_ROOTS = frozenset({"18", "19", "20"})
_COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
_WORDS_ROOTS = frozenset({"01", "02", "10", "11", "12", "13"})
_BOMBS = frozenset({"bomb", "explosive", "ied", "bomber"})
_OBLIGATION_WORDS = frozenset({"must"})
# How an actor no one names was found (ActorRef.inferred): the place, the kind of people, the state faced.
_INFERRED_VIA = frozenset({"place", "unnamed", "facing", "protected", "population", "government", "host"})
# Acts people no one names may do (protest), and the roles of such people ("protesters", "students").
_CIVIL_ROOTS = frozenset({"14"})
_CIVIL_ROLES = frozenset({"CVL", "OPP", "REF", "MED", "HLH"})
_FORCE_ROOTS = frozenset({"15", "17", "18", "19", "20"})
_QUANTITY_NOUNS = frozenset(
    {
        "dozen",
        "dozens",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "score",
        "scores",
        "number",
        "group",
        "handful",
        "couple",
        "crowd",
        "rest",
        "remainder",
    }
)
_NUMBER_WORDS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}


def _quantity(head: Token) -> int:
    """How many people a noun phrase counts ("at least 37 villagers", "dozens of civilians")."""
    if head.lower_ in _NUMBER_WORDS:
        return _NUMBER_WORDS[head.lower_]
    for child in head.children:
        if child.dep_ == "nummod":
            text = child.text.replace(",", "")
            if text.isdigit():
                return int(text)
            if child.lower_ in _NUMBER_WORDS:
                return _NUMBER_WORDS[child.lower_]
    if head.head.dep_ == "pobj" or head.dep_ == "pobj":
        holder = head.head.head if head.dep_ == "pobj" else None
        if holder is not None and holder.lower_ in _NUMBER_WORDS:
            return _NUMBER_WORDS[holder.lower_]
    return 0


_ARMED_ROLES = frozenset({"GOV", "MIL", "COP", "REB", "INS", "SEP", "SPY", "GOVMIL", "CRM"})
_NON_STATE_ARMED = frozenset({"REB", "INS", "SEP", "CRM"})
_OFFICIAL_ROLES = frozenset({"GOV", "JUD", "LEG", "OPP", ""})
_FIGHTER_ROLES = frozenset({"MIL", "COP", "REB", "INS", "SEP", "GOVMIL", "CRM"})


def _role_of(actor: ActorRef) -> str | None:
    country = actor.country or ""
    return actor.code[len(country) :] if len(country) == 3 and actor.code.startswith(country) else None


def _is_state_or_armed(actor: ActorRef) -> bool:
    country = actor.country or ""
    role = actor.code[len(country) :] if len(country) == 3 and actor.code.startswith(country) else None
    return role == "" or role in _ARMED_ROLES or (role is None and actor.code.startswith("IMG"))


def _prefilter(frames: FrameLexicon) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(words that may trigger on their own, verb form -> the object words its frames need)."""
    inflector = load_inflector()
    alone: set[str] = set()
    needs: dict[str, set[str]] = {}
    for frame in frames:
        if frame.pos == "NOUN":
            head = frame.lemma.rsplit("_", 1)[-1]  # "air_strike" is found through "strike"
            alone.update((head, inflector.third_person(head), frame.lemma.replace("_", "")))
            continue
        forms = inflector.verb_forms(frame.lemma)
        if frame.complement and frame.code[:2] == "10":
            for form in forms:  # "said Pakistan must stop": a reported obligation needs its "must"
                needs.setdefault(form, set()).update(_OBLIGATION_WORDS)
            continue
        if not frame.objects:
            alone.update(forms)
            continue
        objects = set()
        for obj in frame.objects:
            head = obj.rsplit("_", 1)[-1]
            objects.update((head, inflector.third_person(head), obj.replace("_", "")))
        for form in forms:
            needs.setdefault(form, set()).update(objects)
    return frozenset(alone), {
        form: frozenset(objects) for form, objects in needs.items() if form not in alone
    }


def _holds_any(text: str, words: frozenset[str]) -> bool:
    return any(word.strip(".,;:!?\"'()“”") in words for word in text.lower().split())


class _HeadWordIndex:
    """The article's actor mentions by the last word of their text ("Polish border guards" -> guards)."""

    def __init__(self, entity_rows: Sequence[Row]):
        self._by_word: dict[str, list[Row]] = {}
        for row in sorted(entity_rows, key=lambda r: r["char_start"]):
            if not row.get("actor_code") or row.get("sentence_index", 0) < 0:
                continue
            words = str(row["text"]).lower().split()
            if len(words) >= 2:
                self._by_word.setdefault(words[-1].strip(".,'’"), []).append(row)

    @property
    def head_words(self) -> frozenset[str]:
        return frozenset(self._by_word)

    def latest_before(self, word: str, offset: int) -> ActorRef | None:
        rows = [row for row in self._by_word.get(word, ()) if row["char_end"] <= offset]
        if not rows:
            return None
        row = rows[-1]
        return ActorRef.from_row(row, via="same_head")


def _unnamed_actor(head: Token, country: str, role: str) -> ActorRef:
    """People no one names, as the phrase headed by ``head`` writes them ("nine patients"), of ``country``."""
    span = head.doc[head.left_edge.i : head.right_edge.i + 1]
    return ActorRef.inferred(country, role, span.text, "unnamed", start=span.start_char)


def _statement_voice(doc: Doc, mentions: MentionIndex) -> ActorRef | None:
    """Who speaks in a statement from here on: the named subject of a sentence told in the present ("The
    Ministry of Foreign Affairs of Ukraine strongly condemns ..."), so a later "we demand" is theirs."""
    roots = [token for token in doc if token.dep_ == "ROOT" and token.tag_ in ("VBZ", "VBP")]
    if not roots or not mentions.has_actors():
        return None
    for subject in (child for child in roots[0].children if child.dep_ == "nsubj"):
        if subject.pos_ == "PRON":
            return None
        for token in subject.subtree:
            actor = mentions.actor_at(token.i)
            if actor is not None:
                return actor.but_via("author")
    return None


def _first_actor(entity_rows: Sequence[Row], sentences: Sequence[Sentence]) -> ActorRef | None:
    """The first actor the body names (a statement opens with its author), past any dateline."""
    first_sentence = sentences[0] if sentences else None
    dateline_end = 0
    if first_sentence is not None:
        dateline = DATELINE.match(first_sentence.text)
        dateline_end = first_sentence.start + dateline.end() if dateline else 0
    rows = sorted(
        (
            row
            for row in entity_rows
            if row["sentence_index"] >= 0
            and row.get("actor_code")
            and row.get("entity_type") != "LOCATION"
            and row["char_start"] >= dateline_end
        ),
        key=lambda row: row["char_start"],
    )
    if not rows:
        return None
    row = rows[0]
    return ActorRef.from_row(row, via="author")


_DOMESTIC_ROLES = frozenset({"REB", "INS", "SEP", "CRM", "OPP", "COP", "CVL"})


def _party(actor: ActorRef | None) -> str | None:
    if actor is None:
        return None
    return actor.country if actor.country and len(actor.country) == 3 else actor.code


def _other_country_in(
    reader: RoleReader, sources: list[ActorRef], within: Token | None = None
) -> str | None:
    """A country the sentence (or the clause headed by ``within``) names besides the sources' own ("struck
    a Filipino fishing boat, injuring two fishermen"): the side an unnamed victim most likely belongs to."""
    own = {source.country for source in sources}
    for token in reader.doc if within is None else within.subtree:
        actor = reader.mentions.actor_at(token.i)
        country = actor.country if actor is not None else None
        if (
            country
            and country not in own
            and reader.is_country(country)
            and not reader.is_stance_prefixed(token)
        ):
            return country
    return None


def _own_population(sources: list[ActorRef]) -> list[ActorRef]:
    """A state's domestic measure with no addressee ("declared a state of emergency") is aimed at its own
    population."""
    for source in sources:
        country = source.country or ""
        if len(country) == 3 and country not in ("IGO", "NGO", "IMG") and _is_state_or_armed(source):
            return [ActorRef.inferred(country, "CVL", source.text, "population")]
    return []


def _own_government(sources: list[ActorRef]) -> list[ActorRef]:
    """A protest with no addressee ("protesters blocked the highway") is aimed at the protesters' own
    government."""
    for source in sources:
        country = source.country or ""
        if len(country) == 3 and country not in ("IGO", "NGO", "IMG") and not _is_state_or_armed(source):
            return [ActorRef.inferred(country, "GOV", source.text, "government")]
    return []


def _dateline_country(entity_rows: Sequence[Row], sentences: Sequence[Sentence]) -> str | None:
    """The country of the dateline ("PEMBA, Mozambique — ..."): a wire story is filed where it happens, so
    the people and forces it names by their kind alone are that country's."""
    first_sentence = sentences[0] if sentences else None
    dateline = DATELINE.match(first_sentence.text) if first_sentence is not None else None
    if dateline is None:
        return None
    end = first_sentence.start + dateline.end()
    countries = [
        row.get("country_code")
        for row in sorted(entity_rows, key=lambda row: row["char_start"])
        if row["sentence_index"] == first_sentence.index and row["char_end"] <= end
    ]
    return next((country for country in countries if country and len(country) == 3), None)


def _home_country(entity_rows: Sequence[Row]) -> str | None:
    """The country an article names most (a state, its people or its officials); of two named as often,
    the one named first (a story opens with where it happens)."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[int, int]] = {}
    for row in entity_rows:
        country = row.get("country_code")
        code = row.get("actor_code") or ""
        # An organization's token ("EUR", "UNO") is no country, whatever its length.
        if code and code[:3] not in ("IGO", "NGO", "IMG") and country and len(country) == 3:
            counts[country] = counts.get(country, 0) + 1
            position = (row["sentence_index"] < 0, row["char_start"])  # body before headline
            first[country] = min(first.get(country, position), position)
    if not counts:
        return None
    return min(counts, key=lambda code: (-counts[code], first[code], code))


def _claimants(coded: list[_Coded]) -> dict[int, ActorRef]:
    """Acts of violence by no one named, and who claimed them: "a bomb killed 11 recruits ... al Shabaab
    claimed the attack" makes al Shabaab the attack's doer for whoever condemns it."""
    found: dict[int, ActorRef] = {}
    for index, event in enumerate(coded):
        if not event.code.startswith("015") or event.source is None:
            continue
        for earlier in reversed(coded[:index]):
            if earlier.code[:2] in _VIOLENT_ROOTS and earlier.source is None:
                found[id(earlier)] = event.source
                break
    return found


def _resolve_references(coded: list[_Coded]) -> list[_Coded]:
    """An act aimed at an earlier act ("condemned the attack", "called the move a provocation",
    "claimed responsibility for the bombing") is aimed at whoever did it; a claim of responsibility
    takes the act's victim. The act may be told earlier in the article or in the same sentence ("condemns
    the attack carried out by unidentified men"); an act by no one known leaves the target unknown."""
    claimants = _claimants(coded)
    result: list[_Coded] = []
    for index, event in enumerate(coded):
        if event.target is None and event.refers_to:
            claim = event.code.startswith("015")
            unknown = False
            same_sentence_after = [
                other
                for other in coded[index + 1 :]
                if other.sentence_index == event.sentence_index and "*" not in event.refers_to
            ]
            for earlier in [*same_sentence_after, *reversed(result)]:
                related = "*" in event.refers_to or earlier.code[:2] in event.refers_to
                if claim and earlier.code[:2] in _VIOLENT_ROOTS:
                    related = True  # "claimed the attack": any act of violence told before
                if earlier is event or not related:
                    continue
                if (
                    not claim
                    and not event.code.startswith("09")  # a state investigates its own police too
                    and earlier.source is not None
                    and event.source is not None
                    and _same_side(earlier.source, event.source)
                ):
                    continue  # one's own act is not what one condemns
                doer = earlier.source or (None if claim else claimants.get(id(earlier)))
                if doer is None and not claim:
                    # "condemned the attacks" after a bombing someone claimed and one no one did: the
                    # condemnation reaches whoever is known; an act by no one known leaves no target.
                    unknown = True
                    continue
                target = earlier.target if claim else doer
                if target is not None and (event.source is None or target.code != event.source.code):
                    event = dataclasses.replace(
                        event, target=target, rule_suffix=event.rule_suffix + "+refers"
                    )
                    unknown = False
                break
            if unknown:
                event = dataclasses.replace(event, rule_suffix=event.rule_suffix + "+unknown")
        result.append(event)
    return result


def _is_reported(token: Token, modes: Modes) -> bool:
    """Whether the act is told in a clause a reporting verb governs ("said Congo was arming ...")."""
    node = token
    for _ in range(6):
        if node.head is node:
            return False
        if node.dep_ == "ccomp" and node.head.lemma_ in modes.reporting_verbs:
            return True
        node = node.head
    return False


def _counter_accusations(coded: list[_Coded]) -> list[_Coded]:
    """ "X denied the charge and said Y was arming the rebels": in the sentence of a denial, what the
    denier says the other side did is an accusation (112) of that side, not an established act."""
    deniers: dict[int, set[str]] = {}
    for event in coded:
        if event.code.startswith("016") and event.source is not None:
            deniers.setdefault(event.sentence_index, set()).add(event.source.code)
    if not deniers:
        return coded
    result: list[_Coded] = []
    for event in coded:
        speakers = [s for s in event.reported_by if s.code in deniers.get(event.sentence_index, ())]
        if speakers and event.source is not None and event.code[:2] not in ("01", "11"):
            speaker = speakers[0]
            if event.source.country != speaker.country:
                result.append(
                    dataclasses.replace(
                        event,
                        code="112",
                        source=speaker,
                        target=event.source,
                        rule_suffix=event.rule_suffix + "+alleged",
                    )
                )
            continue
        result.append(event)
    return result


def _main_dyad(coded: list[_Coded]) -> list[ActorRef]:
    """The two countries the article's events most often set against each other."""
    counts: dict[tuple[str, str], int] = {}
    actors: dict[str, ActorRef] = {}
    for event in coded:
        if event.source is None or event.target is None or event.code[:3] in _MEDIATION_CODES:
            continue
        one, other = event.source, event.target
        if (
            not one.country
            or not other.country
            or one.country == other.country
            or BOTH_SIDES in (one.code, other.code)
        ):
            continue
        pair = tuple(sorted((one.country, other.country)))
        counts[pair] = counts.get(pair, 0) + 1
        actors.setdefault(one.country, one)
        actors.setdefault(other.country, other)
    if not counts:
        return []
    best = max(sorted(counts), key=lambda pair: counts[pair])
    return [actors[best[0]], actors[best[1]]]


def _both_sides(coded: list[_Coded]) -> list[_Coded]:
    """ "appealed to both governments", "commanders from both sides agreed": one event per party of the
    article's main dyad (dropped when the article has none)."""
    if not any(
        BOTH_SIDES in (e.source.code if e.source else "", e.target.code if e.target else "") for e in coded
    ):
        return coded
    parties = _main_dyad(coded)
    result: list[_Coded] = []
    for event in coded:
        sources = parties if event.source is not None and event.source.code == BOTH_SIDES else [event.source]
        targets = parties if event.target is not None and event.target.code == BOTH_SIDES else [event.target]
        if len(sources) > 1 and event.target is None and event.code[:2] in _RECIPROCAL_ROOTS:
            # "commanders from both sides agreed to a ceasefire": with each other
            targets = parties
        for source in sources:
            for target in targets:
                if source is not None and target is not None and source.code == target.code:
                    continue
                if (source is None and event.source is not None) or (
                    target is None and event.target is not None
                ):
                    continue
                result.append(dataclasses.replace(event, source=source, target=target))
    return result


# A mediator, or one offering to mediate, stands between the sides: it is neither side of the dyad.
_MEDIATION_CODES = frozenset({"045", "039"})
_AIMED_ROOTS = frozenset({"02", "03", "10", "11", "12", "13", "16", "018"})


def _folded_participles(coded: list[_Coded], harming: frozenset[str]) -> list[_Coded]:
    """ "shelled the town, killing three civilians", "a bomb struck the convoy, wounding three soldiers":
    what an attack did (a ``harming`` participle) is that attack, one event; its victims are the attack's
    target when the attack named none. "raided the town, clashing with troops" is a second engagement."""
    by_trigger: dict[tuple[int, int], list[_Coded]] = {}
    for event in coded:
        by_trigger.setdefault((event.sentence_index, event.trigger.i), []).append(event)
    folded: dict[int, _Coded] = {}
    dropped: set[int] = set()
    for event in coded:
        trigger = event.trigger
        if trigger.tag_ != "VBG" or trigger.dep_ not in ("advcl", "conj"):
            continue
        if event.code[:2] not in _VIOLENT_ROOTS or trigger.lemma_.lower() not in harming:
            continue
        head = trigger.head
        while head.dep_ == "conj" and head.head is not head and head.tag_ == "VBG":
            head = head.head  # "damaging its hull and injuring two fishermen": back to what did it
        attacks = [
            other
            for other in by_trigger.get((event.sentence_index, head.i), [])
            if other.code[:2] in _FORCE_ROOTS and other.trigger.doc is trigger.doc
        ]
        if not attacks:
            continue
        dropped.add(id(event))
        for attack in attacks:
            current = folded.get(id(attack), attack)
            # Named victims ("killing two members of Iran's Revolutionary Guards") say more than the
            # country of the building that was hit.
            named = event.target is not None and event.target.via not in _INFERRED_VIA
            guessed = current.target is not None and current.target.via in _INFERRED_VIA
            if event.target is not None and (current.target is None or (guessed and named)):
                folded[id(attack)] = dataclasses.replace(
                    current, target=event.target, rule_suffix=current.rule_suffix + "+victims"
                )
    return [folded.get(id(event), event) for event in coded if id(event) not in dropped]


def _shared_addressee(coded: list[_Coded]) -> list[_Coded]:
    """ "accused the government of repression and demanded new elections": a verb joined to another by the
    same speaker, with no addressee of its own, addresses the same side."""
    result = []
    for event in coded:
        trigger = event.trigger
        if (
            event.target is None
            and event.source is not None
            and event.code[:2] in _AIMED_ROOTS
            and trigger.dep_ == "conj"
        ):
            first = next(
                (
                    other
                    for other in coded
                    if other.sentence_index == event.sentence_index
                    and other.trigger.doc is trigger.doc
                    and other.trigger.i == trigger.head.i
                    and other.target is not None
                    and other.source is not None
                    and other.source.code == event.source.code
                ),
                None,
            )
            if first is not None:
                event = dataclasses.replace(
                    event, target=first.target, rule_suffix=event.rule_suffix + "+shared"
                )
        result.append(event)
    return result


def _counterparts(
    coded: list[_Coded], faces_across_border: Callable[[_Coded, str], bool] = lambda event, other: False
) -> list[_Coded]:
    """An appeal, demand, criticism, rejection or threat with no addressee in its sentence is aimed at the
    other side of the article's main dyad: the party the article's other events most often involve
    opposite this source. So is force shown at a border the two share ("troops along the frontier were
    placed on alert")."""
    counts: dict[str, dict[str, int]] = {}
    parties: dict[str, ActorRef] = {}
    for event in coded:
        if event.source is None or event.target is None or event.code[:3] in _MEDIATION_CODES:
            continue
        for one, other in ((event.source, event.target), (event.target, event.source)):
            if one.country and other.country and one.country != other.country:
                counts.setdefault(one.country, {}).setdefault(other.country, 0)
                counts[one.country][other.country] += 1
                parties.setdefault(other.country, other)
    dyad = _main_dyad(coded)
    result = []
    for event in coded:
        opposite = counts.get(event.source.country or "", {}) if event.source is not None else {}
        best = max(sorted(opposite), key=lambda country: opposite[country]) if opposite else None
        if event.target is None and event.code[:2] == "15" and best and faces_across_border(event, best):
            event = dataclasses.replace(
                event, target=parties[best], rule_suffix=event.rule_suffix + "+border"
            )
        elif (
            event.target is None
            and event.source is not None
            and (event.code[:2] in _AIMED_ROOTS or event.code[:3] in _AIMED_ROOTS)
            and not event.rule_suffix.endswith("+unknown")
        ):
            if best:
                event = dataclasses.replace(
                    event, target=parties[best], rule_suffix=event.rule_suffix + "+dyad"
                )
            elif dyad and event.source.country not in {party.country for party in dyad}:
                # A third party urging restraint or condemning addresses both sides of the conflict.
                result.extend(
                    dataclasses.replace(event, target=party, rule_suffix=event.rule_suffix + "+dyad")
                    for party in dyad
                )
                continue
        result.append(event)
    return result


def _without_subsumed(coded: list[_Coded]) -> list[_Coded]:
    """An event with no target is dropped when the same sentence has the same act by the same source
    aimed at someone ("summoned the envoy to lodge a protest": one protest, to the envoy)."""
    aimed = {
        (event.sentence_index, event.code[:2], event.source.code if event.source else None)
        for event in coded
        if event.target is not None
    }
    return [
        event
        for event in coded
        if event.target is not None
        or (event.sentence_index, event.code[:2], event.source.code if event.source else None) not in aimed
    ]


def _restatement_key(event: _Coded) -> tuple:
    """Events that are the same news for the headline rule: the same root between the same countries."""

    def party(actor: ActorRef | None) -> str | None:
        return (actor.country or actor.code) if actor else None

    return (event.code[:2], party(event.source), party(event.target))


def _distinct(actors: list[ActorRef]) -> list[ActorRef]:
    seen: set[str] = set()
    result = []
    for actor in actors:
        if actor.code not in seen:
            seen.add(actor.code)
            result.append(actor)
    return result
