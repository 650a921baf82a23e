"""The actor lexicon: every surface form the actor matcher knows, read from ``transforms/lexicons/actors/``.

Pure module (no Beam). ``ActorLexicon.load()`` reads the data files once (the format is documented in
``transforms/lexicons/actors/README.md``) and returns surface forms mapped to ``Term`` objects: a country
name, a country adjective, a plural demonym, a place, an organization, a role noun, a person, or a phrase
that must not be read as an actor. ISO 3166 short and official names come from ``pycountry``; the names
newspapers use, demonyms, capitals, organizations and officials come from the CSV files.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import importlib.resources
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import pycountry
import yaml

# Term kinds. The order of KIND_PRIORITY decides which meaning a surface form takes when several accept
# it (a blocked phrase beats everything, an organization beats a country, ...).
BLOCK = "block"
ORG = "org"
PERSON = "person"
COUNTRY = "country"
ADJECTIVE = "adjective"
DEMONYM = "demonym"
PLACE = "place"
ROLE = "role"
KIND_PRIORITY = {BLOCK: 0, ORG: 1, PERSON: 2, COUNTRY: 3, ADJECTIVE: 4, DEMONYM: 5, PLACE: 6, ROLE: 7}

# Organization files and the entity_type their rows get.
ORGANIZATION_FILES = {
    "igos.csv": "IGO",
    "ngos.csv": "ORG",
    "groups.csv": "GROUP",
    "media.csv": "MEDIA",
    "institutions.csv": "ORG",
    "companies.csv": "ORG",
}
# Named things that are not political actors (market indices, exchanges, festivals): ORG rows with a
# country and no actor code, so the events coder never takes them for a government.
NAMED_THINGS_FILE = "named_things.csv"
# person: a title that may precede a name; group: a body of people; institution: one body of a state
# ("Senate", "Foreign Office"), which written with capitals and without a country belongs to the article's
# own country; sport: a player or coach, who takes the country and no actor code.
ROLE_KINDS = ("person", "group", "institution", "sport")
PERSON_ROLE_KINDS = ("person", "sport")
PLACE_KINDS = ("capital", "city", "region")
ELITE = "ELI"  # role of a person named while out of every listed office
NO_METONYM = "-"
ORGANIZATION_BLOCKS = ("IGO", "NGO", "IMG")  # first block of an organization's own code
REFERENCE_KINDS = frozenset({"igo", "org", "group", "state", "ministry", "military", "envoy", "minister",
                             "spokesman", "plural", "compass"})


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file, the line and the fix."""


@dataclasses.dataclass(frozen=True)
class Tenure:
    """What an organization or a person stood for during [start, end] (either end open). A named thing
    that is no actor (a market index) has no actor_code."""

    actor_code: str | None
    country_code: str | None
    role: str | None
    start: dt.date | None = None
    end: dt.date | None = None
    office: str | None = None
    # Organizations give the last valid day (inclusive); officials the day the office passed on, when
    # the successor already holds it (exclusive), so a handover day has one holder.
    end_inclusive: bool = True

    def covers(self, day: dt.date) -> bool:
        if self.start is not None and day < self.start:
            return False
        if self.end is None:
            return True
        return day <= self.end if self.end_inclusive else day < self.end

    def distance(self, day: dt.date) -> int:
        """Days between ``day`` and this tenure (0 inside it)."""
        if self.start is not None and day < self.start:
            return (self.start - day).days
        if self.end is not None and day > self.end:
            return (day - self.end).days
        return 0


@dataclasses.dataclass(frozen=True)
class Organization:
    name: str
    entity_type: str
    tenures: tuple[Tenure, ...]
    # An armed group coded in the country where it acts (groups.csv acts_in): in an article whose own
    # country is one of these, the group is that country + its role ("JNIM" in Burkina Faso: BFAINS).
    acts_in: tuple[str, ...] = ()

    def at(self, day: dt.date | None) -> Tenure:
        """The tenure on ``day``; outside all of them the nearest; without a date the latest."""
        if day is None:
            return max(self.tenures, key=lambda t: t.start or dt.date.min)
        return min(self.tenures, key=lambda t: (t.distance(day), -(t.start or dt.date.min).toordinal()))


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    surname: str
    gender: str | None
    nationality: str
    tenures: tuple[Tenure, ...]

    def in_office(self, day: dt.date | None) -> Tenure | None:
        if day is None:
            return max(self.tenures, key=lambda t: t.start or dt.date.min)
        holding = [t for t in self.tenures if t.covers(day)]
        return max(holding, key=lambda t: t.start or dt.date.min) if holding else None

    def at(self, day: dt.date | None) -> Tenure:
        """The office held on ``day``; out of office, the person is an elite of their country (ELI)."""
        return self.in_office(day) or Tenure(self.nationality + ELITE, self.nationality, ELITE)


@dataclasses.dataclass(frozen=True)
class Term:
    """One meaning of a surface form."""

    kind: str
    name: str  # canonical name
    code: str | None = None  # country code (COUNTRY, ADJECTIVE, DEMONYM, PLACE) or role code (ROLE)
    organization: Organization | None = None
    persons: tuple[Person, ...] = ()  # PERSON: who the form may name (several for a shared surname)
    surname_only: bool = False  # PERSON: the form is a bare surname
    place_kind: str | None = None  # PLACE: capital, city, region
    metonym: str | None = None  # PLACE (capitals): the actor code the capital stands for, None: never
    role_kind: str | None = None  # ROLE: person or group
    word_like: bool = False  # an acronym that is also an English word ("US", "WHO")

    @property
    def priority(self) -> int:
        return KIND_PRIORITY[self.kind]


@dataclasses.dataclass(frozen=True)
class Rules:
    """The word lists of rules.yaml."""

    fillers: frozenset[str]
    former: frozenset[str]
    then: frozenset[str]
    locative_words: frozenset[str]
    locative_phrases: frozenset[tuple[str, str]]
    place_heads: frozenset[str]
    place_skip: frozenset[str]
    pronouns: dict[str, str]
    pronoun_window: int
    name_particles: frozenset[str]
    not_name_words: frozenset[str]
    titles: frozenset[str]
    family_name_first: frozenset[str]
    word_like_acronyms: frozenset[str]
    not_actors: tuple[str, ...]
    # "the ministry", "it": the word -> the kinds of earlier mention it may refer to (rules.yaml)
    references: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    pronoun_references: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    reference_window: int = 1
    subject_pronoun_after: frozenset[str] = frozenset()
    dummy_it_before: frozenset[str] = frozenset()
    # Named institutions not in the lists: "<Capitalized words> <head>" ("Unification Ministry") -> role
    institution_heads: dict[str, str] = dataclasses.field(default_factory=dict)
    institution_modifiers: dict[str, str] = dataclasses.field(default_factory=dict)
    # A generic institution's country when the article has no country of its own ("congress": USA)
    institution_defaults: dict[str, str] = dataclasses.field(default_factory=dict)
    # Companies introduced by a description ("Taiwanese chipmaker X", "Seoul-based X", "X Electronics")
    company_nouns: frozenset[str] = frozenset()
    company_suffixes: frozenset[str] = frozenset()
    based_suffixes: frozenset[str] = frozenset()
    # A capitalized title standing alone that always means one organization's office ("Secretary-General")
    bare_titles: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ActorLexicon:
    """Surface forms (as written in the lexicon) with their terms, plus the rules."""

    forms: dict[str, tuple[Term, ...]]
    rules: Rules
    countries: dict[str, str]  # ISO alpha-3 -> canonical name
    # IGO actor code -> the organization's own country_code token ("IGOEUREEC" -> "EUR")
    organization_tokens: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> ActorLexicon:
        """Reads every file of ``transforms/lexicons/actors`` (cached: one lexicon per process)."""
        root = importlib.resources.files("transforms") / "lexicons" / "actors"
        return cls.from_texts({path.name: path.read_text(encoding="utf-8") for path in root.iterdir()
                               if path.name.endswith((".csv", ".yaml"))})

    @classmethod
    def from_texts(cls, files: dict[str, str]) -> ActorLexicon:
        """Builds the lexicon from file contents keyed by file name (what ``load`` reads; tests pass
        their own)."""
        builder = _Builder()
        rules = _rules(files, "rules.yaml")
        countries = builder.add_countries(_rows(files, "countries.csv",
                                                ("code", "name", "aliases", "adjectives", "people")))
        builder.add_places(_rows(files, "places.csv", ("name", "country", "kind", "aliases", "metonym")),
                           countries)
        for file_name, entity_type in ORGANIZATION_FILES.items():
            builder.add_organizations(
                file_name, entity_type,
                _rows(files, file_name, ("name", "aliases", "actor_code", "country_code", "role",
                                         "valid_from", "valid_to")))
        builder.add_named_things(_rows(files, NAMED_THINGS_FILE, ("name", "aliases", "country_code")),
                                 countries)
        builder.add_roles(_rows(files, "roles.csv", ("phrase", "role", "kind")))
        builder.add_officials(_rows(files, "officials.csv", (
            "name", "aliases", "surname", "gender", "nationality", "actor_code", "office", "start", "end",
            "standalone")))
        for phrase in rules.not_actors:
            builder.add(phrase, Term(BLOCK, phrase), source="rules.yaml not_actors")
        builder.add_pycountry_names(countries)
        forms = builder.finish(rules.word_like_acronyms)
        return cls(forms=forms, rules=rules, countries=countries,
                   organization_tokens=dict(builder.organization_tokens))


# ---------------------------------------------------------------------------------------------- reading

Row = dict[str, str]


def _rows(files: dict[str, str], name: str, columns: tuple[str, ...]) -> Iterator[tuple[int, Row]]:
    if name not in files:
        raise LexiconError(f"actor lexicon file {name} is missing from transforms/lexicons/actors")
    reader = csv.DictReader(files[name].splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise LexiconError(f"{name}: header lacks the columns {missing}; expected {list(columns)}")
    for line, row in enumerate(reader, start=2):
        yield line, {key: (value or "").strip() for key, value in row.items() if key is not None}


def _rules(files: dict[str, str], name: str) -> Rules:
    if name not in files:
        raise LexiconError(f"actor lexicon file {name} is missing from transforms/lexicons/actors")
    data = yaml.safe_load(files[name])
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: expected a mapping of rule names to word lists")

    def words(key: str, lower: bool = True) -> frozenset[str]:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise LexiconError(f"{name}: '{key}' must be a list of strings")
        return frozenset(w.lower() if lower else w for w in value)

    pronouns = data.get("pronouns")
    if not isinstance(pronouns, dict) or not all(g in ("M", "F") for g in pronouns.values()):
        raise LexiconError(f"{name}: 'pronouns' must map each pronoun to M or F")
    window = data.get("pronoun_window")
    if not isinstance(window, int) or window < 0:
        raise LexiconError(f"{name}: 'pronoun_window' must be a whole number of sentences (0 or more)")
    phrases = set()
    for phrase in words("locative_phrases"):
        parts = phrase.split()
        if len(parts) != 2:
            raise LexiconError(f"{name}: locative phrase {phrase!r} must have exactly two words")
        phrases.add((parts[0], parts[1]))
    def kinds(key: str) -> dict[str, tuple[str, ...]]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and set(v) <= REFERENCE_KINDS
                for k, v in value.items()):
            raise LexiconError(f"{name}: '{key}' must map words to lists of {sorted(REFERENCE_KINDS)}")
        return {k: tuple(v) for k, v in value.items()}

    def codes(key: str) -> dict[str, str]:
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v.isalnum() and v.isupper()
                for k, v in value.items()):
            raise LexiconError(f"{name}: '{key}' must map words to upper-case codes")
        return dict(value)

    def optional(key: str, lower: bool = True) -> frozenset[str]:
        return words(key, lower) if key in data else frozenset()

    reference_window = data.get("reference_window", 1)
    if not isinstance(reference_window, int) or reference_window < 0:
        raise LexiconError(f"{name}: 'reference_window' must be a whole number of sentences (0 or more)")
    return Rules(
        references=kinds("references"), pronoun_references=kinds("pronoun_references"),
        reference_window=reference_window,
        subject_pronoun_after=words("subject_pronoun_after"), dummy_it_before=words("dummy_it_before"),
        fillers=words("fillers"), former=words("former"), then=words("then"),
        locative_words=words("locative_words"), locative_phrases=frozenset(phrases),
        place_heads=words("place_heads"), place_skip=words("place_skip"),
        pronouns=dict(pronouns), pronoun_window=window, name_particles=words("name_particles"),
        not_name_words=words("not_name_words", lower=False),
        titles=words("titles", lower=False),
        family_name_first=words("family_name_first", lower=False),
        word_like_acronyms=words("word_like_acronyms", lower=False),
        not_actors=tuple(sorted(words("not_actors", lower=False))),
        institution_heads=codes("institution_heads"), institution_modifiers=codes("institution_modifiers"),
        institution_defaults={k.lower(): v for k, v in codes("institution_defaults").items()},
        company_nouns=optional("company_nouns"), company_suffixes=optional("company_suffixes", lower=False),
        based_suffixes=optional("based_suffixes"), bare_titles=codes("bare_titles"),
    )


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _date(value: str, where: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise LexiconError(f"{where}: {value!r} is not a date; write YYYY-MM-DD or leave it empty") from None


def ascii_variant(surface: str) -> str:
    """``surface`` without diacritics ("Türkiye" -> "Turkiye"), so both spellings match."""
    decomposed = unicodedata.normalize("NFKD", surface)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _code(value: str, where: str, length: int | None = 3) -> str:
    if not value or not value.isalnum() or not value.isupper() or (length and len(value) != length):
        size = f"{length} " if length else ""
        raise LexiconError(f"{where}: {value!r} is not a {size}letter upper-case code")
    return value


class _Builder:
    def __init__(self) -> None:
        self._forms: dict[str, list[tuple[Term, str]]] = {}
        # An intergovernmental organization's actor code -> its own token (igos.csv country_code: UNO,
        # EUR, NATO, ...), the country_code of its officials.
        self.organization_tokens: dict[str, str] = {}

    def add(self, surface: str, term: Term, *, source: str, weak: bool = False) -> None:
        """Registers ``surface`` (and its form without diacritics). A second, different meaning of the same
        kind is an error in the files unless ``weak`` (pycountry names yield to the CSV files)."""
        for form in dict.fromkeys((surface, ascii_variant(surface))):
            known = self._forms.setdefault(form, [])
            clash = [t for t, _ in known if t.kind == term.kind]
            if clash:
                if weak or clash[0] == term:
                    continue
                if term.kind == PERSON:
                    merged = Term(PERSON, clash[0].name, persons=clash[0].persons + term.persons,
                                  surname_only=clash[0].surname_only and term.surname_only)
                    known[:] = [(t, s) for t, s in known if t.kind != PERSON] + [(merged, source)]
                    continue
                first_source = next(s for t, s in known if t.kind == term.kind)
                raise LexiconError(
                    f"{source}: {form!r} already means {clash[0].name!r} ({first_source}); give it one "
                    f"meaning or remove one of the rows")
            known.append((term, source))

    def add_countries(self, rows: Iterable[tuple[int, Row]]) -> dict[str, str]:
        countries: dict[str, str] = {}
        for line, row in rows:
            where = f"countries.csv line {line}"
            code = _code(row["code"], where)
            name = row["name"]
            if not name:
                raise LexiconError(f"{where}: the country {code} has no name")
            countries[code] = name
            for surface in [name, *_split(row["aliases"])]:
                self.add(_strip_article(surface), Term(COUNTRY, name, code=code), source=where)
            for surface in _split(row["adjectives"]):
                self.add(surface, Term(ADJECTIVE, name, code=code), source=where)
            for surface in _split(row["people"]):
                self.add(surface, Term(DEMONYM, name, code=code), source=where)
        return countries

    def add_pycountry_names(self, countries: dict[str, str]) -> None:
        """ISO 3166 short, official and common names; names with a comma or parentheses ("Korea, Republic
        of") are catalogue forms nobody writes in running text."""
        for country in pycountry.countries:
            code = country.alpha_3
            canonical = countries.get(code) or getattr(country, "common_name", None) or country.name
            for attribute in ("name", "official_name", "common_name"):
                surface = getattr(country, attribute, None)
                if not surface or any(ch in surface for ch in ",()"):
                    continue
                self.add(_strip_article(surface), Term(COUNTRY, canonical, code=code),
                         source=f"pycountry {code} {attribute}", weak=True)

    def add_places(self, rows: Iterable[tuple[int, Row]], countries: dict[str, str]) -> None:
        for line, row in rows:
            where = f"places.csv line {line}"
            country = _code(row["country"], where)
            if country not in countries:
                raise LexiconError(f"{where}: country {country} is not in countries.csv")
            kind = row["kind"]
            if kind not in PLACE_KINDS:
                raise LexiconError(f"{where}: kind {kind!r} must be one of {PLACE_KINDS}")
            metonym: str | None = None
            if kind == "capital":
                metonym = row["metonym"] or country
                if metonym == NO_METONYM:
                    metonym = None
                else:
                    _code(metonym, where, length=None)
            elif row["metonym"]:
                raise LexiconError(f"{where}: only a capital may stand for an actor (metonym column)")
            term = Term(PLACE, row["name"], code=country, place_kind=kind, metonym=metonym)
            for surface in [row["name"], *_split(row["aliases"])]:
                self.add(surface, term, source=where)

    def add_organizations(self, file_name: str, entity_type: str, rows: Iterable[tuple[int, Row]]) -> None:
        grouped: dict[str, list[tuple[str, Row]]] = {}
        for line, row in rows:
            grouped.setdefault(row["name"], []).append((f"{file_name} line {line}", row))
        for name, versions in grouped.items():
            tenures = []
            aliases: dict[str, None] = {name: None}
            acts_in: dict[str, None] = {}
            for where, row in versions:
                acts_in.update(dict.fromkeys(_code(c, where) for c in _split(row.get("acts_in", ""))))
                if acts_in and not row["role"]:
                    raise LexiconError(f"{where}: a group coded where it acts (acts_in) needs a role")
                if not name:
                    raise LexiconError(f"{where}: the organization has no name")
                code = _code(row["actor_code"], where, length=None)
                if code.startswith("IGO") and row["country_code"]:
                    self.organization_tokens.setdefault(code, _code(row["country_code"], where, length=None))
                tenures.append(Tenure(code, row["country_code"] or None, row["role"] or None,
                                      _date(row["valid_from"], where), _date(row["valid_to"], where)))
                aliases.update(dict.fromkeys(_split(row["aliases"])))
            organization = Organization(name, entity_type, tuple(tenures), tuple(acts_in))
            for surface in aliases:
                self.add(surface, Term(ORG, name, organization=organization), source=versions[0][0])

    def add_named_things(self, rows: Iterable[tuple[int, Row]], countries: dict[str, str]) -> None:
        for line, row in rows:
            where = f"{NAMED_THINGS_FILE} line {line}"
            country = _code(row["country_code"], where)
            if country not in countries:
                raise LexiconError(f"{where}: country {country} is not in countries.csv")
            if not row["name"]:
                raise LexiconError(f"{where}: the row has no name")
            organization = Organization(row["name"], "ORG", (Tenure(None, country, None),))
            for surface in dict.fromkeys([row["name"], *_split(row["aliases"])]):
                self.add(surface, Term(ORG, row["name"], organization=organization), source=where)

    def add_roles(self, rows: Iterable[tuple[int, Row]]) -> None:
        for line, row in rows:
            where = f"roles.csv line {line}"
            if row["kind"] not in ROLE_KINDS:
                raise LexiconError(f"{where}: kind {row['kind']!r} must be one of {ROLE_KINDS}")
            role: str | None = None
            if row["kind"] == "sport":
                if row["role"]:
                    raise LexiconError(f"{where}: a sport role ({row['phrase']!r}) has no role code; "
                                       "leave the role column empty")
            else:
                role = _code(row["role"], where, length=None)
                if len(role) not in (3, 6):
                    raise LexiconError(f"{where}: role {role!r} must be one code (GOV) or two (GOVMIL)")
            self.add(row["phrase"], Term(ROLE, row["phrase"].lower(), code=role, role_kind=row["kind"]),
                     source=where)

    def add_officials(self, rows: Iterable[tuple[int, Row]]) -> None:
        grouped: dict[str, list[tuple[str, Row]]] = {}
        for line, row in rows:
            grouped.setdefault(row["name"], []).append((f"officials.csv line {line}", row))
        for name, terms in grouped.items():
            where, first = terms[0]
            surname = first["surname"]
            if not name or not surname:
                raise LexiconError(f"{where}: an official needs a name and a surname")
            gender = first["gender"] or None
            if gender not in (None, "M", "F"):
                raise LexiconError(f"{where}: gender {gender!r} must be M, F or empty")
            nationality = _code(first["nationality"], where)
            tenures = []
            aliases: dict[str, None] = {name: None}
            standalone = False
            for where, row in terms:
                code = _code(row["actor_code"], where, length=None)
                country, role = split_code(code)
                country = self.organization_tokens.get(code, country)
                start, end = _date(row["start"], where), _date(row["end"], where)
                if start and end and end < start:
                    raise LexiconError(f"{where}: the term ends ({end}) before it starts ({start})")
                tenures.append(Tenure(code, country, role, start, end, row["office"] or None,
                                      end_inclusive=False))
                aliases.update(dict.fromkeys(_split(row["aliases"])))
                standalone = standalone or row["standalone"].lower() == "yes"
            person = Person(name, surname, gender, nationality, tuple(tenures))
            for surface in aliases:
                self.add(surface, Term(PERSON, name, persons=(person,)), source=where)
            if standalone:
                self.add(surname, Term(PERSON, name, persons=(person,), surname_only=True), source=where)

    def finish(self, word_like: frozenset[str]) -> dict[str, tuple[Term, ...]]:
        forms = {}
        for surface, terms in self._forms.items():
            ordered = sorted((t for t, _ in terms), key=lambda t: t.priority)
            if surface in word_like:
                ordered = [dataclasses.replace(t, word_like=True) for t in ordered]
            forms[surface] = tuple(ordered)
        return forms


def split_code(actor_code: str) -> tuple[str, str | None]:
    """(country_code, role) of an actor code: "CHNGOV" -> ("CHN", "GOV"), "POLGOVMIL" -> ("POL",
    "GOVMIL") (a defence ministry: government and military); an organization's own code has no role
    ("IGOUNO" -> ("IGO", None))."""
    block = actor_code[:3]
    if block in ORGANIZATION_BLOCKS:
        return block, None
    return block, actor_code[3:9] or None


def _strip_article(surface: str) -> str:
    """ "the Netherlands" -> "Netherlands": the article stays outside the mention."""
    return surface[4:] if surface.lower().startswith("the ") else surface


def describe(term: Term) -> dict[str, Any]:
    """A readable summary of a term (for debugging and the README examples)."""
    summary: dict[str, Any] = {"kind": term.kind, "name": term.name}
    if term.code:
        summary["code"] = term.code
    if term.organization:
        summary["tenures"] = [t.actor_code for t in term.organization.tenures]
    if term.persons:
        summary["persons"] = [p.name for p in term.persons]
    return summary
