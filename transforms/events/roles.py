"""Who did what to whom, read from a dependency parse: the actors behind a verb's subject, objects and
prepositional objects, and the mode of its clause (negated, hedged, intended, refused, asked for).

Pure functions over spaCy tokens (``spacy.tokens.Token``) and the actor mentions of the entities stage;
no Beam. The parse gives the structure, the mentions give who each noun phrase stands for:

- a noun phrase stands for the actor mentioned at its head, else for the actor in its possessive,
  compound, adjective or "of" modifier ("Russia's embassy", "Estonian diplomats", "the Ambassador of
  France"); an apposition naming an international organization gives its affiliation ("Obasanjo, the
  African Union's envoy"); coordinated phrases stand for every actor they join;
- a relative pronoun stands for the noun its clause modifies; a first-person pronoun in reported speech
  stands for the one who reports it ("we will respond", the ministry said);
- a verb with no subject of its own takes the subject of the verb it is coordinated with or is the
  infinitive of ("rejected the charge and accused the army"; "agreed to launch patrols").
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

from transforms.events.modes import Modes

SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
# Links through which a verb without a subject of its own borrows one from its head.
_SUBJECT_SHARING = frozenset({"conj", "xcomp", "acomp", "advcl"})
_MODIFIER_DEPS = ("poss", "compound", "nmod", "amod")
CLAUSE_DEPS = frozenset(
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

_OBJECT_PRONOUNS = frozenset({"them", "him", "her"})
BOTH_SIDES = "*both*"  # stands for the two parties of the article's main dyad until the coder resolves it
# A wire dateline at the start of a story: upper-case place words, ", Country" maybe, then a dash.
DATELINE = re.compile(r"\s*[A-Z][A-Z .'’-]+[A-Z](?:,\s+[A-Z][\w .'’-]+?)?\s+[—–-]{1,2}\s")
NEGATED, HEDGED, INTENDED, REFUSED, CONTENT, HABITUAL, REHEARSED = (
    "negated",
    "hedged",
    "intended",
    "refused",
    "content",
    "habitual",
    "rehearsed",
)


@dataclasses.dataclass(frozen=True)
class ActorRef:
    """An actor a phrase stands for, from one entities row."""

    code: str
    country: str | None
    name: str | None
    entity_type: str
    text: str
    char_start: int  # offsets in the article text
    char_end: int
    via: str = "mention"  # mention, affiliation, relative, speaker

    def but_via(self, via: str) -> ActorRef:
        return dataclasses.replace(self, via=via)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], via: str | None = None) -> ActorRef:
        """The actor an entities row names."""
        return cls(
            code=row["actor_code"],
            country=row.get("country_code"),
            name=row.get("name"),
            entity_type=row.get("entity_type") or "",
            text=row["text"],
            char_start=row["char_start"],
            char_end=row["char_end"],
            via=via or row.get("mention") or "mention",
        )

    @classmethod
    def inferred(
        cls, country: str, role: str, text: str, via: str, start: int = -1, entity_type: str = "UNNAMED"
    ) -> ActorRef:
        """An actor no mention names, inferred from context: the country's role ("SDNHLH" for a hospital
        in El Fasher, "MOZGOV" for a visit to Maputo)."""
        return cls(
            code=f"{country}{role}",
            country=country,
            name=None,
            entity_type=entity_type,
            text=text,
            char_start=start,
            char_end=start + len(text) if start >= 0 else -1,
            via=via,
        )


@dataclasses.dataclass(frozen=True)
class PlaceRef:
    """A place mentioned in the sentence (a LOCATION row, or a country named as territory)."""

    name: str
    country: str | None
    text: str


class MentionIndex:
    """Which token of a parsed sentence belongs to which entity mention.

    ``rows`` are the entities rows of the sentence (offsets in the article text); ``offset`` is where the
    sentence starts in the article; ``text``, when given, is the text ``doc`` was parsed from (it equals
    ``doc.text``, which spaCy rebuilds token by token on each call). Rows with an actor code are actors
    unless they are LOCATION rows; LOCATION rows and country names used as territory (``locative``) are
    places.
    """

    def __init__(self, doc: Doc, rows: Sequence[Mapping[str, Any]], offset: int, text: str | None = None):
        self._actors: dict[int, ActorRef] = {}
        self._places: dict[int, PlaceRef] = {}
        self.offset = offset
        starts = doc.to_array(IDX).tolist()
        dateline = DATELINE.match(doc.text if text is None else text)
        dateline_end = dateline.end() if dateline else 0
        for row in sorted(rows, key=lambda r: r["char_end"] - r["char_start"]):
            if row["char_end"] - offset <= dateline_end:
                continue  # "ERBIL, Iraq — ...": the dateline says where the story was filed, no one acts
            tokens = _tokens_in(doc, starts, row["char_start"] - offset, row["char_end"] - offset)
            if not tokens:
                continue
            is_place = row.get("entity_type") == "LOCATION" or (
                row.get("locative") and row.get("mention") in ("name", "place")
            )
            if is_place:
                place = PlaceRef(
                    name=row.get("name") or row["text"], country=row.get("country_code"), text=row["text"]
                )
                for index in tokens:
                    self._places.setdefault(index, place)
                continue
            if not row.get("actor_code"):
                continue
            actor = ActorRef.from_row(row)
            for index in tokens:
                # The shortest mention covering a token wins ("Russia" inside "Russia's embassy in Chisinau"
                # only when the longer mention does not exist).
                self._actors.setdefault(index, actor)

    def actor_at(self, index: int) -> ActorRef | None:
        return self._actors.get(index)

    def place_at(self, index: int) -> PlaceRef | None:
        return self._places.get(index)

    def has_actors(self) -> bool:
        return bool(self._actors)


def _tokens_in(doc: Doc, starts: list[int], start: int, end: int) -> list[int]:
    """The tokens inside [start, end) of the sentence; a binary search, as a long sentence holds many
    mentions."""
    first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
    return [i for i in range(first, last) if starts[i] + len(doc[i].text) <= end + 1]


class RoleReader:
    """Reads the roles of trigger tokens in one parsed sentence."""

    def __init__(self, doc: Doc, mentions: MentionIndex, modes: Modes):
        self.doc = doc
        self.mentions = mentions
        self.modes = modes
        self.home_country: str | None = None  # the article's own country, for unnamed people and places
        self.lead = True  # the first sentence or the headline: where a story tells its news
        self.author: ActorRef | None = None  # the first actor the article names: who "we" is in a statement
        self.is_country: Callable[[str], bool] = lambda code: len(code) == 3
        self.neighbours: Callable[[str], tuple[str, ...]] | None = None  # country -> bordering countries
        # (head word, article offset) -> the latest earlier actor named with that head word
        self.earlier_named: Callable[[str, int], ActorRef | None] | None = None

    # ------------------------------------------------------------------ noun phrases

    def phrase_actors(self, token: Token, depth: int = 0) -> list[ActorRef]:
        """Every actor the phrase headed by ``token`` stands for (coordination expands)."""
        if depth > 6:
            return []
        found: list[ActorRef] = (
            self._neighbours_of(token) or self._coordinated_modifiers(token) or self._both_sides(token)
        )
        if (
            not found
            and self.mentions.actor_at(token.i) is None
            and self._appositive_affiliation(token, depth) is None
        ):
            # "officials from Afghanistan's neighbours and Russia": every actor the "of"/"from" names;
            # "groups such as the Islamic State": the examples stand for the group.
            for child in token.children:
                if child.dep_ == "prep" and (
                    child.lemma_ in ("of", "from")
                    or (child.lemma_ == "as" and child.i > 0 and self.doc[child.i - 1].lower_ == "such")
                ):
                    for object_ in child.children:
                        if object_.dep_ == "pobj":
                            found.extend(self.phrase_actors(object_, depth + 1))
        if not found:
            own = self._head_actor(token, depth) or self._named_earlier(token)
            if own is not None:
                found.append(own)
        for child in token.children:
            if child.dep_ == "conj":
                found.extend(self.phrase_actors(child, depth + 1))
        return _unique(found)

    def is_stance_prefixed(self, token: Token) -> bool:
        """Whether a modifier is a stance ("pro-EU protesters", "anti-Kremlin activists") or a backer
        ("Islamic State-linked insurgents"): the name says what they stand for or who backs them, not who
        they are."""
        left = token.left_edge.i
        prefix = self.doc[left - 2].lower_ if left >= 2 else ""
        if prefix in ("pro", "anti") and self.doc[left - 1].text in ("-", "–"):
            return True
        return any(
            sibling.dep_ == "amod"
            and sibling.lower_ in self.modes.backer_words
            and token.i < sibling.i
            and self.doc[sibling.i - 1].text in ("-", "–")
            for sibling in token.head.children
        )

    def _latest_actor_before(self, token: Token) -> ActorRef | None:
        """ "ordered two French diplomats to leave, accusing them of ...": an object pronoun stands for the
        latest actor before it in the sentence that is not the clause's own subject."""
        verb = token.head if token.dep_ != "pobj" else token.head.head
        subject = {node.i for child in verb.children if child.dep_ in SUBJECT_DEPS for node in child.subtree}
        for index in range(token.i - 1, -1, -1):
            actor = self.mentions.actor_at(index)
            if actor is not None and index not in subject:
                return actor.but_via("pronoun")
        return None

    def _named_earlier(self, token: Token) -> ActorRef | None:
        """ "the guards", "the delegation", "the insurgents": the latest actor the article named earlier with
        the same head word ("Polish border guards", "a Czech Senate delegation")."""
        if self.earlier_named is None or token.pos_ != "NOUN":
            return None
        if not any(
            child.dep_ == "det" and child.lower_ in ("the", "these", "those") for child in token.children
        ):
            return None
        found = self.earlier_named(token.lower_, self.mentions.offset + token.idx)
        return found.but_via("same_head") if found else None

    def _both_sides(self, token: Token) -> list[ActorRef]:
        """ "both governments", "the two sides": the two parties of the article's main dyad, which only the
        whole article knows; a placeholder the coder resolves."""
        if self.mentions.actor_at(token.i) is not None:
            return []
        # "each side blamed the other": each side and the other are the two parties too.
        reciprocal = token.lower_ == "other" and any(child.lower_ == "the" for child in token.children)
        if not reciprocal:
            if token.lemma_.lower() not in self.modes.side_nouns:
                return []
            if not any(child.lower_ in ("both", "two", "each") for child in token.children):
                return []
        start = self.mentions.offset + token.idx
        return [
            ActorRef(
                code=BOTH_SIDES,
                country=None,
                name=None,
                entity_type="BOTH",
                text=token.text,
                char_start=start,
                char_end=start + len(token.text),
                via="both",
            )
        ]

    def _neighbours_of(self, token: Token) -> list[ActorRef]:
        """ "Afghanistan's neighbours", "Afghanistan's six surrounding nations": every bordering country."""
        if self.neighbours is None or token.lemma_.lower() not in self.modes.neighbour_nouns:
            return []
        is_neighbour_noun = token.lower_ in ("neighbours", "neighbors", "neighbour", "neighbor")
        if not is_neighbour_noun and not any(
            child.dep_ in ("amod", "compound") and child.lower_ in self.modes.neighbour_words
            for child in token.children
        ):
            return []
        for child in token.children:
            if child.dep_ != "poss":
                continue
            actor = self.mentions.actor_at(child.i)
            if actor is None or not actor.country or len(actor.country) != 3:
                continue
            return [
                ActorRef(
                    code=code,
                    country=code,
                    name=None,
                    entity_type="COUNTRY",
                    text=token.text,
                    char_start=actor.char_start,
                    char_end=actor.char_end,
                    via="neighbours",
                )
                for code in self.neighbours(actor.country)
            ]
        return []

    def _coordinated_modifiers(self, token: Token) -> list[ActorRef]:
        """ "Kyrgyz and Tajik border guards", "South Korean and U.S. forces": one phrase, two actors."""
        modifiers = [child for child in token.children if child.dep_ in ("amod", "compound", "nmod")]
        # "Pakistani and Afghan Taliban border forces": the parser may hang the pair on a compound.
        modifiers += [
            grand
            for child in modifiers
            if child.dep_ == "compound"
            for grand in child.children
            if grand.dep_ in ("amod", "compound", "nmod")
        ]
        for child in modifiers:
            conjuncts = [grand for grand in child.children if grand.dep_ == "conj"]
            if not conjuncts:
                continue
            actors = [self.mentions.actor_at(node.i) for node in (child, *conjuncts)]
            if all(actors) and len({actor.code for actor in actors}) > 1:
                return _unique(actors)
        return []

    def _head_actor(self, token: Token, depth: int) -> ActorRef | None:
        own = self.mentions.actor_at(token.i)
        affiliation = self._appositive_affiliation(token, depth)
        if affiliation is not None and (own is None or own.entity_type == "PERSON"):
            return affiliation
        if own is not None:
            return own
        lower = token.lower_
        if lower in _OBJECT_PRONOUNS and token.dep_ in ("dobj", "pobj", "dative"):
            return self._latest_actor_before(token)
        if lower in self.modes.relative_pronouns and token.head.dep_ == "relcl":
            found = self.phrase_actors(token.head.head, depth + 1)
            return found[0].but_via("relative") if found else None
        if lower in self.modes.speaker_pronouns or (
            lower in ("it", "they")
            and token.dep_ in ("nsubj", "nsubjpass")
            and token.head.dep_ == "ccomp"
            and token.head.head.lemma_ in self.modes.reporting_verbs
        ):
            # "we will respond", the ministry said; the ministry said it was imposing bans. With no one
            # reporting it, "we" in a statement is its author, the first actor the text names.
            speaker = self.speaker_of(token)
            if speaker:
                return speaker[0].but_via("speaker")
            if lower in self.modes.speaker_pronouns and self.author is not None:
                return self.author.but_via("author")
            return None
        if lower in self.modes.self_nouns or token.lemma_.lower() in self.modes.self_nouns:
            owner = next((child for child in token.children if child.dep_ == "poss"), None)
            if owner is not None and owner.lower_ in self.modes.possessive_pronouns:
                person = self.mentions.actor_at(owner.i) or next(iter(self.speaker_of(token)), None)
                if person is not None:
                    return person.but_via("speaker")
        owner = self._owner_of(token)
        if owner is not None:
            return owner
        for dep in _MODIFIER_DEPS:
            for child in token.children:
                if child.dep_ == dep and not self.is_stance_prefixed(child):
                    actor = self.mentions.actor_at(child.i) or self._modifier_actor(child, depth)
                    if actor is not None:
                        return actor
        for child in token.children:
            if child.dep_ == "prep" and child.lemma_ in ("of", "from"):
                for object_ in child.children:
                    if object_.dep_ == "pobj":
                        actor = self._head_actor(object_, depth + 1)
                        if actor is not None:
                            return actor
        for child in token.children:
            if child.dep_ == "appos":
                actor = self._head_actor(child, depth + 1)
                if actor is not None:
                    return actor
        # An act or a document named by a noun stands for its agent: condemning "the attack by X" is aimed
        # at X, rejecting "the accusations contained in the resolution adopted by X" answers X.
        for node in self._noun_chain(token):
            for child in node.children:
                if child.dep_ in ("prep", "agent") and child.lemma_ == "by":
                    for object_ in child.children:
                        if object_.dep_ == "pobj" and self.mentions.actor_at(object_.i):
                            return self.mentions.actor_at(object_.i)
        return None

    @staticmethod
    def _noun_chain(token: Token, hops: int = 2) -> list[Token]:
        """The noun, the participles that modify it, and the nouns those reach through a preposition
        ("accusations contained in the resolution adopted by ..."), up to ``hops`` participles deep."""
        chain, frontier = [token], [token]
        for _ in range(hops):
            participles = [child for node in frontier for child in node.children if child.dep_ == "acl"]
            nouns = [
                object_
                for participle in participles
                for prep in participle.children
                if prep.dep_ == "prep" and prep.lemma_ != "by"
                for object_ in prep.children
                if object_.dep_ == "pobj"
            ]
            chain += participles + nouns
            frontier = nouns
        return chain

    def _owner_of(self, token: Token) -> ActorRef | None:
        """ "a Greek-operated tanker", "a Russian-owned ship": the owner's country, as a business."""
        for child in token.children:
            if child.dep_ != "amod" or child.lemma_.lower() not in self.modes.ownership_words:
                continue
            for grand in child.children:
                actor = self.mentions.actor_at(grand.i)
                if actor is not None and actor.country and self.is_country(actor.country):
                    return ActorRef(
                        code=f"{actor.country}BUS",
                        country=actor.country,
                        name=None,
                        entity_type="ORG",
                        text=actor.text,
                        char_start=actor.char_start,
                        char_end=actor.char_end,
                        via="owner",
                    )
        return None

    def _modifier_actor(self, token: Token, depth: int) -> ActorRef | None:
        if depth > 4 or token.dep_ == "amod":
            return None
        return self._head_actor(token, depth + 1) if token.dep_ == "poss" else None

    def _appositive_affiliation(self, token: Token, depth: int) -> ActorRef | None:
        """'Obasanjo, the African Union's envoy', 'X, the AU envoy', 'X, envoy of the AU': the organization
        the apposition's head belongs to (its possessive, compound or "of" phrase)."""
        if depth > 4:
            return None
        for child in token.children:
            if child.dep_ != "appos":
                continue
            owners = [grand for grand in child.children if grand.dep_ in ("poss", "compound", "nmod")]
            owners += [
                object_
                for grand in child.children
                if grand.dep_ == "prep" and grand.lemma_ in ("of", "for")
                for object_ in grand.children
                if object_.dep_ == "pobj"
            ]
            head_actor = self.mentions.actor_at(child.i)
            for owner in owners:
                actor = self.mentions.actor_at(owner.i)
                # The owner must be apart from the apposition's own name ("the United Nations" is no envoy).
                if actor is not None and actor.entity_type == "IGO" and actor != head_actor:
                    return actor.but_via("affiliation")
        for child in token.children:
            # "a French frigate serving with the European Union's naval mission": it acts for the EU.
            if child.dep_ != "acl" or child.lemma_ not in ("serve", "operate", "deploy"):
                continue
            for prep in (grand for grand in child.children if grand.dep_ == "prep"):
                if prep.lemma_ not in ("with", "in", "under", "for"):
                    continue
                for mission in (node for node in prep.children if node.dep_ == "pobj"):
                    for node in (mission, *mission.children):
                        actor = self.mentions.actor_at(node.i)
                        if actor is not None and actor.entity_type == "IGO":
                            return actor.but_via("affiliation")
        return None

    # ------------------------------------------------------------------ clauses

    def speaker_of(self, token: Token) -> list[ActorRef]:
        """The subject of the reporting verb that governs ``token`` ("..., the ministry said")."""
        node = token
        for _ in range(12):
            if node.head is node:
                break
            node = node.head
            if node.lemma_ in self.modes.reporting_verbs and node.pos_ in ("VERB", "AUX"):
                # "rejected the charge and said ...": a reporting verb shares its coordinated verb's subject.
                for subject in self.subject_tokens(node):
                    found = [actor for actor in self.phrase_actors(subject) if actor.via != "speaker"]
                    if found:
                        return found
                return []
        return []

    def is_passive(self, verb: Token) -> bool:
        return any(
            child.dep_ in PASSIVE_SUBJECT_DEPS or child.dep_ == "auxpass" for child in verb.children
        ) or (verb.dep_ == "acl" and verb.tag_ == "VBN")

    def agents(self, verb: Token) -> list[Token]:
        return [
            object_
            for child in verb.children
            if child.dep_ == "agent"
            for object_ in child.children
            if object_.dep_ == "pobj"
        ]

    def subject_tokens(self, verb: Token) -> list[Token]:
        """The tokens heading the verb's (logical) subject: the passive agent, else the subject; a verb
        without one borrows it along conj/xcomp links; a participle modifying a noun ("the forces
        deployed there") has that noun as subject when it is active."""
        node = verb
        for _ in range(6):
            if self.is_passive(node):
                found = self.agents(node)
            else:
                found = [child for child in node.children if child.dep_ in SUBJECT_DEPS]
                if not found and node.dep_ == "acl":
                    found = [node.head]
            if found:
                return found
            if node.dep_ in _SUBJECT_SHARING and node.head is not node:
                head = node.head
                if (
                    node.dep_ == "conj"
                    and head.dep_ == "ccomp"
                    and self.is_passive(head)
                    and not self.is_passive(node)
                    and head.head.lemma_ in self.modes.reporting_verbs
                ):
                    # "said 300 people had been arrested and accused X": what was done to someone cannot
                    # be the subject of an active conjunct; the parser hung it on the reported clause,
                    # the sentence means the speaker.
                    head = head.head
                if node.dep_ == "xcomp" and head.lemma_ in self.modes.appeal_heads:
                    # "urged Iran to release": the infinitive's subject is the appeal's object.
                    objects = [child for child in head.children if child.dep_ in ("dobj", "dative")]
                    objects += [
                        object_
                        for child in head.children
                        if child.dep_ == "prep"
                        for object_ in child.children
                        if object_.dep_ == "pobj"
                    ]
                    return objects
                if head.pos_ == "ADJ" or head.dep_ == "acomp":
                    head = head.head
                node = head
                continue
            if node.dep_ == "relcl":
                return [node.head]
            break
        return []

    def object_tokens(self, verb: Token, slot: str) -> list[Token]:
        """The tokens heading what fills ``slot`` (obj, dative, subj or a preposition) of the verb."""
        passive = self.is_passive(verb)
        if slot == "obj":
            if passive:
                found = [child for child in verb.children if child.dep_ in PASSIVE_SUBJECT_DEPS]
                if not found and verb.dep_ == "acl":
                    found = [verb.head]
                return found
            return [child for child in verb.children if child.dep_ in ("dobj", "obj")]
        if slot == "dative":
            return [child for child in verb.children if child.dep_ == "dative"]
        if slot == "subj":
            return self.subject_tokens(verb)
        holders = [verb] + [child for child in verb.children if child.dep_ in ("dobj", "prt", "dative")]
        # "delivered two helicopters and a consignment of drones to the army": the parser may hang the
        # preposition on the last object of a list.
        holders += [grand for holder in holders[1:] for grand in holder.children if grand.dep_ == "conj"]
        found: list[Token] = []
        for holder in holders:
            for child in holder.children:
                if child.dep_ in ("prep", "dative") and child.lemma_ == slot:
                    found.extend(object_ for object_ in child.children if object_.dep_ == "pobj")
                    # "talks between Russia and Ukraine": spaCy may attach the second conjunct to the prep.
                    found.extend(object_ for object_ in child.children if object_.dep_ == "conj")
        return found

    def clause_verbs(self, verb: Token) -> list[Token]:
        """The verb and the verbs whose date and place it shares (its conj and xcomp heads)."""
        chain = [verb]
        node = verb
        for _ in range(4):
            if node.dep_ in ("conj", "xcomp") and node.head is not node:
                node = node.head
                if node.pos_ == "ADJ":
                    node = node.head
                chain.append(node)
            else:
                break
        return chain

    def mode(self, verb: Token) -> tuple[str | None, Token | None]:
        """``(mode, governing verb)`` of a trigger: None for a plain report of a done act."""
        modes = self.modes
        if (
            verb.dep_ == "conj"
            and verb.head is not verb
            and not any(
                child.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "neg") for child in verb.children
            )
        ):
            # "urged Sri Lanka to release the fishermen and return their boats": a conjunct with no subject
            # or auxiliary of its own shares its first conjunct's mode (negation only in the base form
            # that shares the "did not").
            shared, governing = self.mode(verb.head)
            if shared in (CONTENT, INTENDED, REFUSED, HEDGED) or (shared == NEGATED and verb.tag_ == "VB"):
                return shared, governing
        perfect: bool | None = None  # read once, when a "since" first asks
        for child in verb.children:
            if child.dep_ == "neg":
                return NEGATED, None
            if child.dep_ == "advmod" and child.lower_ in modes.habitual_adverbs:
                return (NEGATED if child.lower_ == "never" else HABITUAL), None
            if child.dep_ == "mark" and child.lower_ in ("if", "whether", "unless"):
                return HEDGED, None
            if child.dep_ == "prep" and self._is_duration(child):
                return HABITUAL, None  # "has rejected the award since the 1960s", "has fought for 15 years"
            since = (child.dep_ == "advmod" and child.lower_ == "since") or (
                child.dep_ == "advcl"
                and any(grand.dep_ == "mark" and grand.lower_ == "since" for grand in child.children)
            )
            if since and perfect is None:
                perfect = any(aux.lemma_ == "have" for aux in verb.children if aux.dep_ == "aux")
            if since and perfect:
                # "has seized large parts of the province since it took up arms", "have since fought"
                return HABITUAL, None
        if not self.lead and verb.dep_ == "ROOT" and self._undated_perfect(verb):
            # Past the lead, "the junta has barred earlier envoys", "Meloni has pressed Libya" tell the
            # background; what the story reports is dated or told in the past.
            return HABITUAL, None
        aside = verb.dep_ == "relcl" and self._is_aside(verb)
        if aside and verb.tag_ in ("VBZ", "VBP"):
            return HABITUAL, None  # "Angola, which mediates between the two": what someone does, no act
        if aside and self._undated_perfect(verb):
            return HABITUAL, None  # "Qatar, which has trained Somali soldiers": background, told undated
        aux = [child.lower_ for child in verb.children if child.dep_ in ("aux", "auxpass")]
        if any(word in modes.hedge_aux for word in aux):
            return HEDGED, None
        head = verb.head
        if verb.dep_ == "pcomp" and head.lemma_ in ("of", "for", "from") and head.head is not head:
            # "accused Minsk of waging an attack", "blamed X for shelling": the charge's content;
            # "barred from holding office", "prevented from leaving": not done.
            owner = head.head
            if head.lemma_ != "from" and owner.lemma_ in modes.accusation_heads:
                return CONTENT, owner
            if head.lemma_ == "from" and owner.lemma_ in modes.prevention_heads:
                return NEGATED, None
        # "offered on Tuesday to mediate": the parser may hang an infinitive on its verb as advcl.
        infinitive = verb.dep_ == "xcomp" or (
            verb.dep_ == "advcl"
            and any(child.dep_ == "aux" and child.tag_ == "TO" for child in verb.children)
        )
        if (
            head is not verb
            and head.lemma_ in modes.rehearsal_heads
            and verb.dep_ in ("xcomp", "ccomp", "dobj")
        ):
            return REHEARSED, head  # "practised encircling Taiwan": a drill, not an attack
        if (infinitive or verb.dep_ == "ccomp") and head is not verb:
            governing = (
                head.head if (head.pos_ == "ADJ" and head.dep_ in ("acomp", "xcomp", "amod")) else head
            )
            lemma = head.lemma_
            outer, _ = self.mode(governing) if governing is not verb else (None, None)
            if outer in (NEGATED, HABITUAL, HEDGED):
                return outer, None
            if infinitive and lemma in modes.hedge_heads:
                return HEDGED, None  # "would consider suspending", "will try to reach": not (yet) done
            if outer == INTENDED and infinitive:
                return INTENDED, governing  # "would keep attacking", "will continue to shell"
            if infinitive or lemma in modes.denial_heads:
                if lemma in modes.negating_heads or lemma in modes.denial_heads:
                    return NEGATED, None
                if lemma in modes.refusal_heads:
                    return REFUSED, head
                if lemma in modes.appeal_heads:
                    return CONTENT, head
                if lemma in modes.hedge_heads:
                    return HEDGED, None
                if lemma in modes.intent_heads or governing.lemma_ in modes.intent_heads:
                    return INTENDED, head
                if lemma in modes.command_heads:
                    return None, head
                purpose = any(child.dep_ == "aux" and child.tag_ == "TO" for child in verb.children)
                if purpose and head.pos_ in ("VERB", "AUX") and lemma not in modes.aspect_heads:
                    return HEDGED, None  # "entered Somalia to oust a movement": a purpose, not a deed
            if verb.dep_ == "ccomp" and lemma in modes.denial_heads:
                return NEGATED, None
            if verb.dep_ == "ccomp" and lemma in modes.appeal_heads and lemma not in modes.reporting_verbs:
                return CONTENT, head  # "demanded that Russia release the detainees": the demand is the act
            if verb.dep_ == "ccomp" and lemma in modes.hedge_heads and lemma not in modes.reporting_verbs:
                return HEDGED, None  # "few expect Venezuela to invade", "officials believe it will"
        if any(word in modes.intent_aux for word in aux):
            return INTENDED, None
        return None, None

    def _undated_perfect(self, verb: Token) -> bool:
        """A present perfect ("has barred", "have displaced") with no time phrase of its own."""
        if not any(child.dep_ == "aux" and child.lower_ in ("has", "have") for child in verb.children):
            return False
        return not any(
            grand.dep_ == "pobj" and grand.lower_ in self.modes.time_words
            for child in verb.children
            if child.dep_ == "prep"
            for grand in child.children
        )

    def _is_aside(self, relative: Token) -> bool:
        """Whether a relative clause is set off by a comma ("Qatar, which has trained ..."): an aside about
        someone already named, unlike one that says which ("groups that have issued threats")."""
        first = relative.left_edge.i
        return first > 0 and self.doc[first - 1].text == ","

    def _is_duration(self, prep: Token) -> bool:
        """ "since the 1960s", "for more than 15 years": a long-running state, not an event."""
        objects = [child for child in prep.children if child.dep_ == "pobj"]
        if prep.lemma_ == "since":
            return any(
                (any(ch.isdigit() for ch in obj.text) and not obj.like_num) or obj.like_num for obj in objects
            )
        if prep.lemma_ == "for":
            return any(obj.lemma_ in ("year", "decade", "century") for obj in objects)
        return False

    # ------------------------------------------------------------------ places

    def places_of(self, verbs: Iterable[Token]) -> list[PlaceRef]:
        """Places attached to the verbs (or their objects) by a locative preposition."""
        found: list[PlaceRef] = []
        for verb in verbs:
            holders = [verb] + [child for child in verb.children if child.dep_ in ("dobj", "nsubjpass")]
            # "summoned to the ministry in Baku", "arrived at the palace in Nairobi": one step further.
            holders += [
                object_
                for child in verb.children
                if child.dep_ == "prep" and child.lemma_ in ("to", "at", "into")
                for object_ in child.children
                if object_.dep_ == "pobj"
            ]
            for holder in holders:
                for child in holder.children:
                    if child.dep_ != "prep" or child.lemma_ not in self.modes.locative_preps:
                        continue
                    for object_ in child.children:
                        if object_.dep_ != "pobj":
                            continue
                        place = self._phrase_place(object_)
                        if place is not None:
                            found.append(place)
        return found

    def place_in(self, token: Token) -> PlaceRef | None:
        """The place a noun phrase names, if it names one."""
        return self._phrase_place(token)

    def _phrase_place(self, token: Token) -> PlaceRef | None:
        place = self.mentions.place_at(token.i)
        if place is not None:
            return place
        for child in token.children:
            if child.dep_ in ("compound", "appos"):
                place = self.mentions.place_at(child.i)
                if place is not None:
                    return place
            if child.dep_ == "prep" and child.lemma_ == "of":
                for object_ in child.children:
                    if object_.dep_ == "pobj" and self.mentions.place_at(object_.i):
                        return self.mentions.place_at(object_.i)
        return None


def _unique(actors: Iterable[ActorRef]) -> list[ActorRef]:
    seen: set[tuple[str, int]] = set()
    result = []
    for actor in actors:
        key = (actor.code, actor.char_start)
        if key not in seen:
            seen.add(key)
            result.append(actor)
    return result
