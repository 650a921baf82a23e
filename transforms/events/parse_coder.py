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
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from transforms.common.document import Row, Sentence
from transforms.common.ids import stable_id
from transforms.entities.gazetteer import Gazetteer
from transforms.entities.matcher import ActorMatcher
from transforms.events.codebook import Codebook
from transforms.events.frames import Frame, FrameLexicon, _inflector
from transforms.events.modes import Modes, load_code_maps
from transforms.events.parser import load_parser
from transforms.events.roles import (
    CONTENT,
    INTENDED,
    REFUSED,
    ActorRef,
    MentionIndex,
    PlaceRef,
    RoleReader,
)

BACKGROUND_DAYS = 31  # older acts are background, not news (the corpus conventions' "about a month")
HEADLINE_SENTENCE = -1  # sentence_index of events coded from the article's title
_VERBAL_QUAD_CLASSES = (1, 3)  # verbal cooperation and verbal conflict: the saying is the act
_GRANULARITY_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}


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


class EventCoder:
    """Codes events; build once (``load``), call per document."""

    def __init__(
        self,
        nlp: Language,
        frames: FrameLexicon,
        modes: Modes,
        codebook: Codebook,
        gazetteer: Gazetteer,
        code_maps: Mapping[str, Mapping],
        matcher: ActorMatcher | None = None,
    ):
        self.nlp = nlp
        self.matcher = matcher
        self.frames = frames
        self.modes = modes
        self.codebook = codebook
        self.gazetteer = gazetteer
        self._intent_codes = code_maps.get("intent_codes", {})
        self._refusal_codes = code_maps.get("refusal_codes", {})
        self._complement_codes = code_maps.get("complement_codes", {})
        inflector = _inflector()
        self._trigger_words = frames.trigger_words() | frozenset(
            form for verb in modes.support_verbs for form in inflector.verb_forms(verb)
        )

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
            ActorMatcher.load(),
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
        by_sentence: dict[int, list[Row]] = {}
        for row in entity_rows:
            by_sentence.setdefault(row["sentence_index"], []).append(row)
        dates_by_sentence: dict[int, list[Row]] = {}
        for row in date_rows:
            dates_by_sentence.setdefault(row["sentence_index"], []).append(row)
        chosen = [
            sentence
            for sentence in sentences
            if by_sentence.get(sentence.index) and self._may_hold_event(sentence.text)
        ]
        headline = self._headline(article)
        texts = [sentence.text for sentence in chosen] + ([headline[0].text] if headline else [])
        docs = list(self.nlp.pipe(texts, batch_size=64))
        coded: list[_Coded] = []
        for sentence, doc in zip(chosen, docs, strict=False):
            coded.extend(
                self._code_parsed(
                    doc,
                    sentence,
                    by_sentence[sentence.index],
                    dates_by_sentence.get(sentence.index, []),
                    article,
                )
            )
        if headline:
            title, title_entities = headline
            reported = {_restatement_key(event) for event in coded}
            coded.extend(
                event
                for event in self._code_parsed(docs[-1], title, title_entities, [], article)
                if _restatement_key(event) not in reported
            )
        return self._merge(coded, article)

    def _headline(self, article: Mapping[str, Any]) -> tuple[Sentence, list[Row]] | None:
        """The title as a sentence (index -1, offsets into the title) with its actor mentions, when it
        may hold an event. Headlines are coded only for events no body sentence reports."""
        title = (article.get("title") or "").strip()
        if not title or self.matcher is None or not self._may_hold_event(title):
            return None
        sentence = Sentence(index=HEADLINE_SENTENCE, start=0, end=len(title), text=title)
        rows = self.matcher.match(title, [sentence], article.get("published_date"))
        return (sentence, rows) if rows else None

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
        words = text.lower().replace("’", "'").split()
        return any(word.strip(".,;:!?\"'()“”«»—–") in self._trigger_words for word in words)

    # ------------------------------------------------------------------ one sentence

    def _code_parsed(
        self,
        doc: Doc,
        sentence: Sentence,
        entity_rows: Sequence[Row],
        date_rows: Sequence[Row],
        article: Mapping[str, Any],
    ) -> list[_Coded]:
        mentions = MentionIndex(doc, entity_rows, sentence.start)
        if not mentions.has_actors():
            return []
        reader = RoleReader(doc, mentions, self.modes)
        coded: list[_Coded] = []
        consumed: set[int] = set()  # event nouns already coded through their support verb
        for token in doc:
            if token.i in consumed:
                continue
            found = self._frame_for(token, reader)
            if found is None:
                continue
            frame, noun = found
            if noun is not None:
                consumed.add(noun.i)
            coded.extend(self._code_trigger(token, frame, reader, sentence, date_rows, article))
        return coded

    def _frame_for(self, token: Token, reader: RoleReader) -> tuple[Frame, Token | None] | None:
        """The frame a token triggers and, for a support verb, the event noun that gave it."""
        if token.pos_ in ("VERB", "AUX") and token.dep_ in _CLAUSE_OR_ROOT:
            frame = self._best_frame(token, self.frames.verb_frames(token.lemma_.lower()), reader)
            if frame is not None:
                return frame, None
            if token.lemma_.lower() in self.modes.support_verbs:
                for child in token.children:
                    if child.dep_ in ("dobj", "nsubjpass") and child.pos_ in ("NOUN", "PROPN"):
                        frame = self._best_frame(child, self._noun_frames(child), reader)
                        if frame is not None:
                            return frame, child
            return None
        if token.pos_ in ("NOUN", "PROPN") and token.dep_ in ("ROOT", "nsubj", "dobj", "pobj", "appos"):
            frames = self._noun_frames(token)
            if frames and self._is_standalone_noun(token, reader):
                frame = self._best_frame(token, frames, reader)
                if frame is not None:
                    return frame, None
        return None

    def _noun_frames(self, token: Token) -> tuple[Frame, ...]:
        # "talks" is lemmatized to "talk", but the lexicon may list the plural-only noun.
        return self.frames.noun_frames(token.lemma_.lower()) or self.frames.noun_frames(token.lower_)

    def _is_standalone_noun(self, token: Token, reader: RoleReader) -> bool:
        """An event noun codes on its own only when it names both sides ("US sanctions on Iran", "the
        attack by X on Y"), never as the object of a verb that triggers an event itself."""
        return not (
            token.dep_ in ("dobj", "nsubjpass") and token.head.lemma_.lower() in self.modes.support_verbs
        )

    def _best_frame(self, token: Token, frames: Sequence[Frame], reader: RoleReader) -> Frame | None:
        best: tuple[int, int] | None = None
        chosen = None
        for order, frame in enumerate(frames):
            score = self._fits(token, frame, reader)
            if score is None:
                continue
            key = (-score, order)
            if best is None or key < best:
                best, chosen = key, frame
        return chosen

    def _fits(self, token: Token, frame: Frame, reader: RoleReader) -> int | None:
        """How specific a frame's match is (None: it does not match)."""
        score = 0
        children = list(token.children)
        if frame.particle:
            if not any(
                child.dep_ in ("prt", "prep", "agent", "dative") and child.lower_ == frame.particle
                for child in children
            ):
                return None
            score += 2
        if frame.objects:
            objects = [child for child in children if child.dep_ in ("dobj", "nsubjpass", "attr")]
            objects += [
                grand
                for child in children
                if child.dep_ == "prep"
                for grand in child.children
                if grand.dep_ == "pobj"
            ]
            if not any(obj.lemma_.lower() in frame.objects for obj in objects):
                return None
            score += 3
        xcomp = getattr(frame, "xcomp", frozenset())
        if xcomp:
            if not any(child.dep_ == "xcomp" and child.lemma_.lower() in xcomp for child in children):
                return None
            score += 3
        if frame.complement == "that":
            if not any(child.dep_ == "ccomp" for child in children):
                return None
            score += 1
        if frame.object_kind == "actor":
            objects = reader.object_tokens(token, "obj")
            if not any(reader.phrase_actors(obj) for obj in objects):
                return None
            score += 1
        return score

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
        if mode in ("negated", "hedged", "habitual", CONTENT):
            return []
        if mode == INTENDED:
            code = self._mapped(self._intent_codes, code, keep_default=True)
            suffix = "+intent"
        elif mode == REFUSED:
            code = self._mapped(self._refusal_codes, code, default="120")
            suffix = "+refused"
        code = self._refined_by_content(token, code, reader)
        if code is None or code not in self.codebook:
            return []
        if reader.is_passive(token) and not reader.agents(token) and frame.source_slot == "subj":
            return []  # "protesters were killed": no one is said to have done it
        sources, targets = self._roles(token, frame, reader, governing)
        if not sources and not targets:
            return []
        if frame.need_target and not targets and len(sources) < 2:
            return []
        if frame.need_source and not sources:
            return []
        clause = reader.clause_verbs(token)
        if governing is not None:
            clause.append(governing)
        date, date_source, precision = self._event_date(token, clause, code, date_rows, sentence, article)
        if date is _NOT_NEWS:
            return []
        places = reader.places_of(clause)
        place = places[0] if places else None
        pairs = self._pairs(sources, targets, frame)
        return [
            _Coded(
                code=code,
                frame=frame,
                source=source,
                target=target,
                trigger=token,
                sentence_index=sentence.index,
                sentence=sentence,
                event_date=date,
                date_source=date_source,
                precision=precision,
                place=place,
                confidence=frame.confidence,
                rule_suffix=suffix,
            )
            for source, target in pairs
        ]

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
        sources: list[ActorRef] = []
        explicit_agent = False
        for child in token.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                sources.extend(reader.phrase_actors(child))
        for node in [token, *(child for child in token.children if child.dep_ == "acl")]:
            for child in node.children:
                if child.dep_ in ("prep", "agent") and child.lemma_ == "by":
                    for object_ in child.children:
                        if object_.dep_ == "pobj":
                            explicit_agent = True
                            sources.extend(reader.phrase_actors(object_))
        targets = self._slot_actors(token, frame.target_slots, reader)
        for acl in (child for child in token.children if child.dep_ == "acl"):
            targets = targets or self._slot_actors(acl, frame.target_slots, reader)
        source_codes = {actor.code for actor in sources}
        targets = [target for target in targets if target.code not in source_codes]
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
        places = reader.places_of([token, head])
        return [
            _Coded(
                code=frame.code,
                frame=frame,
                source=source,
                target=target,
                trigger=token,
                sentence_index=sentence.index,
                sentence=sentence,
                event_date=date,
                date_source=date_source,
                precision=precision,
                place=places[0] if places else None,
                confidence=frame.confidence * 0.9,
                rule_suffix="+noun",
            )
            for source, target in self._pairs(_distinct(sources), _distinct(targets), frame)
        ]

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
            if slot not in ("obj", "dative", "subj") and slot in self.modes.non_target_preps:
                continue
            found = [
                actor for head in reader.object_tokens(token, slot) for actor in reader.phrase_actors(head)
            ]
            if found:
                return found
        return []

    @staticmethod
    def _pairs(
        sources: list[ActorRef], targets: list[ActorRef], frame: Frame
    ) -> list[tuple[ActorRef | None, ActorRef | None]]:
        if targets:
            return [
                (source, target)
                for source in (sources or [None])
                for target in targets
                if source is None or source.code != target.code
            ]
        if len(sources) > 1 and (frame.mutual or frame.need_target):
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
            inner = self._best_frame(child, self.frames.verb_frames(child.lemma_.lower()), reader)
            if inner is None:
                continue
            refined = self._mapped(table, inner.code)
            if refined and refined in self.codebook:
                return refined
        return code

    # ------------------------------------------------------------------ dates

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
        published = article.get("published_date")
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
            return published, ("published" if published else "missing"), ("day" if published else None)
        resolved = chosen["resolved_date"]
        granularity = chosen.get("granularity") or "day"
        if granularity != "day":
            # A month or a year dates the act only roughly: the publication date stands in for it.
            return published, "published", _GRANULARITY_PRECISION.get(granularity, granularity)
        if published is not None and (resolved > published or (published - resolved).days > BACKGROUND_DAYS):
            return _NOT_NEWS, "", None
        return resolved, "text", "day"

    # ------------------------------------------------------------------ rows

    def _merge(self, coded: list[_Coded], article: Mapping[str, Any]) -> list[Row]:
        coded = _answer_targets(coded)
        article_id = article["article_id"]
        published = article.get("published_date")
        merged: dict[tuple, list[_Coded]] = {}
        for event in coded:
            key = (
                event.source.code if event.source else None,
                event.target.code if event.target else None,
                event.code,
                event.event_date,
            )
            merged.setdefault(key, []).append(event)
        rows: list[Row] = []
        for (source_code, target_code, code, event_date), events in merged.items():
            first = events[0]
            entry = self.codebook[code]
            place = first.place
            coordinates = self.gazetteer.lookup(place.name) if place else None
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
                }
            )
        rows.sort(key=lambda row: (row["sentence_index"], row["trigger_start"], row["event_id"]))
        for row in rows:
            del row["trigger_start"]
        return rows


_NOT_NEWS = object()
_CLAUSE_OR_ROOT = frozenset(
    {
        "ROOT",
        "conj",
        "ccomp",
        "xcomp",
        "advcl",
        "relcl",
        "pcomp",
        "csubj",
        "parataxis",
        "dep",
        "acl",
        "csubjpass",
    }
)


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


def _answer_targets(coded: list[_Coded]) -> list[_Coded]:
    result: list[_Coded] = []
    for event in coded:
        answered = _ANSWERS.get(event.code[:3]) or _ANSWERS.get(event.code[:2])
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
