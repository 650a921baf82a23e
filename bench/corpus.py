"""A deterministic synthetic corpus of wire-news articles for the benchmarks.

``write_corpus(directory, n)`` writes ``n`` distinct articles as a seeds directory that ``communique run
--seeds DIR`` reads: about 60% as seed files (`` date YYYY-MM-DD Headline.`` then paragraphs) and the
rest as entries of RSS 2.0 and Atom feed files of about 50 entries each. Articles are 150-800 words
(median about 400), published over four months (2021-07-01 to 2021-10-31) so the tables get realistic
date partitions. About a third of the sentences report a diplomatic or political event between two
actors, and about a third carry a date expression ("on Tuesday", "last week", "on Oct. 3").

Names come from the actor lexicons (``transforms/lexicons/actors/*.csv``: countries, officials in office
on the publication date, international organizations, armed groups, capitals) and verb phrases from the
verb patterns (``bench/corpus_verbs.txt``, the events coder's first verb lexicon, kept as the corpus's
vocabulary so that corpora stay comparable across coder versions) when those files exist; a small built-in
vocabulary stands in for any that is missing. Every sentence template here was written for this
benchmark.

Besides the ``n`` articles the corpus holds what a real input holds now and then, in fixed proportions
(at least one of each): exact copies of seed files and entries repeated in a second feed (duplicates),
binary and empty seed files, a seed with an impossible date, a file of an unsupported type, empty feed
entries, a feed that is not XML at all and a feed cut off before its closing tags. ``CorpusManifest``
says how many of each, and so what the pipeline's accounting must come to.

Everything is drawn from ``random.Random`` seeded by (seed, article number), so the same ``n`` and
``seed`` give byte-identical files, and the first articles of a larger corpus equal a smaller one's.

    python bench/corpus.py DIR --n 1000 [--seed 8]
"""

from __future__ import annotations

import argparse
import collections
import csv
import dataclasses
import datetime as dt
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

LEXICONS = Path(__file__).resolve().parent.parent / "transforms" / "lexicons"
CORPUS_VERBS = Path(__file__).resolve().parent / "corpus_verbs.txt"
FIRST_DAY = dt.date(2021, 7, 1)
LAST_DAY = dt.date(2021, 10, 31)
MIN_WORDS, MAX_WORDS = 150, 800
FEED_SHARE = 0.4  # share of the articles published as feed entries rather than seed files
ENTRIES_PER_FEED = 50
MANIFEST_NAME = ".corpus.json"  # a leading dot: the seeds reader ignores it
GENERATOR_VERSION = 1  # bump when the output changes, so cached corpora are regenerated

# Per 1,000 articles (each at least 1): copies and malformed items added on top of the n articles.
PER_THOUSAND = {
    "seed_copies": 10,  # an exact copy of a seed file under another name
    "repeated_entries": 10,  # an entry that appears in a second feed too (same link)
    "binary_seeds": 2,
    "empty_seeds": 2,
    "bad_date_seeds": 1,  # ' date 2021-02-30 ...': kept, its date flagged unparseable
    "unsupported_files": 1,
    "empty_entries": 3,
    "garbage_feeds": 1,  # bytes that are not XML under a .xml name
    "truncated_feeds": 1,  # a feed missing its closing tags after its last complete entry
}

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MONTH_ABBREVIATIONS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
                       "Nov.", "Dec."]
RSS_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
RSS_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


# ----------------------------------------------------------------------------------------- vocabulary

@dataclasses.dataclass(frozen=True)
class Country:
    code: str
    name: str
    adjective: str
    capital: str | None = None


@dataclasses.dataclass(frozen=True)
class Official:
    name: str
    surname: str
    office: str
    country_code: str
    start: dt.date | None
    end: dt.date | None

    def in_office(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclasses.dataclass(frozen=True)
class VerbPhrase:
    """A verb phrase and how its target attaches: ``target_prep`` '' (directly), a preposition, or
    None (the phrase takes no target)."""

    text: str
    target_prep: str | None


@dataclasses.dataclass
class Vocabulary:
    countries: list[Country]
    officials: list[Official]
    organizations: list[str]
    groups: list[str]
    verb_phrases: list[VerbPhrase]
    sources: dict[str, str]  # part -> 'lexicon' or 'built-in'

    def officials_on(self, day: dt.date) -> list[Official]:
        serving = [official for official in self.officials if official.in_office(day)]
        return serving or self.officials


_BUILTIN_COUNTRIES = [
    Country("KEN", "Kenya", "Kenyan", "Nairobi"), Country("ETH", "Ethiopia", "Ethiopian", "Addis Ababa"),
    Country("BRA", "Brazil", "Brazilian", "Brasilia"), Country("JPN", "Japan", "Japanese", "Tokyo"),
    Country("FRA", "France", "French", "Paris"), Country("IND", "India", "Indian", "New Delhi"),
    Country("TUR", "Turkey", "Turkish", "Ankara"), Country("EGY", "Egypt", "Egyptian", "Cairo"),
    Country("CAN", "Canada", "Canadian", "Ottawa"), Country("IDN", "Indonesia", "Indonesian", "Jakarta"),
    Country("MEX", "Mexico", "Mexican", "Mexico City"), Country("NOR", "Norway", "Norwegian", "Oslo"),
]
# Invented people: the fallback must not pass off made-up offices as facts about real ones.
_BUILTIN_OFFICIALS = [
    Official("Amara Velde", "Velde", "foreign minister", "KEN", None, None),
    Official("Tomas Rinaldi", "Rinaldi", "prime minister", "BRA", None, None),
    Official("Keiko Moriyama", "Moriyama", "defence minister", "JPN", None, None),
    Official("Lucien Darrow", "Darrow", "president", "FRA", None, None),
    Official("Nadia Haddad", "Haddad", "foreign minister", "EGY", None, None),
    Official("Ravi Menon", "Menon", "external affairs minister", "IND", None, None),
]
_BUILTIN_ORGANIZATIONS = ["United Nations", "African Union", "European Union", "World Bank",
                          "International Monetary Fund", "World Health Organization", "NATO"]
_BUILTIN_GROUPS = ["the Northern Liberation Front", "the Coastal Brigades", "the People's Defence Army"]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any((value or "").strip() for value in row.values())]


def _iso_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _lexicon_countries(actors: Path) -> list[Country]:
    capitals = {}
    for row in _read_csv(actors / "places.csv"):
        if row.get("kind") == "capital" and row.get("country") and row.get("name"):
            capitals.setdefault(row["country"], row["name"])
    countries = []
    for row in _read_csv(actors / "countries.csv"):
        name, code = (row.get("name") or "").strip(), (row.get("code") or "").strip()
        adjective = (row.get("adjectives") or "").split("|")[0].strip()
        if name and code and adjective:
            countries.append(Country(code, name, adjective, capitals.get(code)))
    return countries


def _lexicon_officials(actors: Path, country_codes: set[str]) -> list[Official]:
    officials = []
    for row in _read_csv(actors / "officials.csv"):
        name, surname, office = row.get("name"), row.get("surname"), row.get("office")
        nationality = row.get("nationality") or ""
        if name and surname and office and nationality in country_codes:
            officials.append(Official(name.strip(), surname.strip(), office.strip(), nationality,
                                      _iso_day(row.get("start")), _iso_day(row.get("end"))))
    return officials


def _lexicon_names(path: Path) -> list[str]:
    return sorted({row["name"].strip() for row in _read_csv(path) if (row.get("name") or "").strip()})


_PREPOSITIONS = {"with", "on", "upon", "to", "for", "against", "at", "of", "about", "into", "toward",
                 "towards", "from", "over", "in", "by"}
_GAP_FILLERS = ["the", "the", ""]
_COMMON_IRREGULAR = {"shut": "shut", "cut": "cut", "put": "put", "set": "set", "hit": "hit", "quit": "quit",
                     "spread": "spread", "beat": "beat", "lead": "led", "seek": "sought", "fight": "fought",
                     "flee": "fled", "hold": "held", "meet": "met", "send": "sent", "bring": "brought",
                     "break": "broke", "give": "gave", "make": "made", "take": "took", "say": "said",
                     "tell": "told", "win": "won", "lose": "lost", "shoot": "shot", "strike": "struck"}


# Verbs of more than one syllable that double their last consonant (stress on the last syllable).
_DOUBLING = {"permit", "commit", "admit", "submit", "refer", "prefer", "control", "patrol", "compel",
             "expel", "propel", "regret", "transfer", "occur", "deter", "acquit", "abet", "embed", "rebut",
             "equip", "kidnap", "confer", "defer", "incur", "repel", "dispel", "omit", "emit", "remit"}


def _past_tense(verb: str, irregular: dict[str, str]) -> str:
    if verb in irregular:
        return irregular[verb]
    vowel_groups = len(re.findall(r"[aeiou]+", verb))
    if re.search(r"[^aeiou][aeiou][^aeiouwxy]$", verb) and (vowel_groups == 1 or verb in _DOUBLING):
        return verb + verb[-1] + "ed"
    if verb.endswith("e"):
        return verb + "d"
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _read_irregular(path: Path) -> dict[str, str]:
    forms = dict(_COMMON_IRREGULAR)
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2:
                forms[parts[0]] = parts[1]
    return forms


@dataclasses.dataclass(frozen=True)
class _PatternLine:
    tokens: tuple[str, ...]
    target_prep: str | None


def _read_patterns(path: Path) -> list[_PatternLine]:
    """Verb patterns that start with a verb (``word+``): see the verbs README for the format."""
    lines = []
    if not path.is_file():
        return lines
    for line in path.read_text(encoding="utf-8").splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        pattern, _, options = body.partition("|")
        fields = pattern.split()
        if len(fields) < 3:
            continue
        tokens = tuple(fields[2:])
        if "+" not in tokens[0] or any("@" in token for token in tokens):
            continue
        option_words = options.split()
        prep = next((word.split("=", 1)[1].split(",")[0] for word in option_words
                     if word.startswith("prep=")), None)
        last = tokens[-1].rstrip("?").split("/")[0]
        if last in _PREPOSITIONS:
            target: str | None = ""
        elif prep in _PREPOSITIONS:
            target = prep
        elif "needtarget" in option_words or len(tokens) == 1:
            target = ""
        else:
            target = None
        lines.append(_PatternLine(tokens, target))
    return lines


def _realize(pattern: _PatternLine, rng: random.Random, irregular: dict[str, str]) -> VerbPhrase:
    """One concrete phrase of a pattern: alternatives chosen, optional words kept half the time,
    verbs put in the past tense, '*' gaps filled with a short word or nothing."""
    words = []
    target_prep = pattern.target_prep
    for position, token in enumerate(pattern.tokens):
        if token == "*":
            following = (pattern.tokens[position + 1:] or ("",))[0].split("/")[0]
            if following in _PREPOSITIONS and following not in ("to", "for"):
                # "accuse+ * of corruption": the gap is where the target goes.
                words.append("{b}")
                target_prep = None
            else:
                words.append(rng.choice(_GAP_FILLERS))
            continue
        if token.endswith("?"):
            if rng.random() < 0.5:
                continue
            token = token[:-1]
        choice = rng.choice(token.split("/"))
        if "+" in choice:
            verb, _, particle = choice.partition("+")
            choice = _past_tense(verb, irregular) + particle
        words.append(choice.replace("_", " "))
    return VerbPhrase(" ".join(word for word in words if word), target_prep)


def _lexicon_verb_phrases(verbs: Path) -> list[VerbPhrase]:
    irregular = _read_irregular(verbs / "irregular.txt")
    rng = random.Random("verb-phrases")
    phrases = []
    for pattern in _read_patterns(CORPUS_VERBS):
        for _ in range(2):
            phrase = _realize(pattern, rng, irregular)
            if re.fullmatch(r"[A-Za-z' {}-]+", phrase.text):
                phrases.append(phrase)
    return sorted(set(phrases), key=lambda phrase: (phrase.text, phrase.target_prep or ""))


def load_vocabulary(lexicons: Path = LEXICONS) -> Vocabulary:
    """Names and verb phrases from the lexicon data files, with the built-in ones for any missing part."""
    actors, sources = lexicons / "actors", {}
    countries = _lexicon_countries(actors)
    sources["countries"] = "lexicon" if len(countries) >= 10 else "built-in"
    if sources["countries"] == "built-in":
        countries = list(_BUILTIN_COUNTRIES)
    codes = {country.code for country in countries}
    officials = _lexicon_officials(actors, codes)
    sources["officials"] = "lexicon" if len(officials) >= 10 else "built-in"
    if sources["officials"] == "built-in":
        officials = [official for official in _BUILTIN_OFFICIALS if official.country_code in codes] or list(
            _BUILTIN_OFFICIALS)
    organizations = _lexicon_names(actors / "igos.csv")
    sources["organizations"] = "lexicon" if organizations else "built-in"
    organizations = organizations or list(_BUILTIN_ORGANIZATIONS)
    groups = _lexicon_names(actors / "groups.csv")
    sources["groups"] = "lexicon" if groups else "built-in"
    groups = groups or list(_BUILTIN_GROUPS)
    verb_phrases = _lexicon_verb_phrases(lexicons / "verbs")
    sources["verb_phrases"] = "lexicon" if len(verb_phrases) >= 20 else "built-in"
    if sources["verb_phrases"] == "built-in":
        verb_phrases = []
    return Vocabulary(countries, officials, organizations, groups, verb_phrases, sources)


# ----------------------------------------------------------------------------------------- sentences

# Event templates: {a} and {b} are actors, {date} a date expression or nothing, {place} a city.
EVENT_TEMPLATES = [
    "{a} met {b} in {place}{date} to discuss {topic}.",
    "{a} held talks with {b}{date} on {topic}.",
    "{a} accused {b} of {accusation}{date}.",
    "{a} urged {b} to {demand}.",
    "{a} called on {b}{date} to {demand}.",
    "{a} signed {agreement} with {b} in {place}{date}.",
    "{a} condemned what it called {b}'s {action}.",
    "{sa} imposed new sanctions on {sb}{date} over {topic}.",
    "{sa} threatened to {threat} if {b} did not {demand}.",
    "{a} praised {b} for {praise}.",
    "{a} rejected a proposal by {b} on {topic}{date}.",
    "{a} expressed concern{date} about {topic}.",
    "{a} and {b} agreed{date} to {joint_step}.",
    "{a} warned {b} against {warning}.",
    "{a} offered {aid} to {b}{date}.",
    "{sa} expelled {count} diplomats from {sb}{date}, accusing them of {accusation}.",
    "{sa} recalled its ambassador from {sb}{date} for consultations.",
    "{a} visited {place}{date}, the first such visit in {years} years.",
    "{a} demanded that {b} {demand}.",
    "{a} hosted {b} for a summit in {place}{date}.",
    "{a} denied accusations by {b} that it had {past_wrong}.",
    "{a} appealed to {b} for {help}.",
    "{a} criticized {b} for {criticism}.",
    "{sa} said on {weekday} it would send a delegation to {sb} {future_date} to {joint_step}.",
]
LEXICON_EVENT_TEMPLATES = [
    "{a} {phrase}{target}{date}, officials said.",
    "{a} {phrase}{target} in {place}{date}.",
    "On {weekday}, {a} {phrase}{target}.",
]
QUOTE_TEMPLATES = [
    "\u201c{quote},\u201d {speaker} told reporters{date}.",
    "\u201c{quote},\u201d {speaker} said in a statement.",
    "{speaker} said {b} was \u201c{attitude}\u201d and added that {follow_up}.",
    "\u201c{quote},\u201d {speaker} said after meeting {b}.",
]
BACKGROUND_TEMPLATES = [
    "The two governments have been at odds for {years} years over {topic}.",
    "Talks between the two sides stalled in {month_year} after {setback}.",
    "Trade between {c1} and {c2} reached {amount} billion dollars last year, according to official data.",
    "Neither side gave details of a timetable.",
    "The foreign ministry in {place} did not reply to a request for comment.",
    "At least {count} people were killed and {count2} wounded in the clashes, local officials said.",
    "The measures are expected to take effect {future_date}.",
    "Analysts said much would depend on {topic}.",
    "Diplomats in {place} described the mood at the talks as {mood}.",
    "The {org} has repeatedly called for restraint.",
    "{c1} has hosted more than {count}00 refugees from {c2} since {year}.",
    "The agreement, first proposed in {year}, covers {topic}.",
    "Officials from both countries are due to meet again {future_date}.",
    "A spokesperson for the {org} said the organization was following events closely.",
    "The announcement came {past_date}, days after {setback}.",
    "Opposition lawmakers in {c1} criticized the decision as {mood}.",
]
FILLER_TEMPLATES = [
    "Markets in the region were little changed.",
    "Prices of fuel and bread have risen by about {count} percent this year.",
    "The capital's main roads were closed for several hours.",
    "Heavy rain delayed flights at the main airport.",
    "Schools reopened in most districts after a two-week break.",
    "The central bank kept its main interest rate at {small} percent.",
    "Turnout in the local elections was about {count} percent, the election commission said.",
    "Several ministers attended the ceremony, which was broadcast live on state television.",
    "Shops and offices in the city centre opened as usual.",
    "The report runs to more than {count}0 pages.",
]
HEADLINE_TEMPLATES = [
    "{a} and {b} agree to {joint_step}",
    "{a} urges {b} to {demand}",
    "{a} accuses {b} of {accusation}",
    "{a} holds talks with {b} on {topic}",
    "{a} signs {agreement} with {b}",
    "{a} warns {b} against {warning}",
    "{a} condemns {b} over {action}",
    "{a} offers {aid} to {b}",
]
TOPICS = ["the disputed border", "water rights on the river", "the fate of prisoners", "grain exports",
          "security along the frontier", "a new trade corridor", "fishing rights", "the refugee crisis",
          "energy supplies", "the peace process", "visa rules", "debt relief", "a ceasefire in the north",
          "the return of displaced families", "nuclear inspections", "airspace violations",
          "the reopening of consulates", "customs duties on steel"]
ACCUSATIONS = ["violating the ceasefire", "meddling in its elections", "arming rebel fighters",
               "spying on its officials", "detaining its citizens without charge", "harbouring militants",
               "blocking aid convoys", "stoking unrest in border towns"]
DEMANDS = ["withdraw its troops", "release the detained journalists", "return to the negotiating table",
           "open the border crossings", "allow aid workers in", "respect the truce",
           "hand over the suspects", "halt the military exercises"]
AGREEMENTS = ["a trade agreement", "a defence cooperation pact", "a memorandum on energy",
              "a ceasefire accord", "a deal on migrant returns", "an agreement on water sharing"]
ACTIONS = ["missile tests", "air strikes near the border", "crackdown on protesters",
           "seizure of a cargo ship", "expulsion of aid workers", "troop build-up"]
THREATS = ["cut diplomatic ties", "close its airspace", "suspend trade", "recall its ambassador",
           "withdraw from the talks"]
PRAISE = ["its help in the rescue operation", "its role in the peace talks", "releasing the hostages",
          "hosting the summit", "its support for the vaccination campaign"]
JOINT_STEPS = ["reopen their embassies", "resume direct flights", "set up a joint commission",
               "exchange prisoners", "hold another round of talks", "expand trade", "demarcate the border"]
WARNINGS = ["any incursion into its territory", "further provocations", "arming the rebels",
            "interfering in its internal affairs"]
AID = ["humanitarian aid", "emergency food supplies", "medical assistance", "a loan of 2 billion dollars",
       "help with reconstruction"]
HELP = ["emergency aid", "international support", "calm", "an independent investigation"]
CRITICISM = ["its handling of the crisis", "the slow pace of reform", "its treatment of journalists",
             "its silence on the killings"]
PAST_WRONGS = ["shelled civilian areas", "shot down the drone", "funded the militia", "closed the port"]
QUOTES = ["We will not accept any threat to our sovereignty", "The door to dialogue remains open",
          "This is a step in the right direction", "We expect concrete results, not promises",
          "Our patience has limits", "Both sides showed goodwill", "The situation on the ground is grave",
          "We are ready to help in any way we can", "Nobody wins from a war"]
ATTITUDES = ["not serious about peace", "a reliable partner", "acting in bad faith", "open to compromise"]
FOLLOW_UPS = ["more talks were planned", "the sanctions would stay in place", "a decision was expected soon",
              "his government had made a fair offer", "no deal had been reached"]
SETBACKS = ["a deadly attack on a border post", "the arrest of an opposition leader",
            "a dispute over the agenda", "the collapse of the coalition", "a row over a fishing boat"]
MOODS = ["constructive", "tense", "cordial", "frosty", "businesslike", "a serious mistake"]


def _with_article(name: str) -> str:
    """'the United Nations', but 'NATO' and 'Hamas': multi-word names take 'the'."""
    return name if " " not in name or name.lower().startswith("the ") else f"the {name}"


def _date_expression(rng: random.Random, day: dt.date) -> str:
    """A date expression for something that happened before ``day``, as a reporter writing that day
    might put it (with its leading preposition)."""
    roll = rng.random()
    if roll < 0.32:
        offset = rng.randint(1, 6)
        return "on " + WEEKDAYS[(day - dt.timedelta(days=offset)).weekday()]
    if roll < 0.42:
        return rng.choice(["yesterday", "today", "earlier on " + WEEKDAYS[day.weekday()]])
    if roll < 0.60:
        return rng.choice(["last week", "last month", "earlier this month", "earlier this week",
                           "two days ago", "a week ago", "last year"])
    if roll < 0.78:
        earlier = day - dt.timedelta(days=rng.randint(2, 40))
        return f"on {MONTH_ABBREVIATIONS[earlier.month - 1]} {earlier.day}"
    if roll < 0.90:
        earlier = day - dt.timedelta(days=rng.randint(2, 60))
        return f"on {earlier.day} {MONTHS[earlier.month - 1]} {earlier.year}"
    return f"in {rng.choice(MONTHS)} {rng.randint(2015, 2020)}"


def _future_expression(rng: random.Random, day: dt.date) -> str:
    if rng.random() < 0.3:
        later = day + dt.timedelta(days=rng.randint(3, 50))
        return f"on {MONTH_ABBREVIATIONS[later.month - 1]} {later.day}"
    return rng.choice(["next week", "next month", "tomorrow", "later this year", "in January",
                       "next " + rng.choice(WEEKDAYS), "on " + rng.choice(WEEKDAYS)])


class _ArticleWriter:
    """Builds one article from a random stream: a cast of actors and sentences about them."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random, day: dt.date):
        self.vocabulary, self.rng, self.day = vocabulary, rng, day
        countries = rng.sample(vocabulary.countries, 3)
        officials = vocabulary.officials_on(day)
        self.countries = countries
        self.officials = rng.sample(officials, min(3, len(officials)))
        self.organization = rng.choice(vocabulary.organizations)
        self.group = rng.choice(vocabulary.groups)
        self.named: set[str] = set()
        self.adjectives = {country.code: country.adjective for country in vocabulary.countries}
        places = [country.capital for country in countries if country.capital]
        self.places = places or [country.name for country in countries]

    def official(self, official: Official) -> str:
        if official.name in self.named:
            return official.surname
        self.named.add(official.name)
        adjective = self.adjectives.get(official.country_code, "")
        office = " ".join(word.capitalize() if word.islower() else word for word in official.office.split())
        return f"{adjective} {office} {official.name}".strip()

    def _actor(self) -> tuple[str, str]:
        """(how the actor is written, which party it belongs to: a country code or a name)."""
        roll = self.rng.random()
        if roll < 0.40 and self.officials:
            official = self.rng.choice(self.officials)
            return self.official(official), official.country_code
        if roll < 0.85:
            return self._state()
        if roll < 0.95:
            return _with_article(self.organization), self.organization
        return _with_article(self.group), self.group

    def _state(self, other_than: str | None = None) -> tuple[str, str]:
        """A country or its government: for what only states do (embassies, sanctions)."""
        countries = [country for country in self.countries if country.code != other_than]
        country = self.rng.choice(countries)
        text = country.name if self.rng.random() < 0.7 else f"the {country.adjective} government"
        return text, country.code

    def actor(self) -> str:
        return self._actor()[0]

    def pair(self, first: tuple[str, str] | None = None) -> tuple[str, str]:
        """Two actors of different parties (a country does not meet its own government)."""
        first = first or self._actor()
        for _ in range(10):
            second = self._actor()
            if second[1] != first[1]:
                return first[0], second[0]
        return first[0], self._state(other_than=first[1])[0]

    def states(self) -> tuple[str, str]:
        first = self._state()
        return first[0], self._state(other_than=first[1])[0]

    def date(self, share: float = 0.45) -> str:
        return " " + _date_expression(self.rng, self.day) if self.rng.random() < share else ""

    def fill(self, template: str, **known: str) -> str:
        rng = self.rng
        fields = {
            "topic": lambda: rng.choice(TOPICS), "accusation": lambda: rng.choice(ACCUSATIONS),
            "demand": lambda: rng.choice(DEMANDS), "agreement": lambda: rng.choice(AGREEMENTS),
            "action": lambda: rng.choice(ACTIONS), "threat": lambda: rng.choice(THREATS),
            "praise": lambda: rng.choice(PRAISE), "joint_step": lambda: rng.choice(JOINT_STEPS),
            "warning": lambda: rng.choice(WARNINGS), "aid": lambda: rng.choice(AID),
            "help": lambda: rng.choice(HELP), "criticism": lambda: rng.choice(CRITICISM),
            "past_wrong": lambda: rng.choice(PAST_WRONGS), "quote": lambda: rng.choice(QUOTES),
            "attitude": lambda: rng.choice(ATTITUDES), "follow_up": lambda: rng.choice(FOLLOW_UPS),
            "setback": lambda: rng.choice(SETBACKS), "mood": lambda: rng.choice(MOODS),
            "place": lambda: rng.choice(self.places), "org": lambda: self.organization,
            "c1": lambda: self.countries[0].name, "c2": lambda: self.countries[1].name,
            "count": lambda: str(rng.randint(2, 60)), "count2": lambda: str(rng.randint(2, 90)),
            "small": lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
            "amount": lambda: f"{rng.randint(1, 40)}.{rng.randint(0, 9)}",
            "years": lambda: str(rng.randint(2, 30)), "year": lambda: str(rng.randint(2001, 2020)),
            "weekday": lambda: WEEKDAYS[(self.day - dt.timedelta(days=rng.randint(1, 6))).weekday()],
            "month_year": lambda: f"{rng.choice(MONTHS)} {rng.randint(2016, 2020)}",
            "future_date": lambda: _future_expression(rng, self.day),
            "past_date": lambda: _date_expression(rng, self.day),
            "date": lambda: self.date(), "a": self.actor, "b": self.actor,

        }
        names = re.findall(r"{(\w+)}", template)
        values = dict(known)
        if "sa" in names:
            values["sa"], values["sb"] = self.states()
        for name in names:
            if name not in values:
                values[name] = fields[name]()
        return template.format(**values)

    def event_sentence(self) -> str:
        a, b = self.pair()
        phrases = self.vocabulary.verb_phrases
        if phrases and self.rng.random() < 0.35:
            phrase = self.rng.choice(phrases)
            target = "" if phrase.target_prep is None else (
                f" {phrase.target_prep} {b}" if phrase.target_prep else f" {b}")
            sentence = self.fill(self.rng.choice(LEXICON_EVENT_TEMPLATES), a=a,
                                 phrase=phrase.text.replace("{b}", b), target=target)
        else:
            sentence = self.fill(self.rng.choice(EVENT_TEMPLATES), a=a, b=b)
        return sentence[0].upper() + sentence[1:]

    def quote_sentence(self) -> str:
        if not self.officials:
            return self.fill(self.rng.choice(QUOTE_TEMPLATES), speaker="A spokesman")
        official = self.rng.choice(self.officials)
        speaker, other = self.pair((self.official(official), official.country_code))
        return self.fill(self.rng.choice(QUOTE_TEMPLATES), speaker=speaker, b=other)

    def sentence(self) -> str:
        roll = self.rng.random()
        if roll < 0.36:
            return self.event_sentence()
        if roll < 0.50:
            return self.quote_sentence()
        if roll < 0.82:
            return self.fill(self.rng.choice(BACKGROUND_TEMPLATES))
        return self.fill(self.rng.choice(FILLER_TEMPLATES))

    def headline(self) -> str:
        a, b = self.pair()
        text = self.fill(self.rng.choice(HEADLINE_TEMPLATES), a=a, b=b)
        return text[0].upper() + text[1:]

    def paragraphs(self, words: int) -> list[str]:
        place = self.rng.choice(self.places).upper()
        lead = f"{place} \u2014 {self.event_sentence()}"
        paragraphs, count = [[lead]], len(lead.split())
        while count < words:
            sentence = self.sentence()
            count += len(sentence.split())
            if len(paragraphs[-1]) >= self.rng.choice((1, 2, 2, 3)):
                paragraphs.append([])
            paragraphs[-1].append(sentence)
        return [" ".join(paragraph) for paragraph in paragraphs]


@dataclasses.dataclass(frozen=True)
class Article:
    number: int
    title: str
    paragraphs: tuple[str, ...]
    published_at: dt.datetime  # aware; its UTC date is the publication date

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)

    @property
    def slug(self) -> str:
        words = re.sub(r"[^a-z0-9 ]", "", self.title.lower()).split()[:6]
        return "-".join(words) + f"-{self.number:07d}"


def _word_target(rng: random.Random) -> int:
    """Wire-length articles: a right-skewed spread over 150-800 words, median about 400."""
    while True:
        words = int(rng.lognormvariate(5.99, 0.38))
        if MIN_WORDS + 10 <= words <= MAX_WORDS - 30:
            return words


def make_article(vocabulary: Vocabulary, seed: int, number: int) -> Article:
    """Article ``number`` of the corpus of ``seed`` (independent of the other articles)."""
    rng = random.Random(f"communique-bench:{seed}:{number}")
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    offset = dt.timezone(dt.timedelta(hours=rng.choice((0, 0, 0, 1, 2, 3, -4, -5))))
    # Between 06:00 and 20:00 local, so the UTC date is the same day for these offsets.
    published_at = dt.datetime(day.year, day.month, day.day, rng.randint(6, 19), rng.randint(0, 59),
                               tzinfo=offset)
    writer = _ArticleWriter(vocabulary, rng, day)
    title = writer.headline()
    return Article(number, title, tuple(writer.paragraphs(_word_target(rng))), published_at)


# ----------------------------------------------------------------------------------------- files

def seed_file_text(article: Article, date_text: str | None = None) -> str:
    day = date_text or article.published_at.date().isoformat()
    return f" date {day} {article.title}.\n\n" + "\n\n".join(article.paragraphs) + "\n"


def _link(article: Article, site: str) -> str:
    day = article.published_at.date()
    return f"https://{site}/{day:%Y/%m/%d}/{article.slug}"


def _rfc822(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return (f"{RSS_DAYS[moment.weekday()]}, {moment.day:02d} {RSS_MONTHS[moment.month - 1]} {moment.year} "
            f"{moment:%H:%M:%S} {sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}")


def _html_body(article: Article) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)


def rss_entry(article: Article, site: str) -> str:
    link = _link(article, site)
    summary = escape(article.paragraphs[0][:240])
    return (f"<item><title>{escape(article.title)}</title><link>{escape(link)}</link>"
            f"<guid isPermaLink=\"true\">{escape(link)}</guid>"
            f"<pubDate>{_rfc822(article.published_at)}</pubDate>"
            f"<description>{summary}</description>"
            f"<content:encoded><![CDATA[{_html_body(article)}]]></content:encoded></item>\n")


def atom_entry(article: Article, site: str) -> str:
    link = _link(article, site)
    stamp = article.published_at.isoformat()
    return (f"<entry><title>{escape(article.title)}</title><link rel=\"alternate\" href={quoteattr(link)}/>"
            f"<id>{escape(link)}</id><published>{stamp}</published><updated>{stamp}</updated>"
            f"<summary>{escape(article.paragraphs[0][:240])}</summary>"
            f"<content type=\"html\">{escape(_html_body(article))}</content></entry>\n")


def rss_document(site: str, entries: list[str], *, closed: bool = True) -> str:
    head = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\n"
            f"<title>{site} world news</title><link>https://{site}/</link>"
            "<description>Synthetic benchmark feed</description><language>en</language>\n")
    return head + "".join(entries) + ("</channel></rss>\n" if closed else "")


def atom_document(site: str, entries: list[str]) -> str:
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
            "xml:lang=\"en\">\n"
            f"<title>{site} diplomacy</title><link rel=\"self\" href=\"https://{site}/atom.xml\"/>"
            f"<id>https://{site}/</id><updated>2021-11-01T00:00:00Z</updated>\n" + "".join(entries)
            + "</feed>\n")


def _empty_rss_entry(number: int) -> str:
    return f"<item><guid isPermaLink=\"false\">bench-empty-{number}</guid></item>\n"


def _binary_bytes(rng: random.Random, size: int = 2048) -> bytes:
    return b"\x89BENCH\x00\x01" + bytes(rng.getrandbits(8) for _ in range(size))


@dataclasses.dataclass
class CorpusManifest:
    """What the corpus holds and what the pipeline's accounting must come to."""

    n: int
    seed: int
    generator_version: int
    seed_files: int  # every .txt file, good or bad
    feed_files: int  # every feed file, readable or not
    feed_entries: int  # entries in the readable feeds, empty ones included
    words: int  # words of the n articles (the seed files' copies not counted)
    first_day: str
    last_day: str
    duplicates: int  # items that repeat an article already read
    rejects: dict[str, int]  # expected reject rows by reason
    items_read: int  # seed files + unsupported files + feed entries + unreadable feeds
    articles: int  # rows expected in the articles table
    vocabulary: dict[str, str]

    def save(self, directory: Path) -> None:
        (directory / MANIFEST_NAME).write_text(json.dumps(dataclasses.asdict(self), indent=1, sort_keys=True))

    @classmethod
    def load(cls, directory: Path) -> CorpusManifest:
        return cls(**json.loads((directory / MANIFEST_NAME).read_text()))


def _scaled(n: int) -> dict[str, int]:
    return {name: max(1, round(n * per / 1000)) for name, per in PER_THOUSAND.items()}


def _spread(count: int, total: int, salt: int) -> list[int]:
    """``count`` distinct positions in range(total), deterministically spread."""
    rng = random.Random(f"spread:{salt}:{count}:{total}")
    return sorted(rng.sample(range(total), min(count, total)))


def write_corpus(directory: Path | str, n: int, seed: int = 8, vocabulary: Vocabulary | None = None
                 ) -> CorpusManifest:
    """Writes the corpus of ``n`` articles into ``directory`` (created; must be empty or new)."""
    if n < 10:
        raise ValueError(f"the corpus needs at least 10 articles to hold every kind of item, got n={n}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty; give a new or empty directory")
    vocabulary = vocabulary or load_vocabulary()
    extras = _scaled(n)
    articles_dir, feeds_dir = directory / "articles", directory / "feeds"
    articles_dir.mkdir()
    feeds_dir.mkdir()

    feed_numbers = set(_spread(round(n * FEED_SHARE), n, seed))
    seed_numbers = [number for number in range(n) if number not in feed_numbers]
    bad_date_numbers = {seed_numbers[index]
                        for index in _spread(extras["bad_date_seeds"], len(seed_numbers), seed + 5)}
    copy_numbers = set(_spread(extras["seed_copies"], len(seed_numbers), seed + 1))
    words = 0
    seed_files = 0
    feed_articles: list[Article] = []
    for number in range(n):
        article = make_article(vocabulary, seed, number)
        words += article.words
        if number in feed_numbers:
            feed_articles.append(article)
            continue
        date_text = "2021-02-30" if number in bad_date_numbers else None
        text = seed_file_text(article, date_text).encode("utf-8")
        (articles_dir / f"a{number:07d}.txt").write_bytes(text)
        seed_files += 1
    for index in sorted(copy_numbers):
        original = articles_dir / f"a{seed_numbers[index]:07d}.txt"
        (articles_dir / f"copy_of_a{seed_numbers[index]:07d}.txt").write_bytes(original.read_bytes())
        seed_files += 1
    bad_rng = random.Random(f"malformed:{seed}:{n}")
    for index in range(extras["binary_seeds"]):
        (articles_dir / f"scan_{index:04d}.txt").write_bytes(_binary_bytes(bad_rng))
        seed_files += 1
    for index in range(extras["empty_seeds"]):
        (articles_dir / f"empty_{index:04d}.txt").write_bytes(b"" if index % 2 == 0 else b" \n\n")
        seed_files += 1
    for index in range(extras["unsupported_files"]):
        pdf = b"%PDF-1.4\n" + _binary_bytes(bad_rng, 512)
        (articles_dir / f"attachment_{index:04d}.pdf").write_bytes(pdf)

    # Feeds: consecutive runs of articles, alternately RSS and Atom, each on its own site.
    feed_files, feed_entries = 0, 0
    groups = [feed_articles[start:start + ENTRIES_PER_FEED]
              for start in range(0, len(feed_articles), ENTRIES_PER_FEED)]
    repeated = set(_spread(extras["repeated_entries"], len(feed_articles), seed + 2))
    truncated = set(_spread(extras["truncated_feeds"], len(groups), seed + 4))

    def is_atom(index: int) -> bool:
        return index % 2 == 1 and index not in truncated

    rss_groups = [index for index in range(len(groups)) if not is_atom(index)]
    empty_entries = collections.Counter(
        rss_groups[(slot * 7 + seed) % len(rss_groups)] for slot in range(extras["empty_entries"])
    ) if rss_groups else collections.Counter()
    repeated_written = 0
    for index, group in enumerate(groups):
        site = f"wire{index % 7}.example.org"
        make_entry = atom_entry if is_atom(index) else rss_entry
        entries = [make_entry(article, site) for article in group]
        entries.extend(_empty_rss_entry(index * 1000 + k) for k in range(empty_entries[index]))
        # Entries of the previous feed appear again here (the same story in two feeds).
        if index > 0:
            previous_site = f"wire{(index - 1) % 7}.example.org"
            offset = (index - 1) * ENTRIES_PER_FEED
            for position, article in enumerate(groups[index - 1]):
                if offset + position in repeated:
                    entries.append(make_entry(article, previous_site))
                    repeated_written += 1
        feed_entries += len(entries)
        name = f"feed_{index:05d}.{'atom' if is_atom(index) else 'rss'}"
        if is_atom(index):
            document = atom_document(site, entries)
        else:
            document = rss_document(site, entries, closed=index not in truncated)
        (feeds_dir / name).write_text(document, encoding="utf-8")
        feed_files += 1
    for index in range(extras["garbage_feeds"]):
        (feeds_dir / f"broken_{index:04d}.xml").write_bytes(_binary_bytes(bad_rng, 1024))
        feed_files += 1

    rejects = {
        "unreadable_file": extras["binary_seeds"],
        "empty_document": extras["empty_seeds"],
        "unsupported_file": extras["unsupported_files"],
        "entry_empty": sum(empty_entries.values()),
        "feed_unparseable": extras["garbage_feeds"],
    }
    duplicates = len(copy_numbers) + repeated_written
    items_read = seed_files + extras["unsupported_files"] + feed_entries + extras["garbage_feeds"]
    manifest = CorpusManifest(
        n=n, seed=seed, generator_version=GENERATOR_VERSION, seed_files=seed_files, feed_files=feed_files,
        feed_entries=feed_entries, words=words, first_day=FIRST_DAY.isoformat(),
        last_day=LAST_DAY.isoformat(), duplicates=duplicates, rejects={k: v for k, v in rejects.items() if v},
        items_read=items_read, articles=n, vocabulary=dict(vocabulary.sources))
    manifest.save(directory)
    return manifest


def iter_corpus_files(directory: Path) -> Iterator[Path]:
    """Every file of a corpus, sorted (for comparing two corpora)."""
    yield from sorted(path for path in Path(directory).rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="where to write the corpus (new or empty)")
    parser.add_argument("--n", type=int, default=1000, help="number of distinct articles (default 1000)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    args = parser.parse_args(argv)
    manifest = write_corpus(args.directory, args.n, args.seed)
    print(json.dumps(dataclasses.asdict(manifest), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
