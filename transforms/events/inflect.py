"""English verb forms from the lemma, for the frame lexicon's trigger words (a sentence holding none of
them is not parsed). Irregular forms come from ``transforms/lexicons/verbs/irregular.txt``."""

from __future__ import annotations

import functools
import importlib.resources
import re


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
                raise ValueError(
                    f"irregular.txt line {number}: need 'lemma past participle [ing]', got {raw!r}"
                )
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


@functools.lru_cache(maxsize=1)
def load_inflector() -> Inflector:
    text = (importlib.resources.files("transforms") / "lexicons" / "verbs" / "irregular.txt").read_text(
        encoding="utf-8"
    )
    return Inflector(text)
