"""From lexicon hits in one sentence to actor mentions: role phrases, titled names, places and metonyms.

Pure module (no Beam). Rules, applied left to right over the sentence's hits:

1. Role phrase: an *anchor* (country name, country adjective, "Country's", a capital used as metonym, or
   an organization), optional filler words ("top", "state-run", "former"), then one or more role nouns:
   "Pakistani troops" -> PAKMIL, "Russia's foreign minister" -> RUSGOV, "Taliban fighters" -> the
   Taliban's code. The first role noun decides the role ("military officials" -> MIL). An organization
   keeps its own code. "former"/"ex-" makes the role ELI.
2. A role noun naming a person ("foreign minister", "spokesman") may be followed by the person's name:
   a known official ("Chinese Foreign Minister Wang Yi": his code on the article's date) or up to four
   capitalized words (an unknown name, coded by the phrase). Without an anchor, only a known official
   makes a mention ("President Joe Biden").
3. "the foreign minister of Pakistan": role nouns, "of", optional "the", an anchor.
4. A country followed by one of its own institutions or media merges into them ("Iran's Revolutionary
   Guards", "Russia's state-run Tass").
5. Places: a city or region is a LOCATION. A capital is a LOCATION after a locative word ("in", "at",
   "visited", "trip to", ...), after a place noun ("the capital of Tehran"), or in a dateline
   ("MOSCOW, Oct 27 -"); otherwise it stands for its country's actor (metonym: "Beijing and Moscow have
   pushed" -> CHN, RUS).
6. Every other hit is its own mention: a country (COUNTRY), an adjective alone (COUNTRY), a plural
   demonym (country + CVL), an organization, a known person. Role nouns alone make no mention.
7. Coordinated adjectives share a plural role noun: "Indian and Chinese troops" -> INDMIL, CHNMIL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from transforms.entities.lexicon import (
    ADJECTIVE,
    BLOCK,
    COUNTRY,
    DEMONYM,
    ELITE,
    ORG,
    PERSON,
    PERSON_ROLE_KINDS,
    PLACE,
    ROLE,
    Person,
    Rules,
    Term,
    split_code,
)
from transforms.entities.scan import Hit

# Mention kinds (the ``mention`` column).
NAME = "name"
ADJECTIVE_MENTION = "adjective"
DEMONYM_MENTION = "demonym"
METONYM = "metonym"
PLACE_MENTION = "place"
ROLE_PHRASE = "role_phrase"
PERSON_NAME = "person_name"
SURNAME = "surname"
PRONOUN = "pronoun"
REFERENCE = "reference"

_WORDS_BEFORE = re.compile(r"[\w'’-]+|[^\w\s'’-]")
_POSSESSIVE = re.compile(r"^['’]s?(?=\s|$)")
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?")
# "Spokesperson for the Secretary-General", "Spokesperson to the President": a title serving another.
_SERVING = re.compile(r"\s+(?:for|to|of)\s+the\s+")
# "the Minister of Trade, Industry and Competition, Mr A B": a portfolio after "of", up to the comma.
_PORTFOLIO_OF = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][\w'’-]*"
                           r"(?:(?:\s+|,\s+)(?:and\s+|&\s+)?[A-Z][\w'’-]*){0,5}(?=,)")
_NEXT_WORD = re.compile(r"[ \t\u00a0]+(\S+)")
_DATELINE_AFTER = re.compile(r"\s*(?:,|\(|—|–|-)")
_COORDINATION = re.compile(r"\s*,?\s*(?:and|or)?\s+")
_TRAILING = ",;:!?)\"”’'»]"
# A name of two to four capitalized words (particles allowed), a comma, an optional "the", then the title.
_NAME_BEFORE = re.compile(r"(?:^|(?<=[\s(“\"]))"
                          r"((?:[A-Z][\w'’.-]*\s+(?:(?:al|bin|de|van|von|da|del|der)\s+)?){1,3}"
                          r"[A-Z][\w'’-]+),\s+(?:the\s+)?\Z")


@dataclasses.dataclass
class Mention:
    """One actor or place mention (becomes one row of the entities table)."""

    start: int
    end: int
    sentence_index: int
    entity_type: str
    name: str
    actor_code: str | None
    country_code: str | None
    role: str | None
    mention: str
    locative: bool = False
    person: Person | None = None  # a known official
    surname: str | None = None  # how later sentences may refer back to this person
    gender: str | None = None
    candidates: tuple[Person, ...] = ()  # a bare surname not yet resolved
    anchorless: bool = False  # a title coded by the article's own country, for want of another
    antecedent: Mention | None = None

    @property
    def is_person(self) -> bool:
        return self.entity_type == "PERSON" and self.actor_code is not None


@dataclasses.dataclass(frozen=True)
class _Actor:
    actor_code: str | None
    country_code: str | None
    role: str | None
    entity_type: str
    name: str
    mention: str
    organization: bool = False  # an organization's own code: role nouns do not change it


class Composer:
    """Turns the hits of one sentence into mentions."""

    def __init__(self, rules: Rules, countries: dict[str, str],
                 organization_tokens: dict[str, str] | None = None):
        self._rules = rules
        self._countries = countries
        self._tokens = organization_tokens or {}
        self._home: str | None = None
        # Institutions named with their country earlier in the article ("the French Senate"): a bare
        # "Senate" later is the same body.
        self._institutions: dict[str, str] = {}

    def start_article(self) -> None:
        """Forgets what earlier articles named (call before the first sentence of each article)."""
        self._institutions = {}

    # ------------------------------------------------------------------------------------------ entry

    def compose(self, text: str, sentence_start: int, sentence_end: int, sentence_index: int,
                hits: Sequence[Hit], published: dt.date | None, home: str | None = None) -> list[Mention]:
        """The mentions of one sentence. ``home`` is the article's own country (its dateline, else the
        country it names most): the country of a titled person named without one ("President X Y")."""
        self._home = home
        mentions: list[Mention] = []
        index = 0
        while index < len(hits):
            hit = hits[index]
            kind = hit.kind
            if kind == BLOCK:
                index += 1
                continue
            if kind == ROLE:
                mention, index = self._role_first(text, sentence_start, sentence_end, sentence_index, hits,
                                                  index, published)
                if mention is not None:
                    mentions.append(mention)
                continue
            anchor = self._anchor(text, sentence_start, hit, published)
            if anchor is not None:
                mention, next_index = self._anchored(text, sentence_start, sentence_end, sentence_index,
                                                     hits, index, anchor, published)
                if mention is not None:
                    mentions.append(mention)
                    index = next_index
                    continue
            mentions.append(self._single(text, sentence_start, sentence_index, hit, published))
            index += 1
        self._distribute_roles(text, mentions)
        self._names_before_titles(text, sentence_start, mentions)
        for mention in mentions:
            if mention.entity_type != "LOCATION":
                mention.locative = self._locative(text, sentence_start, mention.start)[0]
        return mentions

    def _distribute_roles(self, text: str, mentions: list[Mention]) -> None:
        """Rule 7: "Indian and Chinese troops", "US, British and French diplomats": a bare country
        adjective (or acronym) coordinated with a role phrase of a plural role noun shares its role."""
        for index in range(len(mentions) - 2, -1, -1):
            left, right = mentions[index], mentions[index + 1]
            written = text[left.start:left.end]
            if (left.role is not None or left.entity_type != "COUNTRY" or right.mention != ROLE_PHRASE
                    or right.entity_type == "PERSON" or right.role is None
                    or right.country_code not in self._countries or left.country_code not in self._countries
                    or not (left.mention == ADJECTIVE_MENTION or (left.mention == NAME and written.isupper()))
                    or not _COORDINATION.fullmatch(text[left.end:right.start])):
                continue
            words = right.name[len(self._countries[right.country_code]) + 1:]
            country = left.country_code or ""
            left.actor_code = country + right.role
            left.role = right.role
            left.entity_type = right.entity_type
            left.mention = ROLE_PHRASE
            left.name = f"{self._countries[country]} {words}"

    # ------------------------------------------------------------------------------------------ single hits

    def _single(self, text: str, sentence_start: int, sentence_index: int, hit: Hit,
                published: dt.date | None) -> Mention:
        term = hit.term
        if term.kind == PLACE:
            return self._place(text, sentence_start, sentence_index, hit)
        if term.kind == PERSON:
            return self._person_mention(hit.start, hit.end, sentence_index, term, published)
        actor = self._actor_of(term, published)
        return Mention(hit.start, hit.end, sentence_index, actor.entity_type, actor.name, actor.actor_code,
                       actor.country_code, actor.role, actor.mention)

    def _place(self, text: str, sentence_start: int, sentence_index: int, hit: Hit) -> Mention:
        term = hit.term
        locative, after_place_noun = self._locative(text, sentence_start, hit.start)
        if term.metonym is None or locative or after_place_noun or self._dateline(text, sentence_start, hit):
            return Mention(hit.start, hit.end, sentence_index, "LOCATION", term.name, None, term.code, None,
                           PLACE_MENTION, locative=True)
        actor = self._metonym(term)
        return Mention(hit.start, hit.end, sentence_index, actor.entity_type, actor.name, actor.actor_code,
                       actor.country_code, actor.role, METONYM)

    def _person_mention(self, start: int, end: int, sentence_index: int, term: Term,
                        published: dt.date | None) -> Mention:
        if term.surname_only:
            # Resolved later, when the article's earlier mentions are known (see transforms.entities.coref).
            person = term.persons[0]
            return Mention(start, end, sentence_index, "PERSON", person.name, None, None, None, SURNAME,
                           surname=person.surname, gender=person.gender, candidates=term.persons)
        person = term.persons[0]
        return person_mention(start, end, sentence_index, person, published, PERSON_NAME)

    # ------------------------------------------------------------------------------------------ actors

    def _actor_of(self, term: Term, published: dt.date | None) -> _Actor:
        if term.kind == ORG and term.organization is not None:
            tenure = term.organization.at(published)
            home = self._home
            if home is not None and home in term.organization.acts_in and tenure.role:
                # A group coded in the country where it acts: the article's own country.
                return _Actor(home + tenure.role, home, tenure.role, term.organization.entity_type,
                              term.organization.name, NAME, organization=True)
            return _Actor(tenure.actor_code, tenure.country_code, tenure.role,
                          term.organization.entity_type, term.organization.name, NAME, organization=True)
        code = term.code or ""
        if term.kind == DEMONYM:
            return _Actor(code + "CVL", code, "CVL", "COUNTRY", term.name, DEMONYM_MENTION)
        mention = ADJECTIVE_MENTION if term.kind == ADJECTIVE else NAME
        return _Actor(code, code, None, "COUNTRY", term.name, mention)

    def _metonym(self, term: Term) -> _Actor:
        code = term.metonym or ""
        country, role = split_code(code)
        if country in self._countries:
            return _Actor(code, country, role, "COUNTRY", self._countries[country], METONYM)
        return _Actor(code, self._tokens.get(code, country), role, "IGO" if country == "IGO" else "ORG",
                      term.name, METONYM, organization=True)

    def _anchor(self, text: str, sentence_start: int, hit: Hit, published: dt.date | None) -> _Actor | None:
        """The actor a hit contributes when role nouns follow it, or None if it cannot head a phrase."""
        term = hit.term
        if term.kind in (COUNTRY, ADJECTIVE, ORG):
            return self._actor_of(term, published)
        if term.kind == PLACE and term.metonym is not None:
            locative, after_place_noun = self._locative(text, sentence_start, hit.start)
            if not (locative or after_place_noun):
                return self._metonym(term)
        return None

    # ------------------------------------------------------------------------------------------ phrases

    def _anchored(self, text: str, sentence_start: int, sentence_end: int, sentence_index: int,
                  hits: Sequence[Hit], index: int, anchor: _Actor,
                  published: dt.date | None) -> tuple[Mention | None, int]:
        """Anchor [own organization] [fillers] role nouns [name]. None when nothing joins the anchor."""
        start, end = hits[index].start, hits[index].end
        former = self._former_before(text, sentence_start, start)
        then = False
        nxt = index + 1
        merged = False
        if not anchor.organization and nxt < len(hits) and hits[nxt].kind == ORG:
            # Rule 4: "Iran's Revolutionary Guards": the country's own organization takes over.
            own = self._actor_of(hits[nxt].term, published)
            gap = self._filler_gap(text, end, hits[nxt].start)
            if gap is not None and own.country_code == anchor.country_code:
                anchor, end, merged = own, hits[nxt].end, True
                former, then = former or gap[0], gap[1]
                nxt += 1
        gap = None
        if nxt < len(hits) and hits[nxt].kind == ROLE:
            gap = self._filler_gap(text, end, hits[nxt].start)
            if gap is None and self._portfolio_gap(text, end, hits, nxt):
                gap = (False, False)
        if gap is None:
            if merged:
                return Mention(start, end, sentence_index, anchor.entity_type, anchor.name, anchor.actor_code,
                               anchor.country_code, anchor.role, NAME), nxt
            return None, index
        roles, nxt = self._role_run(text, hits, nxt)
        if roles[-1].term.role_kind == "institution" and anchor.country_code in self._countries:
            self._institutions[_institution_key(roles)] = anchor.country_code
        return self._phrase(text, sentence_end, sentence_index, hits, nxt, start, roles, anchor,
                            former or gap[0], then or gap[1], published)

    def _role_first(self, text: str, sentence_start: int, sentence_end: int, sentence_index: int,
                    hits: Sequence[Hit], index: int, published: dt.date | None) -> tuple[Mention | None, int]:
        """Role nouns without an anchor before them: "President Joe Biden", "the foreign minister of
        Pakistan". Anything else makes no mention."""
        start = hits[index].start
        former = self._former_before(text, sentence_start, start)
        roles, nxt = self._role_run(text, hits, index)
        if nxt < len(hits):
            following = hits[nxt]
            between = text[roles[-1].end:following.start]
            if following.kind == PERSON and roles[-1].term.role_kind == "person" and _blank(between):
                mention = self._person_mention(start, following.end, sentence_index, following.term,
                                               published)
                return mention, nxt + 1
            if (following.kind == ROLE and roles[-1].term.role_kind == "person"
                    and following.term.role_kind == "person" and _SERVING.fullmatch(between)):
                # "Spokesperson for the Secretary-General": coded by whom the title serves.
                served, after = self._role_run(text, hits, nxt)
                actor = self._served(text, roles, served, former)
                if actor is not None:
                    phrase = Mention(start, served[-1].end, sentence_index, actor.entity_type, actor.name,
                                     actor.actor_code, actor.country_code, actor.role, ROLE_PHRASE,
                                     anchorless=not actor.organization)
                    return self._with_apposition(text, sentence_end, sentence_index, hits, after, phrase,
                                                 published)
            if _OF_THE.fullmatch(between):
                anchor = self._anchor(text, sentence_start, following, published)
                if anchor is not None:
                    actor = self._phrase_actor(anchor, roles, former)
                    mention = Mention(start, following.end, sentence_index, actor.entity_type, actor.name,
                                      actor.actor_code, actor.country_code, actor.role, ROLE_PHRASE)
                    return self._with_apposition(text, sentence_end, sentence_index, hits, nxt + 1, mention,
                                                 published)
        bare = self._bare_title(text, roles, hits, nxt)
        if bare is not None:
            return Mention(start, roles[-1].end, sentence_index, bare.entity_type, bare.name, bare.actor_code,
                           bare.country_code, bare.role, ROLE_PHRASE), nxt
        if roles[-1].term.role_kind == "institution" and _capitalized(text[roles[0].start:roles[-1].end]):
            # "The Senate voted", "Foreign Office spokeswoman": a state body written with capitals and
            # no country is the article's own (failing that, the country the lexicon gives it).
            written = text[roles[0].start:roles[-1].end]
            country = (self._institutions.get(_institution_key(roles)) or self._home
                       or self._rules.institution_defaults.get(written.lower()))
            if country is not None:
                actor = self._phrase_actor(_Actor(country, country, None, "COUNTRY",
                                                  self._countries.get(country, country), NAME), roles, former)
                return Mention(start, roles[-1].end, sentence_index, actor.entity_type, actor.name,
                               actor.actor_code, actor.country_code, actor.role, ROLE_PHRASE,
                               anchorless=True), nxt
        if roles[-1].term.role_kind == "person" and self._home is not None:
            # "Interior Minister Jane Roe", "the army spokesman, Colonel John Doe": a title with no
            # country names a person of the article's own country.
            actor = self._phrase_actor(_Actor(self._home, self._home, None, "COUNTRY",
                                              self._countries.get(self._home, self._home), NAME),
                                       roles, former)
            limit = min(hits[nxt].start if nxt < len(hits) else sentence_end, sentence_end)
            name = self._capture_name(text, roles[-1].end, limit)
            if name is not None and len(text[name[0]:name[1]].split()) >= 2:
                written = text[name[0]:name[1]]
                mention = Mention(start, name[1], sentence_index, "PERSON", written, actor.actor_code,
                                  actor.country_code, actor.role, PERSON_NAME,
                                  surname=self._surname_of(written, actor.country_code), anchorless=True)
                return mention, nxt
            ends = [roles[-1].end]
            portfolio = _PORTFOLIO_OF.match(text, roles[-1].end, limit)
            if portfolio is not None:
                # "Minister of Trade, Industry and Competition, Mr A B": the portfolio may hold commas;
                # the first comma followed by a name ends it.
                ends = [i for i in range(portfolio.start(), portfolio.end() + 1) if text.startswith(",", i)]
            for end in ends:
                following = nxt
                while following < len(hits) and hits[following].end <= end:
                    following += 1
                phrase = Mention(start, end, sentence_index, actor.entity_type, actor.name, actor.actor_code,
                                 actor.country_code, actor.role, ROLE_PHRASE, anchorless=True)
                mention, after = self._with_apposition(text, sentence_end, sentence_index, hits, following,
                                                       phrase, published)
                if mention is not phrase:
                    return mention, after
        return None, nxt

    def _with_apposition(self, text: str, sentence_end: int, sentence_index: int, hits: Sequence[Hit],
                         nxt: int, phrase: Mention, published: dt.date | None) -> tuple[Mention, int]:
        """A person's role phrase followed by ", [title] Name": "Algeria's foreign minister, Jane Roe,"
        and "the government spokesman, Colonel John Doe," are one PERSON mention coded by the phrase (a
        known official by their own office). Otherwise the phrase alone."""
        if phrase.entity_type != "PERSON" or not text.startswith(",", phrase.end):
            return phrase, nxt
        position = phrase.end + 1
        index = nxt
        while (index < len(hits) and hits[index].kind == ROLE and hits[index].term.role_kind == "person"
               and text[hits[index].start].isupper() and _blank(text[position:hits[index].start])):
            position, index = hits[index].end, index + 1  # a title: "Colonel", "General"
        courtesy = _NEXT_WORD.match(text, position)
        if courtesy is not None and courtesy.group(1).rstrip(".") in self._rules.titles and not (
                index < len(hits) and hits[index].start < courtesy.end(1)):
            position = courtesy.end(1)  # "Mr", "Dr"
        if (index < len(hits) and hits[index].kind == PERSON and not hits[index].term.surname_only
                and _blank(text[position:hits[index].start])):
            person = hits[index].term.persons[0]
            return person_mention(phrase.start, hits[index].end, sentence_index, person, published,
                                  PERSON_NAME), index + 1
        limit = min(hits[index].start if index < len(hits) else sentence_end, sentence_end)
        name = self._capture_name(text, position, limit)
        if name is None or len(text[name[0]:name[1]].split()) < 2:
            return phrase, nxt
        after = text[name[1]:name[1] + 1]
        if after and after not in ",.;:)" and not after.isspace():
            return phrase, nxt
        written = text[name[0]:name[1]]
        mention = dataclasses.replace(phrase, end=name[1], name=written, mention=PERSON_NAME,
                                      surname=self._surname_of(written, phrase.country_code))
        return mention, index

    def _names_before_titles(self, text: str, sentence_start: int, mentions: list[Mention]) -> None:
        """ "Jane Roe, the Kenyan interior minister, said": a capitalized name, a comma and an optional
        "the" right before a person's role phrase join it (the name is who the phrase describes)."""
        for position, mention in enumerate(mentions):
            if mention.entity_type != "PERSON" or mention.mention != ROLE_PHRASE:
                continue
            floor = mentions[position - 1].end if position else sentence_start
            found = _NAME_BEFORE.search(text, floor, mention.start)
            if found is None:
                continue
            written = found.group(1)
            words = written.split()
            if any(w in self._rules.not_name_words or not _name_like(w) for w in words
                   if w.lower() not in self._rules.name_particles):
                continue
            mention.start = found.start(1)
            mention.name = written
            mention.mention = PERSON_NAME
            mention.surname = self._surname_of(written, mention.country_code)

    def _bare_title(self, text: str, roles: list[Hit], hits: Sequence[Hit], nxt: int) -> _Actor | None:
        """ "The Secretary-General condemns": a capitalized title of rules.yaml ``bare_titles`` standing
        alone (no country or name with it) names that organization's office."""
        written = text[roles[0].start:roles[-1].end]
        code = self._rules.bare_titles.get(written)
        if code is None:
            return None
        after = _NEXT_WORD.match(text, roles[-1].end)
        word = after.group(1).rstrip(_TRAILING) if after is not None else ""
        if word and _name_like(word) and word not in self._rules.not_name_words:
            return None  # "Secretary-General A B": the name decides
        return self._organization_actor(code, written)

    def _served(self, text: str, roles: list[Hit], served: list[Hit], former: bool) -> _Actor | None:
        """The actor of "<title> for/to the <title>": the served title's organization when it is a bare
        title ("Spokesperson for the Secretary-General"), else the article's own country."""
        written = text[served[0].start:served[-1].end]
        code = self._rules.bare_titles.get(written)
        if code is not None:
            organization = self._organization_actor(code, written)
            return dataclasses.replace(organization, entity_type="PERSON", mention=ROLE_PHRASE)
        if self._home is None or not written[:1].isupper():
            return None
        home = _Actor(self._home, self._home, None, "COUNTRY", self._countries.get(self._home, self._home),
                      NAME)
        return self._phrase_actor(home, roles, former)

    def _organization_actor(self, code: str, written: str) -> _Actor:
        country, role = split_code(code)
        if country in self._countries:
            return _Actor(code, country, role, "PERSON", written, ROLE_PHRASE)
        return _Actor(code, self._tokens.get(code, country), role, "PERSON", written, ROLE_PHRASE,
                      organization=True)

    def _role_run(self, text: str, hits: Sequence[Hit], index: int) -> tuple[list[Hit], int]:
        roles = [hits[index]]
        index += 1
        while (index < len(hits) and hits[index].kind == ROLE
               and _blank(text[roles[-1].end:hits[index].start])):
            roles.append(hits[index])
            index += 1
        return roles, index

    def _phrase(self, text: str, sentence_end: int, sentence_index: int, hits: Sequence[Hit], nxt: int,
                start: int, roles: list[Hit], anchor: _Actor, former: bool, then: bool,
                published: dt.date | None) -> tuple[Mention, int]:
        actor = self._phrase_actor(anchor, roles, former)
        last = roles[-1]
        if last.term.role_kind in PERSON_ROLE_KINDS:
            if (nxt < len(hits) and hits[nxt].kind == PERSON and not hits[nxt].term.surname_only
                    and _blank(text[last.end:hits[nxt].start])):
                person = hits[nxt].term.persons[0]
                mention = person_mention(start, hits[nxt].end, sentence_index, person, published, PERSON_NAME)
                if person.in_office(published) is None and then:
                    _recode(mention, actor)
                return mention, nxt + 1
            if (nxt < len(hits) and hits[nxt].kind == PERSON and hits[nxt].term.surname_only
                    and _blank(text[last.end:hits[nxt].start])):
                # "Russian President Putin": the phrase names him; resolve the surname by the phrase.
                mention = self._person_mention(start, hits[nxt].end, sentence_index, hits[nxt].term,
                                               published)
                return mention, nxt + 1
            limit = hits[nxt].start if nxt < len(hits) else sentence_end
            name = self._capture_name(text, last.end, min(limit, sentence_end))
            if name is not None:
                name_start, name_end = name
                written = text[name_start:name_end]
                mention = Mention(start, name_end, sentence_index, "PERSON", written, actor.actor_code,
                                  actor.country_code, actor.role, PERSON_NAME,
                                  surname=self._surname_of(written, actor.country_code))
                return mention, nxt
        phrase = Mention(start, last.end, sentence_index, actor.entity_type, actor.name, actor.actor_code,
                         actor.country_code, actor.role, ROLE_PHRASE)
        return self._with_apposition(text, sentence_end, sentence_index, hits, nxt, phrase, published)

    def _phrase_actor(self, anchor: _Actor, roles: list[Hit], former: bool) -> _Actor:
        words = " ".join(hit.term.name for hit in roles)
        person_like = roles[-1].term.role_kind in PERSON_ROLE_KINDS
        if len(roles) > 1 and roles[0].term.name in self._rules.fillers:
            # "official media": a role noun that is also a filler adjective yields to the noun after it.
            roles = roles[1:]
        if anchor.organization:
            entity_type = "PERSON" if person_like else anchor.entity_type
            return _Actor(anchor.actor_code, anchor.country_code, anchor.role, entity_type,
                          f"{anchor.name} {words}", ROLE_PHRASE, organization=True)
        role = ELITE if former else roles[0].term.code
        country = anchor.country_code or ""
        if roles[-1].term.role_kind == "sport":
            # "Argentina coach A B": a player or coach has the country and no actor code.
            name = f"{self._countries.get(country, anchor.name)} {words}"
            return _Actor(None, country, None, "PERSON", name, ROLE_PHRASE)
        if person_like:
            entity_type = "PERSON"
        elif role == "MED":
            entity_type = "MEDIA"
        else:
            entity_type = "COUNTRY"
        name = f"{self._countries.get(country, anchor.name)} {words}"
        return _Actor(country + (role or ""), country, role, entity_type, name, ROLE_PHRASE)

    # ------------------------------------------------------------------------------------------ words

    def _filler_gap(self, text: str, end: int, next_start: int) -> tuple[bool, bool] | None:
        """Whether text[end:next_start] may join two parts of a phrase: an optional possessive, then filler
        words. Returns (former, then) flags, or None if the gap breaks the phrase."""
        gap = text[end:next_start]
        possessive = _POSSESSIVE.match(gap)
        if possessive:
            gap = gap[possessive.end():]
        if gap and not gap[0].isspace():
            return None
        words = gap.split()
        former = then = False
        for word in words:
            low = word.lower()
            if low not in self._rules.fillers:
                return None
            former = former or low in self._rules.former
            then = then or low in self._rules.then
        return former, then

    def _portfolio_gap(self, text: str, end: int, hits: Sequence[Hit], nxt: int) -> bool:
        """ "Indian Environment Minister A B", "US climate envoy A B": one or two plain words (a
        portfolio) between a country and a person's title may stand there when a name follows."""
        role = hits[nxt]
        if role.term.role_kind != "person":
            return False
        words = text[end:role.start].split()
        if not words or len(words) > 2 or not text[end:end + 1].isspace():
            return False
        if not all(w.isalpha() and w not in self._rules.not_name_words for w in words):
            return False
        after = _NEXT_WORD.match(text, role.end)
        return after is not None and after.group(1)[:1].isupper()

    def _former_before(self, text: str, sentence_start: int, start: int) -> bool:
        before = text[max(sentence_start, start - 20):start]
        if before.lower().endswith("ex-"):
            return True
        words = before.split()
        return bool(words) and words[-1].lower().rstrip("-") in self._rules.former

    def _locative(self, text: str, sentence_start: int, start: int) -> tuple[bool, bool]:
        """(after a locative word, after a place noun) for a mention starting at ``start``: "in the Iranian
        capital of Tehran" -> (True, True); "Beijing and Moscow" -> (False, False)."""
        tokens = _WORDS_BEFORE.findall(text[max(sentence_start, start - 80):start])
        rules = self._rules
        after_place_noun = False
        for back in range(len(tokens) - 1, max(-1, len(tokens) - 8), -1):
            token = tokens[back]
            low = token.lower()
            if back > 0 and (tokens[back - 1].lower(), low) in rules.locative_phrases:
                return True, after_place_noun
            if low in rules.locative_words:
                return True, after_place_noun
            if low in rules.place_heads:
                after_place_noun = True
                continue
            if low in rules.place_skip or low in ("and", "or") or token[:1].isupper():
                continue
            break
        return False, after_place_noun

    @staticmethod
    def _dateline(text: str, sentence_start: int, hit: Hit) -> bool:
        written = text[hit.start:hit.end]
        at_start = not text[sentence_start:hit.start].strip()
        return (at_start and len(written) >= 3 and written.isupper()
                and _DATELINE_AFTER.match(text, hit.end) is not None)

    def _capture_name(self, text: str, position: int, limit: int) -> tuple[int, int] | None:
        """Up to four capitalized words (name particles allowed inside) right after ``position``."""
        rules = self._rules
        words: list[tuple[int, int, bool]] = []  # (start, end, is_particle)
        while len(words) < 4:
            found = _NEXT_WORD.match(text, position, limit)
            if found is None:
                break
            raw = found.group(1)
            word_start = found.start(1)
            word = raw
            ended = False
            for suffix in ("'s", "’s"):
                if word.endswith(suffix):
                    word, ended = word[: -len(suffix)], True
            stripped = word.rstrip(_TRAILING)
            if stripped != word:
                word, ended = stripped, True
            if word.endswith(".") and not _is_initial(word):
                word, ended = word[:-1], True
            if not word:
                break
            if word in rules.name_particles:  # lower case: "al", "von"; "Das" is a name
                words.append((word_start, word_start + len(word), True))
            elif _particle_joined(word, rules.name_particles):
                words.append((word_start, word_start + len(word), False))  # "al-Sisi", "bin-Salman"
            elif _name_like(word) and word not in rules.not_name_words:
                words.append((word_start, word_start + len(word), False))
            else:
                break
            if ended:
                break
            position = found.end(1)
        while words and words[-1][2]:
            words.pop()
        if not words or words[0][2]:
            return None
        return words[0][0], words[-1][1]

    def _surname_of(self, name: str, country: str | None) -> str | None:
        parts = [p for p in name.split() if p.lower() not in self._rules.name_particles]
        if not parts:
            return None
        surname = parts[0] if country in self._rules.family_name_first else parts[-1]
        return surname if surname not in self._rules.not_name_words else None


def person_mention(start: int, end: int, sentence_index: int, person: Person, published: dt.date | None,
                   kind: str) -> Mention:
    """A mention of a known official, coded by the office held on the article's date."""
    tenure = person.at(published)
    return Mention(start, end, sentence_index, "PERSON", person.name, tenure.actor_code, tenure.country_code,
                   tenure.role, kind, person=person, surname=person.surname, gender=person.gender)


def _recode(mention: Mention, actor: _Actor) -> None:
    mention.actor_code = actor.actor_code
    mention.country_code = actor.country_code
    mention.role = actor.role


def _institution_key(roles: Sequence[Hit]) -> str:
    return " ".join(hit.term.name for hit in roles)


def _capitalized(written: str) -> bool:
    """Whether every word of ``written`` but "of", "the", "and" starts with a capital ("Foreign Office")."""
    words = [w for w in re.split(r"[\s-]+", written) if w and w.lower() not in ("of", "the", "and")]
    return bool(words) and all(w[:1].isupper() for w in words)


def _blank(gap: str) -> bool:
    return bool(gap) and gap.isspace()


def _is_initial(word: str) -> bool:
    """ "J." or "S." - an initial keeps its period."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _particle_joined(word: str, particles: frozenset[str]) -> bool:
    """ "al-Sisi", "el-Sheikh": a lower-case particle joined by a hyphen to a capitalized name."""
    head, dash, tail = word.partition("-")
    return bool(dash) and head in particles and tail[:1].isupper() and tail.replace("-", "").isalpha()


def _name_like(word: str) -> bool:
    if _is_initial(word):
        return True
    if not word[0].isupper():
        return False
    core = word.replace("-", "").replace("'", "").replace("’", "")
    return core.isalpha() and not (len(core) > 1 and core.isupper() and len(core) <= 4)
