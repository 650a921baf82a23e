"""A sentence as the events coder reads it: tokens, with every actor mention (and every list of actors
joined by commas and "and") folded into one unit.

Pure functions, no Beam. Offsets are relative to the sentence text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from transforms.entities.gazetteer import Gazetteer, Place
from transforms.events.lexicon import ACTOR, VerbLexicon

_TOKEN = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*|['’][^\W\d_]+|\S")
OPEN_QUOTES = frozenset({"“", "«"})
CLOSE_QUOTES = frozenset({"”", "»"})
STRAIGHT_QUOTE = '"'
PUNCTUATION_BREAKS = frozenset({",", ";", ":", "“", "”", '"', "«", "»", "(", ")", "—", "–", "[", "]"})
_LIST_JOINERS = ("and", "or", "&")


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who a unit stands for. ``code`` is the actor code written to the events table."""

    code: str
    country: str | None
    name: str | None
    entity_type: str
    via: str = "entity"  # entity, pronoun, speaker, neighbours, metonymy


@dataclasses.dataclass
class Unit:
    word: str  # lower-case token, or ACTOR
    start: int
    end: int
    actors: tuple[Actor, ...] = ()
    capitalized: bool = False


@dataclasses.dataclass
class Mention:
    start: int
    end: int
    actor: Actor
    person: bool = False


@dataclasses.dataclass
class SentenceView:
    text: str
    units: list[Unit]
    quotes: list[tuple[int, int, tuple[Actor, ...]]]  # (first unit, last unit, speaker) per quote
    places: list[tuple[int, Place]]  # (char offset, place) of locations in the sentence

    @property
    def words(self) -> list[str]:
        return [unit.word for unit in self.units]

    def quote_of(self, index: int) -> tuple[int, int, tuple[Actor, ...]] | None:
        for quote in self.quotes:
            if quote[0] <= index <= quote[1]:
                return quote
        return None


def tokenize(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def actor_of_row(row: Mapping[str, Any]) -> Actor | None:
    code = row.get("actor_code") or row.get("country_code")
    if not code:
        return None
    return Actor(code=code, country=row.get("country_code"), name=row.get("name") or row.get("text"),
                 entity_type=row.get("entity_type") or "COUNTRY")


class PersonIndex:
    """The PERSON mentions of an article in text order, to resolve "he"/"she" to the last one before."""

    def __init__(self, entity_rows: Sequence[Mapping[str, Any]]):
        persons = sorted(((row["char_start"], row["char_end"], row) for row in entity_rows
                          if row.get("entity_type") == "PERSON"
                          and (row.get("actor_code") or row.get("country_code"))
                          and str(row.get("text", "")).lower() not in ("he", "she", "him", "her", "his")),
                         key=lambda item: (item[0], item[1]))
        self._ends = [end for _, end, _ in persons]
        self._rows = [row for _, _, row in persons]

    def last_before(self, article_offset: int) -> Actor | None:
        index = bisect.bisect_right(self._ends, article_offset) - 1
        if index < 0:
            return None
        actor = actor_of_row(self._rows[index])
        return dataclasses.replace(actor, via="pronoun") if actor else None


class UnitBuilder:
    """Turns a sentence and its entity rows into units (built once per coder, used per sentence)."""

    def __init__(self, lexicon: VerbLexicon, gazetteer: Gazetteer):
        self._gazetteer = gazetteer
        self._person_pronouns = lexicon.words("person_pronouns")
        self._speaker_pronouns = lexicon.words("speaker_pronouns")
        self._possessive_person = lexicon.words("possessive_person")
        self._possessive_speaker = lexicon.words("possessive_speaker")
        self._self_nouns = lexicon.words("self_nouns")
        self._reporting = lexicon.words("reporting_verbs")
        self._neighbour_words = lexicon.words("neighbour_words")
        self._neighbour_nouns = lexicon.words("neighbour_nouns")
        self._neighbour_fillers = {w for phrase in lexicon.words("neighbour_fillers") for w in phrase.split()}
        self._locative = lexicon.words("locative_preps")
        self._place_heads = lexicon.words("place_heads")
        self._in_takes_object = lexicon.words("in_takes_object")
        self._country_locative = lexicon.words("country_locative_preps")

    # ------------------------------------------------------------------ entry point

    def build(self, text: str, offset: int, entity_rows: Sequence[Mapping[str, Any]],
              persons: PersonIndex | None) -> SentenceView:
        tokens = tokenize(text)
        starts = [start for _, start, _ in tokens]
        mentions, places = self._mentions(text, offset, tokens, starts, entity_rows)
        mentions += self._pronouns(tokens, mentions, offset, persons)
        mentions = self._neighbours(tokens, starts, mentions)
        units = self._fold(tokens, mentions)
        quotes = self._quotes(units)
        self._speaker_pronouns_in_quotes(units, quotes)
        units = self._join_lists(units)
        quotes = self._quotes(units)
        places += self._gazetteer_places(tokens, {p for p, _ in places})
        places.sort(key=lambda item: item[0])
        return SentenceView(text, units, quotes, places)

    # ------------------------------------------------------------------ mentions

    def _locative_context(self, tokens, index: int, preps: frozenset[str]) -> bool:
        """Whether the token at ``index`` sits in "in (the Iranian capital of) ___"."""
        for back in range(index - 1, max(-1, index - 6), -1):
            word = tokens[back][0].lower()
            if word in preps:
                before = {t[0].lower() for t in tokens[max(0, back - 2):back]}
                return not before & self._in_takes_object  # "invested heavily in Vietnam"
            if word in self._place_heads or tokens[back][0][:1].isupper():
                continue
            return False
        return False

    def _mentions(self, text, offset, tokens, starts, entity_rows):
        mentions: list[Mention] = []
        places: list[tuple[int, Place]] = []
        for row in sorted(entity_rows, key=lambda r: (r["char_start"], -r["char_end"])):
            start, end = row["char_start"] - offset, row["char_end"] - offset
            if start < 0 or end > len(text) or start >= end:
                continue
            first = bisect.bisect_left(starts, start)
            # A mention glued into a bigger word ("Moscow-led", "US-backed") describes, it does not act.
            if first >= len(tokens) or tokens[first][1] != start:
                continue
            last = bisect.bisect_left(starts, end) - 1
            if tokens[last][2] != end:
                continue
            actor = actor_of_row(row)
            if actor is None:
                continue
            entity_type = row.get("entity_type") or ""
            name = row.get("name") or row.get("text") or text[start:end]
            preps = self._locative if entity_type == "LOCATION" else self._country_locative
            # The actor stage flags places ("in Tehran", "visited Kabul"); a country keeps our narrower
            # test, since "fired missiles at Saudi Arabia" names a target, not a place.
            flagged = entity_type == "LOCATION" and row.get("locative") is True
            if entity_type in ("LOCATION", "COUNTRY") and (
                    flagged or self._locative_context(tokens, first, preps)):
                place = self._gazetteer.lookup(str(name)) or self._gazetteer.lookup(text[start:end])
                if place is not None:
                    places.append((start, place))
                elif entity_type == "LOCATION":
                    places.append((start, Place(str(name), actor.country or "", None, None, 0)))
                continue
            if entity_type == "LOCATION":
                place = self._gazetteer.lookup(str(name)) or self._gazetteer.lookup(text[start:end])
                if place is None or not place.is_capital:
                    continue  # a town named as a subject is not a government
                actor = dataclasses.replace(actor, code=row.get("actor_code") or f"{actor.country}GOV",
                                            via="metonymy")
            mention = Mention(start, end, actor, person=entity_type == "PERSON")
            if mentions and self._same_actor_chain(text, mentions[-1], mention):
                mentions[-1] = self._merge(mentions[-1], mention, text)
            elif mentions and mention.start < mentions[-1].end:
                continue  # nested in an earlier, longer mention
            else:
                mentions.append(mention)
        return mentions, places

    @staticmethod
    def _same_actor_chain(text: str, left: Mention, right: Mention) -> bool:
        """"Chinese Foreign Minister Wang Yi", "the Islamic State (ISIS)": one actor, several rows."""
        if right.start < left.end:
            return True
        gap = text[left.end:right.start]
        if gap.strip() in ("(", ""):
            return True
        words = gap.split()
        return len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)

    @staticmethod
    def _merge(left: Mention, right: Mention, text: str) -> Mention:
        end = max(left.end, right.end)
        if text[end:end + 1] == ")" and "(" in text[left.end:right.start]:
            end += 1
        def rank(m: Mention) -> tuple:
            return (m.person, len(m.actor.code), m.start)
        best = max(left, right, key=rank)
        return Mention(left.start, end, best.actor, person=left.person or right.person)

    def _pronouns(self, tokens, mentions, offset, persons: PersonIndex | None) -> list[Mention]:
        if persons is None:
            return []
        covered = [(m.start, m.end) for m in mentions]
        found = []
        for index, (token, start, end) in enumerate(tokens):
            word = token.lower()
            if word in self._person_pronouns:
                span_end = end
            elif (word in self._possessive_person and index + 1 < len(tokens)
                  and tokens[index + 1][0].lower() in self._self_nouns):
                span_end = tokens[index + 1][2]
            else:
                continue
            if any(s <= start < e for s, e in covered):
                continue
            actor = persons.last_before(offset + start)
            if actor is not None:
                found.append(Mention(start, span_end, actor, person=True))
        return found

    def _neighbours(self, tokens, starts, mentions: list[Mention]) -> list[Mention]:
        """ "Afghanistan's six surrounding nations", "countries surrounding Afghanistan": every country that
        borders it (from the gazetteer)."""
        result = []
        for mention in sorted(mentions, key=lambda m: m.start):
            if mention.actor.entity_type != "COUNTRY" or not mention.actor.country:
                result.append(mention)
                continue
            first = bisect.bisect_left(starts, mention.start)
            last = bisect.bisect_left(starts, mention.end) - 1
            span = self._neighbour_span(tokens, first, last)
            neighbours = self._gazetteer.neighbours(mention.actor.country) if span else ()
            if not neighbours:
                result.append(mention)
                continue
            actors = tuple(Actor(code=c, country=c, name=self._gazetteer.country_name(c),
                                 entity_type="COUNTRY", via="neighbours") for c in neighbours)
            start, end = tokens[span[0]][1], tokens[span[1]][2]
            result = [m for m in result if m.end <= start]
            result.append(_GroupMention(start, end, actors[0], group=actors))
        return result

    def _neighbour_span(self, tokens, first: int, last: int) -> tuple[int, int] | None:
        words = [t[0].lower() for t in tokens]
        # "X's (six) (surrounding) neighbours / nations"
        if last + 1 < len(words) and words[last + 1] in ("'s", "’s"):
            index, seen_neighbour = last + 2, False
            while index < len(words) and index <= last + 6:
                word = words[index]
                if word in self._neighbour_nouns:
                    if seen_neighbour or word.startswith("neighbo"):
                        return first, index
                    return None
                if word in self._neighbour_words:
                    seen_neighbour = True
                elif word not in self._neighbour_fillers:
                    return None
                index += 1
        # "countries (in the region) surrounding X"
        if first >= 2 and words[first - 1] in self._neighbour_words:
            for back in range(first - 2, max(-1, first - 7), -1):
                if words[back] in self._neighbour_nouns:
                    return back, last
                if words[back] not in self._neighbour_fillers and words[back] not in ("in", "of", "region"):
                    return None
        return None

    # ------------------------------------------------------------------ units

    @staticmethod
    def _fold(tokens, mentions: list[Mention]) -> list[Unit]:
        units: list[Unit] = []
        ordered = sorted(mentions, key=lambda m: m.start)
        position = 0
        for token, start, end in tokens:
            while position < len(ordered) and ordered[position].end <= start:
                position += 1
            if position < len(ordered) and ordered[position].start <= start < ordered[position].end:
                mention = ordered[position]
                if units and units[-1].word == ACTOR and units[-1].end > mention.start >= units[-1].start:
                    units[-1].end = max(units[-1].end, end)
                    continue
                group = getattr(mention, "group", None) or (mention.actor,)
                unit_start = mention.start
                if units and units[-1].word == "the":
                    # "by the European Union", "Japan and the Philippines": the article belongs to the actor.
                    unit_start = units.pop().start
                units.append(Unit(ACTOR, unit_start, max(end, mention.end), group))
                continue
            units.append(Unit(token.lower(), start, end, capitalized=token[:1].isupper()))
        return units

    def _quotes(self, units: list[Unit]) -> list[tuple[int, int, tuple[Actor, ...]]]:
        spans: list[tuple[int, int]] = []
        open_at: int | None = None
        straight_open: int | None = None
        for index, unit in enumerate(units):
            if unit.word in OPEN_QUOTES:
                open_at = index
            elif unit.word in CLOSE_QUOTES:
                spans.append((0 if open_at is None else open_at, index))
                open_at = None
            elif unit.word == STRAIGHT_QUOTE:
                if straight_open is None:
                    straight_open = index
                else:
                    spans.append((straight_open, index))
                    straight_open = None
        for pending in (open_at, straight_open):
            if pending is not None:
                spans.append((pending, len(units) - 1))
        return [(first, last, self._speaker(units, first, last)) for first, last in sorted(spans)]

    def _speaker(self, units: list[Unit], first: int, last: int) -> tuple[Actor, ...]:
        after = [u for u in units[last + 1:last + 7] if u.word not in (",", "’", "'")]
        if len(after) >= 2:
            if after[0].word == ACTOR:
                # "..., Lavrov said", "..., Jordan's king said"
                for unit in after[1:5]:
                    if unit.word in self._reporting:
                        return after[0].actors
                    if unit.word == ACTOR or unit.word in PUNCTUATION_BREAKS:
                        break
            if after[0].word in self._reporting and after[1].word == ACTOR:
                return after[1].actors
        before = units[max(0, first - 6):first]
        for index in range(len(before) - 1, 0, -1):
            if before[index].word in self._reporting and before[index - 1].word == ACTOR:
                return before[index - 1].actors
        return ()

    def _speaker_pronouns_in_quotes(self, units: list[Unit], quotes) -> None:
        for first, last, speaker in quotes:
            if not speaker:
                continue
            for index in range(first, last + 1):
                unit = units[index]
                if unit.word in self._speaker_pronouns:
                    units[index] = Unit(ACTOR, unit.start, unit.end,
                                        tuple(dataclasses.replace(a, via="speaker") for a in speaker))
                elif (unit.word in self._possessive_speaker and index + 1 <= last
                      and units[index + 1].word in self._self_nouns):
                    units[index] = Unit(ACTOR, unit.start, units[index + 1].end,
                                        tuple(dataclasses.replace(a, via="speaker") for a in speaker))
                    units[index + 1] = Unit("", units[index + 1].start, units[index + 1].start)
        units[:] = [unit for unit in units if unit.word != "" or unit.end > unit.start]

    @staticmethod
    def _join_lists(units: list[Unit]) -> list[Unit]:
        """ "China, Russia, Iran and Pakistan" → one unit standing for four actors."""
        joined: list[Unit] = []
        index = 0
        while index < len(units):
            unit = units[index]
            if unit.word != ACTOR:
                joined.append(unit)
                index += 1
                continue
            members = [unit]
            cursor = index + 1
            closed = False
            while cursor < len(units):
                word = units[cursor].word
                step = cursor
                if word == ",":
                    step += 1
                    if step < len(units) and units[step].word in _LIST_JOINERS:
                        step += 1
                        closed = True
                elif word in _LIST_JOINERS:
                    step += 1
                    closed = True
                elif word == "as" and [u.word for u in units[cursor:cursor + 3]] == ["as", "well", "as"]:
                    step += 3
                    closed = True
                else:
                    break
                if step < len(units) and units[step].word == ACTOR:
                    members.append(units[step])
                    cursor = step + 1
                    if closed:
                        break
                else:
                    break
            if len(members) > 1 and closed:
                actors: list[Actor] = []
                for member in members:
                    for actor in member.actors:
                        if all(actor.code != known.code for known in actors):
                            actors.append(actor)
                joined.append(Unit(ACTOR, members[0].start, members[-1].end, tuple(actors)))
                index = cursor
            else:
                joined.append(unit)
                index += 1
        return joined

    # ------------------------------------------------------------------ places

    def _gazetteer_places(self, tokens, known: set[int]) -> list[tuple[int, Place]]:
        places = []
        for index, (token, _, _) in enumerate(tokens):
            if token.lower() not in self._locative:
                continue
            cursor = index + 1
            while cursor < len(tokens) and cursor <= index + 6:
                word = tokens[cursor][0]
                if word[:1].isupper():
                    place = None
                    for size in (3, 2, 1):
                        if cursor + size <= len(tokens):
                            name = " ".join(t[0] for t in tokens[cursor:cursor + size])
                            place = self._gazetteer.lookup(name)
                            if place is not None:
                                break
                    if place is not None:
                        if tokens[cursor][1] not in known:
                            places.append((tokens[cursor][1], place))
                        break
                elif word.lower() not in self._place_heads:
                    break
                cursor += 1
        return places


@dataclasses.dataclass
class _GroupMention(Mention):
    group: tuple[Actor, ...] = ()
