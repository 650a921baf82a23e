"""Who a bare surname or a "he"/"she" refers to, within one article.

Pure module (no Beam). The rule, deliberately simple:

1. A bare surname of a known official ("Putin", "Lavrov"; marked ``standalone`` in officials.csv) refers
   to the last person of that surname named earlier in the article; if there is none, to the official of
   that surname in office on the article's date.
2. After a person is named ("Chinese Foreign Minister Wang Yi", or a name captured after a title), a
   later bare surname refers back to the last person of that surname named before it ("Wang added"). The
   surname is the last word of the name, or the first for family-name-first countries (rules.yaml). A
   surname glued to another capitalized word ("Wang Wenbin", "Genghis Khan") is a different name,
   unless that word is a title ("Mr Wang").
3. "He"/"She" (and "he"/"she") refer to the last person mentioned before them, in the same sentence or
   the ``pronoun_window`` sentences before, whose gender is the pronoun's; failing that, to the last
   person of unknown gender (a name captured after a title). If there is none, the pronoun makes no
   mention.

Mentions made by rules 2 and 3 copy the code of the person they refer to and point at it
(``antecedent``).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from transforms.common.document import Sentence
from transforms.entities.compose import PRONOUN, REFERENCE, SURNAME, Mention, person_mention
from transforms.entities.lexicon import Person, Rules

_WORD_BEFORE = re.compile(r"(\S+)\s+$")
_WORD_AFTER = re.compile(r"\s+(\S+)")


class Coreference:
    def __init__(self, rules: Rules):
        self._rules = rules
        words = sorted(rules.references, key=len, reverse=True)
        pronouns = sorted(rules.pronoun_references, key=len, reverse=True)
        alternatives = []
        if words:
            alternatives.append(r"(?P<the>\b[Tt]he\s+)(?P<word>" + "|".join(re.escape(w) for w in words)
                                + r")(?!\w)")
        if pronouns:
            alternatives.append(r"(?<![\w'’-])(?P<pronoun>" + "|".join(re.escape(p) for p in pronouns)
                                + r")(?![\w'’-])")
        self._reference_pattern = re.compile("|".join(alternatives) or r"(?!x)x")
        self._pronoun_pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(p) for p in sorted(rules.pronouns, key=len, reverse=True))
            + r")(?!\w)")

    def resolve(self, text: str, sentences: Sequence[Sentence], mentions: list[Mention],
                published: dt.date | None) -> list[Mention]:
        """``mentions`` (in text order) with bare surnames resolved, plus the surname and pronoun mentions
        that refer back to a person."""
        named = self._resolve_surname_hits(mentions, published)
        kept = [m for m in mentions if m.mention != SURNAME or m.actor_code is not None]
        taken = bytearray(len(text) + 1)
        for mention in kept:
            taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        starts = [s.start for s in sentences]
        kept += self._surname_references(text, sentences, starts, named, taken)
        kept.sort(key=lambda m: m.start)
        kept += self._pronoun_references(text, sentences, starts, kept, taken)
        kept.sort(key=lambda m: m.start)
        kept = self._references(text, sentences, starts, kept, taken)
        kept.sort(key=lambda m: m.start)
        return kept

    # ------------------------------------------------------------------------------------------ rule 4

    def _references(self, text: str, sentences: Sequence[Sentence], starts: list[int],
                    mentions: list[Mention], taken: bytearray) -> list[Mention]:
        """ "the ministry", "the bloc's envoy", "It denied": the nearest earlier mention of a kind the word
        allows (rules.yaml ``references``), within ``reference_window`` sentences. A titled person coded
        only by the article's country right after "the bloc's" takes the bloc's code instead."""
        found: list[Mention] = []
        result = list(mentions)
        for match in self._reference_pattern.finditer(text):
            word = match.group("word") or match.group("pronoun")
            kinds = (self._rules.references.get(word.lower()) or self._rules.references.get(word)
                     if match.group("word") else self._rules.pronoun_references.get(word))
            if kinds and "compass" in kinds and not word[:1].isupper():
                continue  # "the north of the country" is a region, "the North" a state
            start, end = match.span("word") if match.group("word") else match.span("pronoun")
            if not kinds or taken.find(1, start, end) != -1:
                continue
            if match.group("word") and _OF_AFTER.match(text, end):
                continue  # "the ministry of defence": a phrase of its own
            if match.group("pronoun") and not self._subject_pronoun(text, start, end):
                continue
            sentence = _sentence_of(sentences, starts, start, end)
            if sentence is None:
                continue
            antecedent = self._antecedent(text, result + found, start, sentence.index, kinds, text[start:end])
            if antecedent is None:
                continue
            follower = next((m for m in result if m.start >= end), None)
            if (follower is not None and follower.anchorless and match.group("word")
                    and _POSSESSIVE_GAP.fullmatch(text, end, follower.start)):
                _recode_by(follower, antecedent)
                follower.start = match.start("word") if match.group("the") is None else match.start("the")
                continue
            kind = REFERENCE if match.group("word") else PRONOUN
            found.append(_reference(start, end, sentence.index, antecedent, kind))
            taken[start:end] = b"\x01" * (end - start)
        return result + found

    def _subject_pronoun(self, text: str, start: int, end: int) -> bool:
        """ "Hamas said it would", "It denied": a subject, not an object ("rejected it") nor a dummy ("It
        is vital to ...")."""
        after = _WORD_AFTER.match(text, end)
        if after is not None and after.group(1).lower().strip(".,;:") in self._rules.dummy_it_before:
            return False
        if text[start].isupper():
            return True
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is None:
            return True
        word = before.group(1)
        return word[-1] in ",;:“\"(—–" or word.lower() in self._rules.subject_pronoun_after

    def _antecedent(self, text: str, mentions: Sequence[Mention], start: int, sentence_index: int,
                    kinds: tuple[str, ...], word: str = "") -> Mention | None:
        window = self._rules.reference_window
        earlier = sorted((m for m in mentions if m.end <= start), key=lambda m: m.start, reverse=True)
        if "compass" in kinds:
            # "the North": the state named earlier whose name starts with the word, however far back.
            prefix = word.lower() + " "
            return next((m for m in earlier if m.entity_type == "COUNTRY" and not m.locative
                         and m.actor_code and (m.name or "").lower().startswith(prefix)), None)
        for mention in earlier:
            if mention.sentence_index < sentence_index - window:
                return None
            if mention.locative or mention.actor_code is None:
                continue
            if any(_is_kind(mention, text[mention.start:mention.end], kind) for kind in kinds):
                return _root(mention) if mention.mention in (PRONOUN, REFERENCE, SURNAME) else mention
        return None

    # ------------------------------------------------------------------------------------------ rule 1

    @staticmethod
    def _resolve_surname_hits(mentions: Sequence[Mention], published: dt.date | None) -> list[Mention]:
        named: list[Mention] = []
        for mention in mentions:
            if mention.mention == SURNAME and mention.actor_code is None and mention.candidates:
                earlier = next((m for m in reversed(named) if m.surname == mention.surname), None)
                if earlier is not None:
                    _copy_person(mention, earlier)
                else:
                    person = _in_office_first(mention.candidates, published)
                    resolved = person_mention(mention.start, mention.end, mention.sentence_index, person,
                                              published, SURNAME)
                    _copy_person(mention, resolved)
                    mention.antecedent = None
            if mention.is_person and mention.surname:
                named.append(mention)
        return named

    # ------------------------------------------------------------------------------------------ rule 2

    def _surname_references(self, text: str, sentences: Sequence[Sentence], starts: list[int],
                            named: Sequence[Mention], taken: bytearray) -> list[Mention]:
        # Longest first, so "Bhutto Zardari" is claimed before "Zardari"; sorted for a stable result.
        surnames = sorted({m.surname for m in named if m.surname}, key=lambda s: (-len(s), s))
        found: list[Mention] = []
        for surname in surnames:
            first = min(m.end for m in named if m.surname == surname)
            start = text.find(surname, first)
            while start != -1:
                end = start + len(surname)
                if (_word_edge(text, start, end) and taken.find(1, start, end) == -1
                        and self._stands_alone(text, start, end)):
                    antecedent = next(
                        (m for m in reversed(named) if m.surname == surname and m.end <= start), None)
                    sentence = _sentence_of(sentences, starts, start, end)
                    if antecedent is not None and sentence is not None:
                        found.append(_reference(start, end, sentence.index, antecedent, SURNAME))
                        taken[start:end] = b"\x01" * (end - start)
                start = text.find(surname, end)
        return found

    def _stands_alone(self, text: str, start: int, end: int) -> bool:
        before = _WORD_BEFORE.search(text, max(0, start - 40), start)
        if before is not None:
            word = before.group(1)
            # A capitalized word ending in punctuation closes the previous clause or sentence.
            if word[:1].isupper() and word.isalpha() and word not in self._rules.titles:
                return False
        after = _WORD_AFTER.match(text, end)
        if after is None:
            return True
        following = after.group(1).rstrip(".,;:!?)'’\"”")
        return not (following[:1].isupper() and following.isalpha())

    # ------------------------------------------------------------------------------------------ rule 3

    def _pronoun_references(self, text: str, sentences: Sequence[Sentence], starts: list[int],
                            mentions: Sequence[Mention], taken: bytearray) -> list[Mention]:
        persons = [m for m in mentions if m.is_person]
        if not persons:
            return []
        ends = [m.end for m in persons]
        found: list[Mention] = []
        for match in self._pronoun_pattern.finditer(text):
            start, end = match.span()
            if taken.find(1, start, end) != -1:
                continue
            sentence = _sentence_of(sentences, starts, start, end)
            if sentence is None:
                continue
            gender = self._rules.pronouns[match.group(1)]
            position = bisect.bisect_right(ends, start)
            window = [c for c in persons[:position]
                      if c.sentence_index >= sentence.index - self._rules.pronoun_window]
            # The last person of the pronoun's gender; failing that, the last of unknown gender.
            antecedent = next((c for c in reversed(window) if c.gender == gender), None)
            if antecedent is None:
                antecedent = next((c for c in reversed(window) if c.gender is None), None)
            if antecedent is None:
                continue
            found.append(_reference(start, end, sentence.index, antecedent, PRONOUN))
        return found


_OF_AFTER = re.compile(r"\s+(?:of|for)\b")
# "the bloc's special envoy": a possessive and optional fillers between a reference and a title.
_POSSESSIVE_GAP = re.compile(r"['’]s?(?:\s+[a-z-]+){0,2}\s+")
_GROUP_ROLES = frozenset({"REB", "INS", "SEP", "CRM"})
_PLURAL_ROLES = frozenset({"MIL", "COP", "REB", "INS", "SEP", "OPP", "CVL", "CRM", "REF"})


def _is_kind(mention: Mention, written: str, kind: str) -> bool:
    """Whether ``mention`` (written so) may be the antecedent of a reference of ``kind`` (rules.yaml
    references)."""
    written = f"{written} {mention.name or ''}".lower()
    person = mention.entity_type == "PERSON"
    office = ""
    if mention.person is not None:
        office = " ".join(t.office or "" for t in mention.person.tenures).lower()
    if kind == "igo":
        # "The EU's foreign policy chief, Josep Borrell, said the bloc would ...": one who speaks for an
        # organization names it.
        return mention.entity_type == "IGO" or (mention.actor_code or "").startswith("IGO")
    if kind == "org":
        return mention.entity_type in ("ORG", "MEDIA", "IGO")
    if kind == "group":
        return not person and (mention.entity_type == "GROUP" or (mention.role or "") in _GROUP_ROLES)
    if kind == "state":
        return mention.entity_type == "COUNTRY" and mention.role in (None, "GOV")
    if kind == "ministry":
        return not person and any(w in written for w in ("ministry", "office", "department"))
    if kind == "military":
        return not person and mention.role == "MIL"
    if kind == "plural":
        return (not person and mention.mention == "role_phrase"
                and (mention.role or "") in _PLURAL_ROLES)
    if kind in ("envoy", "minister", "spokesman"):
        titles = {"envoy": ("envoy", "ambassador", "representative"), "minister": ("minister",),
                  "spokesman": ("spokesman", "spokeswoman", "spokesperson")}[kind]
        return person and any(t in written or t in office for t in titles)
    return False


def _recode_by(mention: Mention, antecedent: Mention) -> None:
    """A title coded by the article's own country takes the code of what "the bloc's" refers to."""
    organization = antecedent.entity_type in ("IGO", "ORG", "GROUP", "MEDIA") and antecedent.role is None
    if organization or antecedent.entity_type == "IGO":
        mention.actor_code, mention.country_code, mention.role = (
            antecedent.actor_code, antecedent.country_code, antecedent.role)
    else:
        country = antecedent.country_code or ""
        mention.country_code = country
        mention.actor_code = country + (mention.role or "")
    mention.anchorless = False
    mention.antecedent = _root(antecedent)


def _word_edge(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a whole word (no letter or digit touches it)."""
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def _in_office_first(persons: Sequence[Person], published: dt.date | None) -> Person:
    holding = [p for p in persons if p.in_office(published) is not None]
    return (holding or list(persons))[0]


def _root(mention: Mention) -> Mention:
    while mention.antecedent is not None:
        mention = mention.antecedent
    return mention


def _copy_person(target: Mention, source: Mention) -> None:
    target.name = source.name
    target.actor_code = source.actor_code
    target.country_code = source.country_code
    target.role = source.role
    target.person = source.person
    target.surname = source.surname
    target.gender = source.gender
    target.antecedent = _root(source)


def _reference(start: int, end: int, sentence_index: int, antecedent: Mention, kind: str) -> Mention:
    mention = dataclasses.replace(antecedent, start=start, end=end, sentence_index=sentence_index,
                                  mention=kind, locative=False, candidates=(), antecedent=None)
    mention.antecedent = _root(antecedent)
    return mention


def _sentence_of(sentences: Sequence[Sentence], starts: list[int], start: int, end: int) -> Sentence | None:
    position = bisect.bisect_right(starts, start) - 1
    if position < 0:
        return None
    sentence = sentences[position]
    return sentence if start >= sentence.start and end <= sentence.end else None
