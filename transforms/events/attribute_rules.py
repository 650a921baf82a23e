"""The model's attribute-ruler rules (POS, morphology, some lemmas), applied through an index.

spaCy's ``attribute_ruler`` runs its ~180 token patterns through a ``Matcher`` that tries every pattern
on every token: a fifth of the parse's CPU in ``en_core_web_sm``. Almost all of its patterns are one
token long and read only the token's tag, lowercase form, dependency label and whether it is a space,
so their outcome for a token is a function of those four values: ``IndexedAttributeRuler`` works the
outcome out once per distinct combination, and tries the few longer patterns only where one of their
words occurs. It reads the rules from the model's own ruler and writes with spaCy's own setter, so the
attributes are those the ``Matcher`` would have set (tests/test_attribute_rules.py compares the two).

``index_attribute_ruler(nlp)`` puts it in the place (and under the name) of the model's ruler; a
pattern it cannot read (an operator, a regular expression in a one-token pattern, an attribute other
than those four) leaves spaCy's ruler in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs
from spacy.vocab import Vocab

FACTORY = "communique_indexed_attribute_ruler"
RULER = "attribute_ruler"

_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
_OTHER = -1  # a value no one-token pattern names: all such values behave alike


class UnreadablePattern(ValueError):
    """A pattern outside what the index understands."""


class _Test:
    """One attribute's condition in a token pattern, on the integer values ``Doc.to_array`` gives."""

    def __init__(self, vocab, name: str, value: Any):
        if name not in _COLUMNS:
            raise UnreadablePattern(f"attribute {name}")
        self.column = _COLUMNS[name]
        self.regex: re.Pattern | None = None
        self.negated = False
        self.values: frozenset[int] = frozenset()
        self._vocab = vocab
        if isinstance(value, dict):
            if set(value) == {"IN"}:
                self.values = self._ids(name, value["IN"])
            elif set(value) == {"NOT_IN"}:
                self.values, self.negated = self._ids(name, value["NOT_IN"]), True
            elif set(value) == {"REGEX"} and name == "LOWER":
                self.regex = re.compile(value["REGEX"])
            else:
                raise UnreadablePattern(f"{name} condition {value}")
        else:
            self.values = self._ids(name, [value])

    def _ids(self, name: str, values: Iterable[Any]) -> frozenset[int]:
        if name == "IS_SPACE":
            return frozenset(int(bool(value)) for value in values)
        strings = self._vocab.strings
        return frozenset(strings[value] if isinstance(value, str) else int(value) for value in values)

    def holds(self, value: int) -> bool:
        if self.regex is not None:  # _OTHER stands for the words no pattern's expression matches
            return value != _OTHER and bool(self.regex.search(self._vocab.strings[value]))
        return (value in self.values) != self.negated


class _Rule:
    def __init__(self, vocab, position: int, patterns: Sequence[Sequence[dict]], attrs: dict, index: int):
        self.position = position  # later rules win, as in AttributeRuler.match's sort
        self.attrs = attrs
        self.index = index
        self.patterns = [[[_Test(vocab, name, value) for name, value in spec.items()] for spec in pattern]
                         for pattern in patterns]
        for pattern in patterns:
            for spec in pattern:
                if not spec:
                    raise UnreadablePattern("an empty token pattern")


def _matches(tests: list[_Test], row: Sequence[int]) -> bool:
    return all(test.holds(row[test.column]) for test in tests)


class IndexedAttributeRuler:
    """Pipeline component: sets what an ``AttributeRuler`` with ``patterns`` (the format of its
    ``patterns`` property) sets, token by token."""

    def __init__(self, vocab: Vocab, name: str, patterns: Sequence[dict]):
        self.name = name
        self.vocab = vocab
        single: list[tuple[_Rule, list[_Test]]] = []
        longer: list[tuple[_Rule, list[list[_Test]]]] = []
        for position, pattern in enumerate(patterns):
            attrs = normalize_token_attrs(vocab, pattern["attrs"])
            rule = _Rule(vocab, position, pattern["patterns"], attrs, pattern.get("index", 0))
            for tokens in rule.patterns:
                if len(tokens) == 1:
                    if rule.index not in (0, -1):
                        raise UnreadablePattern(f"index {rule.index} in a one-token pattern")
                    single.append((rule, tokens[0]))
                else:
                    longer.append((rule, tokens))
        self._single = single
        # The values one-token patterns name, per column: any other value is ``_OTHER``.
        self._named: list[set[int]] = [set(), set(), set(), {0, 1}]
        self._word_regexes: list[re.Pattern] = []
        for _, tests in single:
            for test in tests:
                self._named[test.column].update(test.values)
                if test.regex is not None:
                    self._word_regexes.append(test.regex)
        self._words: dict[int, int] = {}  # lowercase form -> itself if a pattern names it, else _OTHER
        # Longer patterns are tried only where a word one of their tokens needs occurs.
        self._anchored: dict[int, list[tuple[_Rule, list[list[_Test]], int]]] = {}
        self._everywhere: list[tuple[_Rule, list[list[_Test]]]] = []
        for rule, tokens in longer:
            anchor = next((offset for offset, tests in enumerate(tokens) for test in tests
                           if test.column == _COLUMNS["LOWER"] and test.regex is None and not test.negated),
                          None)
            if anchor is None:
                self._everywhere.append((rule, tokens))
                continue
            words = next(test.values for test in tokens[anchor]
                         if test.column == _COLUMNS["LOWER"] and test.regex is None and not test.negated)
            for word in words:
                self._anchored.setdefault(word, []).append((rule, tokens, anchor))
        self._outcomes: dict[tuple[int, ...], list[tuple[int, dict]]] = {}

    def _outcome(self, row: Sequence[int]) -> list[tuple[int, dict]]:
        """(rule position, attrs) of the one-token rules a token of these values matches, in order."""
        tag, lower, dep, space = row
        word = self._words.get(lower)
        if word is None:
            named = lower in self._named[1] or any(
                regex.search(self.vocab.strings[lower]) for regex in self._word_regexes)
            word = self._words[lower] = lower if named else _OTHER
        tags, deps = self._named[0], self._named[2]
        key = (tag if tag in tags else _OTHER, word, dep if dep in deps else _OTHER, space)
        found = self._outcomes.get(key)
        if found is None:
            found = [(rule.position, rule.attrs) for rule, tests in self._single if _matches(tests, key)]
            self._outcomes[key] = found
        return found

    def _longer_matches(self, rows: list[list[int]]) -> list[tuple[int, int, dict]]:
        """(token, rule position, attrs) of the longer patterns that match."""
        found = []
        length = len(rows)
        candidates: list[tuple[_Rule, list[list[_Test]], int]] = []
        for i, row in enumerate(rows):
            for rule, tokens, anchor in self._anchored.get(row[1], ()):
                candidates.append((rule, tokens, i - anchor))
        for rule, tokens in self._everywhere:
            candidates.extend((rule, tokens, start) for start in range(length))
        for rule, tokens, start in candidates:
            end = start + len(tokens)
            if start < 0 or end > length:
                continue
            if all(_matches(tests, rows[start + offset]) for offset, tests in enumerate(tokens)):
                target = (start if rule.index >= 0 else end) + rule.index
                if start <= target < end:
                    found.append((target, rule.position, rule.attrs))
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array(_ARRAY_ATTRS).tolist()
        extra: dict[int, list[tuple[int, dict]]] = {}
        if self._anchored or self._everywhere:
            for target, position, attrs in self._longer_matches(rows):
                extra.setdefault(target, []).append((position, attrs))
        for i, row in enumerate(rows):
            applied = self._outcome(row)
            if i in extra:
                applied = sorted([*applied, *extra[i]], key=lambda item: item[0])
            if not applied:
                continue
            merged: dict = {}
            for _, attrs in applied:
                merged.update(attrs)
            set_token_attrs(doc[i], merged)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(FACTORY, default_config={"patterns": []})
def make_indexed_attribute_ruler(nlp: Language, name: str, patterns: list[dict]) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, patterns)


def index_attribute_ruler(nlp: Language) -> bool:
    """Replaces ``nlp``'s attribute ruler by the index of its rules, under the same name; False (and
    ``nlp`` unchanged) when one of its patterns is beyond the index."""
    patterns = nlp.get_pipe(RULER).patterns
    try:
        IndexedAttributeRuler(nlp.vocab, RULER, patterns)
    except UnreadablePattern:
        return False
    nlp.replace_pipe(RULER, FACTORY, config={"patterns": patterns})
    return True
