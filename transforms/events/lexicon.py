"""The verb-pattern lexicon of the events coder, compiled once (``VerbLexicon.load()``).

Reads ``transforms/lexicons/verbs/`` (format in its README.md): ``patterns.txt`` (which words signal
which CAMEO code), ``irregular.txt`` (verb forms the regular rules miss) and ``frames.yaml`` (cue words
for negation, modality, pronouns, places, and the code mappings for intents, refusals and complements).
Pure data and matching, no Beam.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import re
from collections.abc import Iterator, Mapping, Sequence

import yaml

from transforms.events.codebook import Codebook

ACTOR = "\x00actor"  # the word of a unit that stands for an actor mention (never a literal)
SLOT_SOURCE = "S"
SLOT_TARGET = "T"
_GAP_STOPS = frozenset({",", ".", "!", "?", ";", ":", "“", "”", '"', "(", ")", "—", "–", ACTOR})
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_OPTIONS = ("mutual", "among", "needtarget", "noobj", "loctarget", "reverse")


def _lexicon_text(name: str) -> str:
    return (importlib.resources.files("transforms") / "lexicons" / "verbs" / name).read_text(encoding="utf-8")


class Inflector:
    """The forms of an English verb (or the plural of a noun) from the lemma."""

    def __init__(self, irregular_text: str):
        self._irregular: dict[str, tuple[str, ...]] = {}
        self._complete: dict[str, frozenset[str]] = {}  # verbs whose every form is listed ("be")
        for number, raw in enumerate(irregular_text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            forms = line.split()
            if len(forms) < 3:
                raise ValueError(f"irregular.txt line {number}: need 'lemma past participle [ing]', "
                                 f"got {raw!r}")
            if forms[0].endswith("!"):
                self._complete[forms[0][:-1]] = frozenset(forms[1:])
                continue
            self._irregular[forms[0]] = tuple(forms)

    def third_person(self, lemma: str) -> str:
        return self._third_person(lemma)

    @staticmethod
    def _third_person(lemma: str) -> str:
        if re.search(r"(s|x|z|ch|sh)$", lemma):
            return lemma + "es"
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "ies"
        return lemma + "s"

    @staticmethod
    def _past(lemma: str) -> str:
        if lemma.endswith("e"):
            return lemma + "d"
        if re.search(r"[^aeiou]y$", lemma):
            return lemma[:-1] + "ied"
        return lemma + "ed"

    @staticmethod
    def _progressive(lemma: str) -> str:
        if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
            return lemma[:-1] + "ing"
        return lemma + "ing"

    def verb_forms(self, lemma: str) -> frozenset[str]:
        if lemma in self._complete:
            return self._complete[lemma]
        forms = {lemma, self._third_person(lemma), self._past(lemma), self._progressive(lemma)}
        irregular = self._irregular.get(lemma)
        if irregular:
            forms.discard(self._past(lemma))
            forms.update(irregular[1:3])
            if len(irregular) > 3:
                forms.discard(self._progressive(lemma))
                forms.update(irregular[3:])
        return frozenset(forms)

    def participles(self) -> frozenset[str]:
        """Irregular past participles (for passive detection: "was given", "were met")."""
        return frozenset(forms[2] for forms in self._irregular.values())


@dataclasses.dataclass(frozen=True)
class Element:
    """One position of a pattern: a literal (alternatives, each a sequence of word sets), a gap, or an
    actor slot."""

    kind: str  # 'lit', 'gap', 'slot'
    alternatives: tuple[tuple[frozenset[str], ...], ...] = ()
    optional: bool = False
    gap: int = 0
    slot: str = ""


@dataclasses.dataclass(frozen=True)
class Pattern:
    code: str
    rule_id: str
    elements: tuple[Element, ...]
    order: int
    mutual: bool = False
    among: bool = False
    needtarget: bool = False
    noobj: bool = False
    loctarget: bool = False
    reverse: bool = False
    preps: frozenset[str] | None = None
    confidence: float = 0.8
    verbal: bool = False  # starts with an inflected verb (so "the attack" is not this pattern)


@dataclasses.dataclass(frozen=True)
class Match:
    pattern: Pattern
    start: int  # first unit
    end: int  # one past the last unit
    slots: tuple[tuple[str, int], ...]  # (slot name, unit index)


def _parse_options(text: str, where: str) -> dict:
    options: dict = {}
    for option in text.split():
        if option in _OPTIONS:
            options[option] = True
        elif option.startswith("conf="):
            value = float(option[5:])
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{where}: conf must be in (0, 1], got {option}")
            options["confidence"] = value
        elif option.startswith("prep="):
            options["preps"] = frozenset(option[5:].split(","))
        else:
            raise ValueError(f"{where}: unknown option {option!r} "
                             f"(known: {', '.join(_OPTIONS)}, conf=, prep=)")
    return options


class VerbLexicon:
    """Compiled verb patterns, indexed by the words a pattern can start with, plus the frame cues."""

    def __init__(self, patterns_text: str, irregular_text: str, frames: Mapping, codebook: Codebook):
        self.inflector = Inflector(irregular_text)
        self.frames = frames
        self.present_forms: set[str] = set()  # "attack", "attacks": also nouns, unlike "attacked"
        self.patterns: list[Pattern] = []
        self._by_first: dict[str, list[Pattern]] = {}
        for number, raw in enumerate(patterns_text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            pattern = self._parse_line(line, f"patterns.txt line {number}", len(self.patterns), codebook)
            self.patterns.append(pattern)
            for alternative in pattern.elements[0].alternatives:
                for word in alternative[0]:
                    self._by_first.setdefault(word, []).append(pattern)
        self.participles = self.inflector.participles()
        past_forms = {form for pattern in self.patterns for alternative in pattern.elements[0].alternatives
                      for form in alternative[0] if form.endswith("ed") or form in self.participles}
        self.present_forms -= past_forms
        self._check_frames(codebook)

    @classmethod
    def load(cls, codebook: Codebook | None = None) -> VerbLexicon:
        frames = yaml.safe_load(_lexicon_text("frames.yaml"))
        if not isinstance(frames, dict):
            raise ValueError("frames.yaml must be a mapping of cue lists and code maps")
        return cls(_lexicon_text("patterns.txt"), _lexicon_text("irregular.txt"), frames,
                   codebook or Codebook.load())

    def _parse_word(self, word: str, where: str) -> frozenset[str]:
        if not _WORD.fullmatch(word.removesuffix("+")):
            raise ValueError(f"{where}: bad word {word!r} (lower-case letters, digits, - and '; "
                             "a verb lemma ends with '+', an optional element with '?')")
        if word.endswith("+"):
            lemma = word[:-1]
            forms = self.inflector.verb_forms(lemma)
            self.present_forms.update({lemma, self.inflector.third_person(lemma)})
            return forms
        return frozenset({word})

    def _parse_element(self, token: str, where: str) -> Element:
        optional = token.endswith("?") and len(token) > 1
        if optional:
            token = token[:-1]
        if token in ("*", "**"):
            return Element("gap", gap=2 if token == "*" else 4)
        if token in ("@S", "@T"):
            return Element("slot", slot=token[1], optional=optional)
        alternatives = tuple(
            tuple(self._parse_word(word, where) for word in alternative.split("_"))
            for alternative in token.split("/")
        )
        return Element("lit", alternatives=alternatives, optional=optional)

    def _parse_line(self, line: str, where: str, order: int, codebook: Codebook) -> Pattern:
        body, _, options_text = line.partition("|")
        fields = body.split()
        if len(fields) < 3:
            raise ValueError(f"{where}: need 'CODE RULE_ID PATTERN [| OPTIONS]', got {line!r}")
        code, rule_id, words = fields[0], fields[1], fields[2:]
        if code not in codebook or len(code) < 3:
            raise ValueError(f"{where}: {code!r} is not a 3- or 4-digit CAMEO code of the codebook")
        elements = tuple(self._parse_element(word, where) for word in words)
        if elements[0].kind != "lit" or elements[0].optional:
            raise ValueError(f"{where}: a pattern must start with a required word, not {words[0]!r}")
        return Pattern(code=code, rule_id=rule_id, elements=elements, order=order,
                       verbal=any(w.endswith("+") for w in words[0].rstrip("?").replace("_", "/").split("/")),
                       **_parse_options(options_text, where))

    def _check_frames(self, codebook: Codebook) -> None:
        for key in ("intent_codes", "refusal_codes"):
            for prefix, code in self.frames.get(key, {}).items():
                if code != "keep" and code not in codebook:
                    raise ValueError(f"frames.yaml {key}: {prefix} maps to unknown code {code!r}")
        for outer, table in self.frames.get("complement_codes", {}).items():
            for prefix, code in table.items():
                if code not in codebook:
                    raise ValueError(f"frames.yaml complement_codes {outer}/{prefix}: unknown code {code!r}")

    def words(self, key: str) -> frozenset[str]:
        """A cue list of frames.yaml as a set of lower-case phrases."""
        values = self.frames.get(key, ())
        odd = [value for value in values if not isinstance(value, str)]
        if odd:
            # YAML reads a bare on/off/yes/no as a boolean: the list needs quotes there.
            raise ValueError(f"frames.yaml {key}: {odd} are not words; quote them (\"on\", \"no\")")
        return frozenset(word.lower() for word in values)

    def code_map(self, key: str) -> dict[str, str]:
        return {str(prefix): str(code) for prefix, code in self.frames.get(key, {}).items()}

    # ------------------------------------------------------------------ matching

    def matches(self, words: Sequence[str]) -> list[Match]:
        """Every pattern match over the unit words (longest per pattern and start position)."""
        found: list[Match] = []
        for start, word in enumerate(words):
            for pattern in self._by_first.get(word, ()):
                best = None
                for end, slots in _match(pattern.elements, 0, words, start, ()):
                    if best is None or end > best[0]:
                        best = (end, slots)
                if best is not None:
                    found.append(Match(pattern, start, best[0], best[1]))
        return found


def _match(elements: tuple[Element, ...], index: int, words: Sequence[str], position: int,
           slots: tuple) -> Iterator[tuple[int, tuple]]:
    if index == len(elements):
        yield position, slots
        return
    element = elements[index]
    if element.kind == "gap":
        for skip in range(element.gap + 1):
            yield from _match(elements, index + 1, words, position + skip, slots)
            if position + skip >= len(words) or words[position + skip] in _GAP_STOPS:
                return
        return
    if element.optional:
        yield from _match(elements, index + 1, words, position, slots)
    if element.kind == "slot":
        if position < len(words) and words[position] == ACTOR:
            yield from _match(elements, index + 1, words, position + 1, (*slots, (element.slot, position)))
        return
    for alternative in element.alternatives:
        end = position + len(alternative)
        if end <= len(words) and all(words[position + k] in forms for k, forms in enumerate(alternative)):
            yield from _match(elements, index + 1, words, end, slots)
