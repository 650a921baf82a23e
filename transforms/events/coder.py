"""The events coder: who did what to whom in a sentence, as CAMEO-coded rows of the ``events`` table.

Pure module, no Beam. ``EventCoder.load()`` compiles the verb lexicon, the codebook and the gazetteer
once; ``code_document`` (or ``code_sentence``) is then a pass over tokens with dict look-ups.

How a sentence is read:

1. Tokens; each actor mention (entity rows of the actors stage) becomes one unit; "he"/"she" become the
   last person named before; "we"/"our country" inside a quote become its speaker ("..., Lavrov said");
   "X's neighbours" becomes the countries bordering X; lists ("China, Russia and Iran") become one unit.
2. Verb patterns (``transforms/lexicons/verbs/patterns.txt``) match over the units; overlapping matches
   keep the longest.
3. For each trigger: the words before it back to its subject decide the mode: negated ("did not meet",
   "has yet to recognize", "denied it would") and hedged ("may visit") triggers code nothing; refused
   ones ("refused to sign") become rejections (12); intended ones ("plans to visit", "pledged to send")
   become intents (03, or threats for force). An infinitive after another trigger is that trigger's
   content ("urged Iran to release" codes one appeal, 0253).
4. Source: the subject (nearest actor before the trigger), the agent after "by" in a passive, or the
   speaker of a quote. Target: the object, or the actor after with/to/against/on. Lists expand to one
   event per pair; symmetric verbs ("X and Y met") give both directions.
5. Place ("in Tehran") from the gazetteer, date from ``transforms.dates.resolve.event_date_for``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from transforms.common.document import Row, Sentence
from transforms.common.ids import stable_id
from transforms.dates.resolve import event_date_for
from transforms.entities.gazetteer import Gazetteer, Place
from transforms.events.codebook import Codebook
from transforms.events.lexicon import ACTOR, Match, VerbLexicon
from transforms.events.units import (
    PUNCTUATION_BREAKS,
    Actor,
    PersonIndex,
    SentenceView,
    UnitBuilder,
)

_QUOTE_MARKS = frozenset({"“", "”", '"', "«", "»"})
_WINDOW = 14  # how far back (in units) the subject and the mode cues of a trigger are looked for
_OBJECT_REACH = 5  # how many filler words may stand between a trigger and its object

NEGATED, REFUSED, HEDGED, INTENDED = "negated", "refused", "hedged", "intended"


@dataclasses.dataclass
class _Frame:
    """One trigger and what the coder made of it."""

    match: Match
    code: str
    mode: str | None = None
    sources: tuple[Actor, ...] = ()
    targets: tuple[Actor, ...] = ()
    source_unit: int | None = None
    target_unit: int | None = None
    dropped: bool = False
    rule_suffix: str = ""
    confidence: float = 1.0


def _prefix_lookup(table: Mapping[str, str], code: str) -> str | None:
    for length in range(len(code), 1, -1):
        value = table.get(code[:length])
        if value is not None:
            return value
    return None


class EventCoder:
    """Codes events; build once (``load``), call per document or sentence."""

    def __init__(self, lexicon: VerbLexicon, codebook: Codebook, gazetteer: Gazetteer):
        self.lexicon = lexicon
        self.codebook = codebook
        self._units = UnitBuilder(lexicon, gazetteer)
        self._negation = _Cues(lexicon.words("negation"))
        self._refusal = _Cues(lexicon.words("refusal"))
        self._hedge = _Cues(lexicon.words("hedge"))
        self._intent = _Cues(lexicon.words("intent"))
        self._be_forms = lexicon.words("be_forms")
        self._target_preps = lexicon.words("target_preps")
        self._fillers = lexicon.words("object_fillers")
        self._breaks = lexicon.words("clause_breaks") | PUNCTUATION_BREAKS
        self._relatives = frozenset({"who", "which", "that"})
        self._determiners = lexicon.words("determiners")
        self._present_verb_after = lexicon.words("present_verb_after")
        self._object_stops = lexicon.words("object_stops")
        self._topic_words = frozenset({"of", "about", "on", "over", "regarding"})
        self._intent_codes = lexicon.code_map("intent_codes")
        self._refusal_codes = lexicon.code_map("refusal_codes")
        self._complements = {outer: {str(k): str(v) for k, v in table.items()}
                             for outer, table in lexicon.frames.get("complement_codes", {}).items()}
        self._participles = lexicon.participles

    @classmethod
    def load(cls) -> EventCoder:
        codebook = Codebook.load()
        return cls(VerbLexicon.load(codebook), codebook, Gazetteer.load())

    # ------------------------------------------------------------------ public API

    def code_document(self, article: Mapping[str, Any], sentences: Sequence[Sentence],
                      entity_rows: Sequence[Row], date_rows: Sequence[Row]) -> list[Row]:
        """The event rows of one article (document.article, .sentences, .entities, .dates)."""
        persons = PersonIndex(entity_rows)
        entities_by_sentence: dict[int, list[Row]] = {}
        for row in entity_rows:
            entities_by_sentence.setdefault(row["sentence_index"], []).append(row)
        dates_by_sentence: dict[int, list[Row]] = {}
        for row in date_rows:
            dates_by_sentence.setdefault(row["sentence_index"], []).append(row)
        rows: list[Row] = []
        seen: set[str] = set()
        for sentence in sentences:
            for row in self.code_sentence(sentence, entities_by_sentence.get(sentence.index, []),
                                          dates_by_sentence.get(sentence.index, []), article, persons):
                if row["event_id"] not in seen:
                    seen.add(row["event_id"])
                    rows.append(row)
        return rows

    def code_sentence(self, sentence: Sentence, entity_rows: Sequence[Row], date_rows: Sequence[Row],
                      article: Mapping[str, Any], persons: PersonIndex | None = None) -> list[Row]:
        """The event rows of one sentence. ``entity_rows``/``date_rows`` are the rows of this sentence
        (offsets into the article text); ``persons`` indexes the article's PERSON mentions so that
        "he"/"she" resolve (without it pronouns stay unresolved)."""
        if not entity_rows and persons is None:
            return []
        view = self._units.build(sentence.text, sentence.start, entity_rows, persons)
        if not any(unit.word == ACTOR for unit in view.units):
            return []
        frames = self._frames(view)
        rows: list[Row] = []
        seen: set[tuple] = set()
        for frame in frames:
            if frame.dropped:
                continue
            for row in self._rows(frame, view, sentence, date_rows, article):
                # Two triggers for one event ("arrived in Baghdad for a visit") count once.
                key = (row["cameo_code"], row["source_actor"], row["target_actor"])
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
        return rows

    # ------------------------------------------------------------------ triggers

    def _triggers(self, view: SentenceView) -> list[Match]:
        chosen: list[Match] = []
        taken: set[int] = set()
        words = view.words
        # A verb pattern after a determiner is a noun ("the attack", "its release", "Iran's offer").
        candidates = [m for m in self.lexicon.matches(words) if not self._is_noun_use(m, words)]
        # Longest first; of two as long, the earlier (a verb before its object: "suspended aid to").
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start, m.pattern.order))
        for match in candidates:
            span = set(range(match.start, match.end))
            if span & taken:
                continue
            taken |= span
            chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def _is_noun_use(self, match: Match, words: list[str]) -> bool:
        """A verb pattern used as a noun: "the attack", "its release", "chemical attack", "raids"."""
        if not match.pattern.verbal:
            return False
        before = words[match.start - 1] if match.start > 0 else None
        if before in self._determiners:
            return True
        if words[match.start] in self.lexicon.present_forms:
            return before is not None and before != ACTOR and before not in self._present_verb_after
        return False

    def _frames(self, view: SentenceView) -> list[_Frame]:
        frames: list[_Frame] = []
        for match in self._triggers(view):
            frame = _Frame(match, match.pattern.code, confidence=match.pattern.confidence)
            self._read_left(frame, view, frames)
            if not frame.dropped:
                self._read_right(frame, view)
            frames.append(frame)
        return frames

    def _read_left(self, frame: _Frame, view: SentenceView, earlier: list[_Frame]) -> None:
        units = view.units
        start = frame.match.start
        window: list[str] = []
        stop: int | None = None  # unit index of the actor the window ran into
        reason = "start"  # why the window ended: actor, quote, break, limit, start
        cursor = start - 1
        crossed_comma = False
        while cursor >= 0:
            if start - cursor > _WINDOW:
                reason = "limit"
                break
            word = units[cursor].word
            if word == ACTOR:
                stop, reason = cursor, "actor"
                break
            if word == "as" and cursor >= 2 and units[cursor - 1].word == "well" \
                    and units[cursor - 2].word == "as":
                cursor -= 3  # "as well as" joins, it does not open a clause
                continue
            if word in self._breaks:
                if word == "," and not crossed_comma:
                    crossed_comma = True  # "Lavrov, speaking in Moscow, said" / "..., as well as offering"
                    cursor -= 1
                    continue
                if word in self._relatives and cursor > 0 and units[cursor - 1].word == ACTOR:
                    stop, reason = cursor - 1, "relative"  # "the Islamic State that has issued threats"
                    break
                if (word in self._relatives and cursor > 1 and units[cursor - 1].word == ","
                        and units[cursor - 2].word == ACTOR):
                    stop, reason = cursor - 2, "relative"  # "Togo, which then criticized"
                    break
                shared = earlier[-1] if earlier and not earlier[-1].dropped else None
                if word == "but" and shared is not None and shared.source_unit is not None:
                    stop, reason = shared.source_unit, "shared"  # "X met Y but rejected Z's plan"
                    break
                reason = "quote" if word in _QUOTE_MARKS else "break"
                if word not in PUNCTUATION_BREAKS:
                    window.append(word)
                break
            if not crossed_comma:
                window.append(word)
            cursor -= 1
        window.reverse()
        before_trigger = window[-1] if window else None
        infinitive = before_trigger == "to"

        mode = self._mode(window)
        previous = self._previous_in_clause(frame, earlier, units)
        if not frame.match.pattern.verbal and before_trigger in self._topic_words:
            frame.dropped = True  # "said of talks with China": a topic, not an event
            return
        if previous is not None and not previous.dropped and previous.match.end == start and (
                not frame.match.pattern.verbal or units[start].word.endswith("ing")):
            # "demanded talks with Guyana", "signed the statement condemning Russia": the second
            # trigger is the first one's object or a modifier of it.
            self._absorb(previous, frame, view)
            return
        if previous is not None and mode is not None:
            # "pledged to send", "refused to sign": the cue verb was itself a trigger; this one replaces it.
            if any(units[i].word in self._cue_words for i in range(previous.match.start, previous.match.end)):
                previous.dropped = True
        elif previous is not None and infinitive and not previous.dropped:
            self._absorb(previous, frame, view)
            return
        if stop is not None and before_trigger in ("to", "of", "for") and mode is None and reason == "actor":
            # "urged Iran to release", "accused by Guyana of massing troops", "praised Togo for helping"
            owner = next((f for f in reversed(earlier)
                          if stop in (f.target_unit, f.source_unit) and not f.dropped), None)
            if owner is not None:
                self._absorb(owner, frame, view)
                return
        frame.mode = mode
        if mode in (NEGATED, HEDGED):
            frame.dropped = True
            return

        passive_agent = self._passive_agent(frame, view, window)
        if frame.match.slots:
            slots = dict(frame.match.slots)
            if "S" in slots:
                frame.source_unit = slots["S"]
        if frame.match.pattern.reverse:
            frame.target_unit = stop
            return
        if passive_agent is not None:
            frame.source_unit, frame.target_unit = passive_agent, stop
            return
        if frame.source_unit is None and stop is not None:
            if reason in ("relative", "shared"):
                frame.source_unit = stop
            else:
                frame.source_unit = self._subject_of(stop, earlier, units)
        if frame.source_unit is None and reason in ("quote", "start"):
            # The main clause of a quote is the speaker's: "“We call on ...,” Lavrov said".
            quote = view.quote_of(start)
            if quote is not None and quote[2]:
                frame.sources = quote[2]
                frame.confidence *= 0.9

    @property
    def _cue_words(self) -> frozenset[str]:
        return self._intent.first_words | self._refusal.first_words

    def _mode(self, window: list[str]) -> str | None:
        text = " " + " ".join(window) + " "
        if self._negation.found(text):
            return NEGATED
        if self._refusal.found(text):
            return REFUSED
        if self._hedge.found(text):
            return HEDGED
        if self._intent.found(text):
            return INTENDED
        return None

    @staticmethod
    def _previous_in_clause(frame: _Frame, earlier: list[_Frame], units) -> _Frame | None:
        if not earlier:
            return None
        previous = earlier[-1]
        between = units[previous.match.end:frame.match.start]
        if any(u.word == ACTOR or u.word in PUNCTUATION_BREAKS for u in between) or len(between) > 6:
            return None
        return previous

    def _absorb(self, owner: _Frame, content: _Frame, view: SentenceView) -> None:
        """``content`` ("to release the sailors") is what ``owner`` ("urged Iran") asks, offers or
        threatens."""
        content.dropped = True
        if owner.target_unit is None and owner.sources == () and not owner.match.pattern.reverse:
            # "threatened to impose sanctions on Sweden": the content's object is the owner's target.
            self._read_right(content, view)
            if content.target_unit is not None and content.target_unit != owner.source_unit:
                owner.target_unit = content.target_unit
        owner_root = owner.code[:2]
        table = self._complements.get(owner_root)
        if table and owner.code.endswith("0") and len(owner.code) == 3:
            specific = _prefix_lookup(table, content.match.pattern.code)
            if specific:
                owner.code = specific
                owner.rule_suffix += f"+{content.match.pattern.rule_id}"

    def _passive_agent(self, frame: _Frame, view: SentenceView, window: list[str]) -> int | None:
        """ "was criticized by X": the unit of X, when the trigger is a participle after a form of "be"."""
        units = view.units
        verb = units[frame.match.start].word
        if not (verb.endswith("ed") or verb in self._participles):
            return None
        if not any(word in self._be_forms for word in window[-3:]):
            return None
        for index in range(frame.match.end, min(len(units), frame.match.end + 3)):
            if units[index].word == "by" and index + 1 < len(units) and units[index + 1].word == ACTOR:
                return index + 1
        return None

    def _subject_of(self, stop: int, earlier: list[_Frame], units) -> int:
        """The subject is the nearest actor before the trigger, unless that actor is the object of an
        earlier trigger ("X met Y and signed a deal"): then it is that trigger's subject."""
        owner = next((f for f in reversed(earlier) if f.target_unit == stop), None)
        if owner is None or (stop + 1 < len(units) and units[stop + 1].word in self._relatives):
            return stop
        if owner.source_unit is not None:
            return owner.source_unit
        return stop

    def _read_right(self, frame: _Frame, view: SentenceView) -> None:
        """The object: an actor right after the trigger (past a few filler words), or after one of the
        target prepositions (the pattern's own ``prep=`` list adds to them, and lets any words stand
        between: "gave a loan of three billion dollars to Pakistan")."""
        pattern = frame.match.pattern
        slots = dict(frame.match.slots)
        if "T" in slots:
            frame.target_unit = slots["T"]
            return
        if frame.target_unit is not None:
            return
        units = view.units
        explicit = pattern.preps is not None
        crossed_prep = False
        for offset in range(_OBJECT_REACH + 1):
            index = frame.match.end + offset
            if index >= len(units):
                return
            word = units[index].word
            if word == ACTOR:
                if crossed_prep or not pattern.noobj:
                    frame.target_unit = index
                    if offset > 2:
                        frame.confidence *= 0.9
                return
            if word in self._target_preps or (explicit and word in pattern.preps):
                crossed_prep = True
                continue
            if word in self._breaks or word in self._object_stops or word == "by":
                return
            if word not in self._fillers and not explicit and not word.isdigit():
                return

    # ------------------------------------------------------------------ rows

    def _final_code(self, frame: _Frame) -> str | None:
        code = frame.code
        if frame.mode == REFUSED:
            if code.startswith("12"):
                return code
            frame.rule_suffix += "+refused"
            return _prefix_lookup(self._refusal_codes, code) or "120"
        if frame.mode == INTENDED:
            if code.startswith("03") or code.startswith("13"):
                return code
            mapped = _prefix_lookup(self._intent_codes, code)
            frame.rule_suffix += "+intent"
            frame.confidence *= 0.9
            return code if mapped in (None, "keep") else mapped
        return code

    def _pairs(self, frame: _Frame, view: SentenceView,
               place: Place | None) -> list[tuple[Actor, Actor | None]]:
        pattern = frame.match.pattern
        units = view.units
        sources = frame.sources or (units[frame.source_unit].actors if frame.source_unit is not None else ())
        targets = units[frame.target_unit].actors if frame.target_unit is not None else ()
        if not sources:
            return []
        if not targets and pattern.loctarget and place is not None and place.country:
            targets = (Actor(code=place.country, country=place.country, name=place.name,
                             entity_type="COUNTRY", via="place"),)
        pairs: list[tuple[Actor, Actor | None]] = []
        if targets:
            for source in sources:
                for target in targets:
                    if source.code != target.code:
                        pairs.append((source, target))
                        if pattern.mutual and frame.mode is None:
                            pairs.append((target, source))
        elif pattern.among and len(sources) > 1:
            pairs = [(a, b) for a in sources for b in sources if a.code != b.code]
        elif not pattern.needtarget:
            pairs = [(source, None) for source in sources]
        unique: dict[tuple[str, str | None], tuple[Actor, Actor | None]] = {}
        for source, target in pairs:
            unique.setdefault((source.code, target.code if target else None), (source, target))
        return list(unique.values())

    @staticmethod
    def _place_for(frame: _Frame, view: SentenceView) -> Place | None:
        if not view.places:
            return None
        anchor = view.units[frame.match.start].start
        best = min(view.places, key=lambda item: (item[1].latitude is None, abs(item[0] - anchor)))
        return best[1]

    def _rows(self, frame: _Frame, view: SentenceView, sentence: Sentence, date_rows: Sequence[Row],
              article: Mapping[str, Any]) -> list[Row]:
        code = self._final_code(frame)
        if code is None:
            return []
        place = self._place_for(frame, view)
        pairs = self._pairs(frame, view, place)
        if not pairs:
            return []
        entry = self.codebook[code]
        units = view.units
        first = units[frame.match.start]
        last_unit = frame.match.end - 1
        while last_unit > frame.match.start and units[last_unit].word == ACTOR:
            last_unit -= 1
        trigger_start = sentence.start + first.start
        trigger_end = sentence.start + units[last_unit].end
        published_date = article.get("published_date")
        event_date, date_source = event_date_for(trigger_start, trigger_end, date_rows, published_date)
        article_id = article["article_id"]
        rows = []
        for source, target in pairs:
            confidence = frame.confidence
            for actor in (source, target):
                if actor is not None and actor.via in ("pronoun", "neighbours", "place", "metonymy"):
                    confidence *= 0.85
            target_code = target.code if target else None
            rows.append({
                "event_id": stable_id(article_id, sentence.index, source.code, target_code, code,
                                      trigger_start, trigger_end),
                "article_id": article_id,
                "sentence_index": sentence.index,
                "event_date": event_date,
                "event_date_source": date_source,
                "source_actor": source.code,
                "source_country": source.country,
                "target_actor": target_code,
                "target_country": target.country if target else None,
                "cameo_code": code,
                "cameo_root": code[:2],
                "quad_class": entry.quad_class,
                "goldstein": entry.goldstein,
                "plover_type": entry.plover_type,
                "location_name": place.name if place else None,
                "location_country": place.country if place else None,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
                "trigger": sentence.text[first.start:units[last_unit].end],
                "evidence": sentence.text,
                "rule_id": frame.match.pattern.rule_id + frame.rule_suffix,
                "confidence": round(min(1.0, confidence), 3),
                "published_date": published_date,
            })
        return rows


class _Cues:
    """A list of cue phrases, found as whole words in a space-padded window."""

    def __init__(self, phrases: frozenset[str]):
        self._padded = tuple(f" {phrase} " for phrase in phrases)
        self.first_words = frozenset(phrase.split()[0] for phrase in phrases)

    def found(self, padded_text: str) -> bool:
        return any(phrase in padded_text for phrase in self._padded)
