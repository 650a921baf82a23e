"""Actors: countries, capitals, demonyms, officials, organizations, armed groups and media in an article,
as rows of the ``entities`` table with CAMEO-style actor codes.

Pure module (no Beam). ``ActorMatcher.load()`` reads the lexicon (``transforms/lexicons/actors``) and
compiles it once; ``match(text, sentences, published_date)`` is then one automaton pass over the text
plus a little work per hit:

1. ``scan``: every lexicon form at word boundaries with fitting case; longest match wins;
   ``unlisted`` adds state bodies and companies the lists lack, recognised by their shape.
2. ``compose``: per sentence, role phrases ("Chinese Foreign Minister Wang Yi" -> CHNGOV,
   "Pakistani troops" -> PAKMIL), titled names, capitals as places ("in Tehran") or as metonyms
   ("Beijing and Moscow have pushed"), everything else one mention per hit.
3. ``coref``: bare surnames and "he"/"she" refer back to the last person named.

Officials and organizations are coded by the article's publication date (an ex-minister is an elite, ELI,
not the government); without a date, by their latest listed office.
"""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from transforms.common.document import Sentence
from transforms.entities.compose import Composer, Mention
from transforms.entities.coref import Coreference
from transforms.entities.gazetteer import Gazetteer
from transforms.entities.lexicon import ADJECTIVE, COUNTRY, DEMONYM, ORG, PERSON, PLACE, ActorLexicon
from transforms.entities.scan import Hit, Scanner
from transforms.entities.unlisted import UnlistedNames

Row = dict[str, Any]
# A wire dateline: upper-case place words (", Country" may follow) and a dash before the first sentence.
_DATELINE = re.compile(r"\s*([A-Z][A-Z .'’-]+[A-Z](?:,\s+[A-Z][\w .'’-]+?)?)\s+[—–-]{1,2}\s")


class ActorMatcher:
    """Finds actor mentions in articles; build once (``load``), then call ``match`` per article."""

    def __init__(self, lexicon: ActorLexicon):
        self.lexicon = lexicon
        self._scanner = Scanner(lexicon.forms)
        self._composer = Composer(lexicon.rules, lexicon.countries, lexicon.organization_tokens)
        self._coreference = Coreference(lexicon.rules)
        self._unlisted = UnlistedNames(lexicon.rules, lexicon.countries)

    @classmethod
    def load(cls) -> ActorMatcher:
        return cls(ActorLexicon.load())

    def mentions(self, text: str, sentences: Sequence[Sentence], published: dt.date | None) -> list[Mention]:
        """The mentions of an article, in text order (what ``match`` turns into rows)."""
        hits = self._scanner.scan(text)
        home = self.home_country(text, hits)
        hits = self._unlisted.add(text, hits, home)
        by_sentence = _group_by_sentence(hits, sentences)
        self._composer.start_article()
        mentions: list[Mention] = []
        for sentence, sentence_hits in zip(sentences, by_sentence, strict=True):
            if sentence_hits:
                mentions += self._composer.compose(text, sentence.start, sentence.end, sentence.index,
                                                   sentence_hits, published, home)
        return self._coreference.resolve(text, sentences, mentions, published)

    def home_country(self, text: str, hits: Sequence[Hit]) -> str | None:
        """The article's own country: the dateline's ("NAIROBI — ...", "GOMA, Congo — ..."), else the
        country its names, adjectives, demonyms, national bodies and officials point at most often (the
        first of a tie); None when the article names no country. A dateline country the body never names
        while it names others ("DAKAR — " over a story about Mali) is only where the reporter sat: then
        the article has no home country (a guess would code its titles and bodies wrongly)."""
        dateline = _DATELINE.match(text)
        pointers = [(h, code) for h in hits if (code := self._points_at(h)) is not None]
        if dateline is not None:
            inside = [h for h in hits if h.end <= dateline.end(1) and h.term.code
                      and h.kind in (COUNTRY, PLACE) and h.term.code in self.lexicon.countries]
            country = inside[-1].term.code if inside else None
            if country is None:
                place = self._gazetteer().lookup(dateline.group(1).split(",")[0].strip())
                if place is not None and place.country in self.lexicon.countries:
                    country = place.country
            if country is not None:
                body = [code for h, code in pointers if h.start >= dateline.end()]
                if body and country not in body:
                    return None
                return country
        counts = collections.Counter(code for _, code in pointers)
        if not counts:
            return None
        best = max(counts.values())
        return next(code for _, code in pointers if counts[code] == best)

    def _points_at(self, hit: Hit) -> str | None:
        """The country a hit names for the home count: a country name, adjective or demonym, a national
        body ("Downing Street") or a named official's country (not an organization's own token)."""
        term = hit.term
        if hit.kind in (COUNTRY, ADJECTIVE, DEMONYM):
            return term.code or None
        if hit.kind == ORG and term.organization is not None:
            code = term.organization.at(None).country_code
        elif hit.kind == PERSON and term.persons and not term.surname_only:
            code = term.persons[0].at(None).country_code
        else:
            return None
        return code if code in self.lexicon.countries else None

    @staticmethod
    def _gazetteer() -> Gazetteer:
        return Gazetteer.load()

    def match(self, text: str, sentences: Sequence[Sentence], published_date: dt.date | None,
              article_id: str | None = None) -> list[Row]:
        """Rows of the ``entities`` table (schemas/entities.py) for one article. ``sentences`` index into
        ``text`` (the sentences stage output); a mention outside every sentence is not reported."""
        rows = []
        for mention in self.mentions(text, sentences, published_date):
            rows.append({
                "article_id": article_id,
                "sentence_index": mention.sentence_index,
                "char_start": mention.start,
                "char_end": mention.end,
                "text": text[mention.start:mention.end],
                "entity_type": mention.entity_type,
                "name": mention.name,
                "actor_code": mention.actor_code,
                "country_code": mention.country_code,
                "role": mention.role,
                "mention": mention.mention,
                "locative": mention.locative,
                "antecedent_start": mention.antecedent.start if mention.antecedent is not None else None,
                "published_date": published_date,
            })
        return rows


def _group_by_sentence(hits: Sequence[Hit], sentences: Sequence[Sentence]) -> list[list[Hit]]:
    """The hits lying wholly inside each sentence, in order (a hit straddling a boundary is dropped)."""
    groups: list[list[Hit]] = [[] for _ in sentences]
    starts = [s.start for s in sentences]
    for hit in hits:
        position = bisect.bisect_right(starts, hit.start) - 1
        if position >= 0 and hit.end <= sentences[position].end:
            groups[position].append(hit)
    return groups
