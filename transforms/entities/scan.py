"""Finding lexicon forms in text: one Aho-Corasick pass, word boundaries, case, longest match.

Pure module (no Beam). The automaton is built once from the lexicon's surface forms. Both the forms and
the text are reduced to a *skeleton* of the same length: lower case, every character that is not a letter
or digit replaced by a space. Each form is stored as " skeleton " (with a space on either side) and the
text is searched as " skeleton ", so a form can only match a whole run of words: "US" never matches
inside "status", "Iran" never inside "Iranian", and "Russia's" contains the match "Russia" (the
apostrophe is a boundary). Punctuation inside a form ("U.S.", "Guinea-Bissau") becomes a space on both
sides, so hyphens, apostrophes and periods in the text may differ from the lexicon's.

A candidate is then checked against the text as written: every upper-case letter of the form must be
upper case in the text ("US" matches "US", never "us"; "Nato" matches "Nato" and "NATO"; role nouns,
written in lower case, match any case). Acronyms that are also words ("US", "WHO", "IS") are skipped in
all-capitals passages. Finally overlapping candidates are resolved: the longest wins, then the earliest.
"""

from __future__ import annotations

import dataclasses
import re

import ahocorasick

from transforms.entities.lexicon import Term

_NOT_WORD = re.compile(r"[\W_]")
_SHOUT_RADIUS = 30  # characters around a word-like acronym that decide whether the passage is all capitals


@dataclasses.dataclass(frozen=True)
class Hit:
    """A lexicon form found in the text: ``text[start:end]``, with the meanings it accepts (best first)."""

    start: int
    end: int
    terms: tuple[Term, ...]

    @property
    def term(self) -> Term:
        return self.terms[0]

    @property
    def kind(self) -> str:
        return self.terms[0].kind


def lower_same_length(text: str) -> str:
    """``text.lower()``, except characters whose lower case is longer (e.g. "İ") stay as they are, so
    offsets into the result are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def skeleton(text: str) -> str:
    """Lower case, with every non-letter, non-digit character replaced by a space; same length as ``text``."""
    return _NOT_WORD.sub(" ", lower_same_length(text))


@dataclasses.dataclass(frozen=True)
class _Form:
    surface: str
    upper_positions: tuple[int, ...]
    terms: tuple[Term, ...]


class Scanner:
    """Finds the lexicon's forms in a text (build once, use for many texts)."""

    def __init__(self, forms: dict[str, tuple[Term, ...]]):
        by_key: dict[str, list[_Form]] = {}
        for surface, terms in forms.items():
            shape = skeleton(surface)
            if not shape.strip():
                continue
            uppers = tuple(i for i, ch in enumerate(surface) if ch.isupper())
            by_key.setdefault(f" {shape} ", []).append(_Form(surface, uppers, terms))
        self._automaton = ahocorasick.Automaton()
        for key, entries in by_key.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        self._automaton.make_automaton()
        self.size = len(by_key)

    def candidates(self, text: str) -> list[Hit]:
        """Every form found at word boundaries whose case fits, overlapping ones included."""
        padded = f" {skeleton(text)} "
        hits: list[Hit] = []
        for last, (key_length, entries) in self._automaton.iter(padded):
            # The key spans padded[last - key_length + 1 : last + 1]; without its two boundary spaces and
            # the leading pad, that is text[last - key_length + 1 : last - 1].
            start = last - key_length + 1
            end = last - 1
            written = text[start:end]
            accepted: list[Term] = []
            for form in entries:
                if all(written[i].isupper() for i in form.upper_positions):
                    accepted.extend(t for t in form.terms if t not in accepted)
            if accepted and accepted[0].word_like and _shouted(text, start, end):
                accepted = [t for t in accepted if not t.word_like]
            if accepted:
                accepted.sort(key=lambda t: t.priority)
                hits.append(Hit(start, end, tuple(accepted)))
        return hits

    def scan(self, text: str) -> list[Hit]:
        """Non-overlapping hits in text order: of overlapping candidates the longest wins, then the
        earliest."""
        taken = bytearray(len(text) + 1)
        chosen: list[Hit] = []
        for hit in sorted(self.candidates(text), key=lambda h: (h.start - h.end, h.start)):
            if taken.find(1, hit.start, hit.end) != -1:
                continue
            taken[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
            chosen.append(hit)
        chosen.sort(key=lambda h: h.start)
        return chosen


def _shouted(text: str, start: int, end: int) -> bool:
    """Whether the passage around text[start:end] is written in capitals (so case tells nothing)."""
    window = text[max(0, start - _SHOUT_RADIUS):start] + text[end:end + _SHOUT_RADIUS]
    letters = [ch for ch in window if ch.isalpha()]
    return len(letters) >= 3 and not any(ch.islower() for ch in letters)
