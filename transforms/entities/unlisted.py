"""Names the lexicon does not list, recognised by their shape: state bodies and companies.

Pure module (no Beam). Runs on the scanner's hits of a whole article, before the sentences are composed,
and returns them with hits added for:

1. Named state bodies: one to four capitalized words before a head of rules.yaml ``institution_heads``
   ("Unification Ministry", "Independent Policing Oversight Authority", "Southern District Military
   Court"). The hit is a role noun of kind ``institution``, so the composer codes it like "senate": by the
   country before it ("South Korea's Unification Ministry"), after it ("... Court of the Russian
   Federation") or the article's own. A country word leading the name stays outside it as its anchor
   ("Kenyan Defence Ministry"), unless a possessive owner stands before the name ("China's Taiwan Affairs
   Office"). A name overlapping a listed organization or person is left to the lexicon.
2. Companies: a country (adjective, "Country's" or "<Place>-based"), up to two lower-case words and a
   company noun before a capitalized name ("Taiwanese chipmaker A B", "Chinese smartphone maker A B",
   "Seoul-based A B"), or a capitalized name ending in a company suffix ("A Electronics"), coded
   country + BUS by the country before or inside the name, else by the article's own country. Later
   mentions of the full name or of its short form (without the suffix, else the first word: "A's chief
   executive") are the same company.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transforms.entities.lexicon import (
    ADJECTIVE,
    COUNTRY,
    ORG,
    PLACE,
    ROLE,
    Organization,
    Rules,
    Tenure,
    Term,
)
from transforms.entities.scan import Hit

_WORD = r"[A-Z][\w-]*"
_POSSESSIVE_BEFORE = re.compile(r"['’]s\s+$")
_NAME_WORD = re.compile(r"\s+([A-Z][\w-]*[\w])")
_OWNER_GAP = re.compile(r"(?:['’]s)?\s+")
_ANCHORS = (COUNTRY, ADJECTIVE)
BUSINESS = "BUS"


class UnlistedNames:
    """Adds hits for unlisted state bodies and companies (build once per lexicon)."""

    def __init__(self, rules: Rules, countries: dict[str, str]):
        self._rules = rules
        self._countries = countries
        heads = sorted(rules.institution_heads, key=len, reverse=True)
        self._institution = re.compile(
            r"(?<![\w'’-])((?:" + _WORD + r"\s+){1,4})(" + "|".join(map(re.escape, heads)) + r")(?![\w'’-])"
        ) if heads else None
        suffixes = sorted(rules.company_suffixes, key=len, reverse=True)
        self._suffixed = re.compile(
            r"(?<![\w'’-])((?:" + _WORD + r"\s+){1,3})(" + "|".join(map(re.escape, suffixes))
            + r")(?![\w'’-])") if suffixes else None
        nouns = sorted(rules.company_nouns, key=len, reverse=True)
        self._described = re.compile(
            r"(?:['’]s)?\s+((?:[a-z][\w-]*\s+){0,2}?)(?:" + "|".join(map(re.escape, nouns)) + r")(?=\s+[A-Z])"
        ) if nouns else None
        based = sorted(rules.based_suffixes, key=len, reverse=True)
        self._based = re.compile(
            r"-(?:" + "|".join(map(re.escape, based)) + r")(?:\s+(?:[a-z][\w-]*\s+){0,2}?(?:"
            + "|".join(map(re.escape, nouns or ["company"])) + r"))?(?=\s+[A-Z])"
        ) if based else None

    def add(self, text: str, hits: Sequence[Hit], home: str | None) -> list[Hit]:
        result = self._institutions(text, list(hits))
        return self._companies(text, result, home)

    # ------------------------------------------------------------------------------------------ bodies

    def _institutions(self, text: str, hits: list[Hit]) -> list[Hit]:
        if self._institution is None:
            return hits
        for found in self._institution.finditer(text):
            start, end = found.start(1), found.end(2)
            words = found.group(1).split()
            while words and words[0] in self._rules.not_name_words:
                start = text.index(words[0], start) + len(words[0])
                start += len(text[start:]) - len(text[start:].lstrip())
                words = words[1:]
            if not words:
                continue
            inside = [h for h in hits if h.start < end and h.end > start]
            if any(h.kind not in (ROLE, *_ANCHORS, PLACE) for h in inside):
                continue  # a listed organization, person or blocked phrase
            owned = _POSSESSIVE_BEFORE.search(text, max(0, start - 3), start) is not None
            leading = [h for h in inside if h.kind in (*_ANCHORS, PLACE)]
            if leading and not owned:
                if any(h.start != start and not text[start:h.start].isspace() for h in leading[:1]):
                    continue  # a country word in the middle of the name: leave it
                start = leading[-1].end
                start += len(text[start:end]) - len(text[start:end].lstrip())
                if any(h.kind in (*_ANCHORS, PLACE) and h.start >= start for h in inside):
                    continue
            if start >= found.start(2):
                continue  # nothing but a country before the head
            covered = [h for h in inside if h.end > start]
            if any(h.start < start or h.end > end for h in covered) or (
                    len(covered) == 1 and (covered[0].start, covered[0].end) == (start, end)):
                continue  # already a role noun ("Defence Ministry", "Foreign Ministry spokeswoman")
            written = text[start:end]
            role = self._rules.institution_heads[found.group(2)]
            if role == "GOV":
                role = next((self._rules.institution_modifiers[w] for w in written.split()
                             if w in self._rules.institution_modifiers), role)
            term = Term(ROLE, written.lower(), code=role, role_kind="institution")
            hits = [h for h in hits if not (h.start < end and h.end > start)]
            hits.append(Hit(start, end, (term,)))
            hits.sort(key=lambda h: h.start)
        return hits

    # ------------------------------------------------------------------------------------------ companies

    def _companies(self, text: str, hits: list[Hit], home: str | None) -> list[Hit]:
        found: list[tuple[int, int, int, str]] = []  # (hit start, name start, name end, country)
        for hit in hits:
            country = self._country_of(hit)
            if country is None:
                continue
            for pattern in (self._described, self._based):
                match = pattern.match(text, hit.end) if pattern is not None else None
                if match is None or (pattern is self._based and hit.kind == ADJECTIVE):
                    continue
                name = self._name_after(text, match.end(), hits)
                if name is not None:
                    found.append((hit.start, name[0], name[1], country))
                    break
        if self._suffixed is not None:
            for match in self._suffixed.finditer(text):
                start, end = match.start(1), match.end(2)
                if any(start < e and end > s for s, _, e, _ in found) or any(
                        w in self._rules.not_name_words for w in match.group(1).split()):
                    continue
                inside = [h for h in hits if h.start < end and h.end > start]
                if any(h.kind not in (*_ANCHORS, ROLE) for h in inside):
                    continue
                country = next((self._country_of(h) for h in inside if h.kind in _ANCHORS), None)
                before = self._owner_before(text, start, hits)
                if country is None and before is not None:
                    country, start = before
                country = country or home
                if country is not None:
                    found.append((start, match.start(1), end, country))
        if not found:
            return hits
        added: list[Hit] = []
        for start, name_start, end, country in found:
            name = text[name_start:end]
            organization = Organization(name, "ORG", (Tenure(country + BUSINESS, country, BUSINESS),))
            term = Term(ORG, name, organization=organization)
            added.append(Hit(start, end, (term,)))
            words = name.split()
            # "A Electronics" -> "A", "A B Motors" -> "A B"; a described name "A B C" -> "A".
            short = " ".join(words[:-1]) if words[-1] in self._rules.company_suffixes else words[0]
            for form in dict.fromkeys((name, short)):
                if len(form) < 3:
                    continue
                for later in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", text):
                    added.append(Hit(later.start(), later.end(), (term,)))
        return _merge(hits, added)

    def _country_of(self, hit: Hit) -> str | None:
        term = hit.term
        if hit.kind in _ANCHORS or (hit.kind == PLACE and term.code):
            return term.code if term.code in self._countries else None
        return None

    def _owner_before(self, text: str, start: int, hits: Sequence[Hit]) -> tuple[str, int] | None:
        """ "South Korea's A Electronics", "Japanese A Semiconductor": a country right before the name."""
        for hit in hits:
            if (hit.end <= start and hit.kind in _ANCHORS
                    and _OWNER_GAP.fullmatch(text, hit.end, start) is not None):
                country = self._country_of(hit)
                if country is not None:
                    return country, hit.start
        return None

    def _name_after(self, text: str, position: int, hits: Sequence[Hit]) -> tuple[int, int] | None:
        """One to four capitalized words from ``position``, stopping at a listed name or a non-name word."""
        start = end = None
        for _ in range(4):
            word = _NAME_WORD.match(text, position)
            if word is None or word.group(1) in self._rules.not_name_words:
                break
            if any(h.start < word.end(1) and h.end > word.start(1) for h in hits):
                break
            start = word.start(1) if start is None else start
            end = word.end(1)
            position = end
            if not text.startswith(" ", end):
                break
        return (start, end) if start is not None and end is not None else None


def _merge(hits: list[Hit], added: list[Hit]) -> list[Hit]:
    """``hits`` with ``added`` laid over them: an added hit replaces the hits it overlaps, the longest
    added hit first; an added hit overlapping a kept one that is longer is dropped."""
    result = list(hits)
    for hit in sorted(added, key=lambda h: (h.start - h.end, h.start)):
        overlapping = [h for h in result if h.start < hit.end and h.end > hit.start]
        if any(h.end - h.start > hit.end - hit.start or h.kind == ORG for h in overlapping):
            continue
        result = [h for h in result if h not in overlapping] + [hit]
    result.sort(key=lambda h: h.start)
    return result
