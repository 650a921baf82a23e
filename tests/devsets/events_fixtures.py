"""Inputs for the events tests: the seed article and hand-built entity rows.

The entity rows stand in for the actor stage's output (what it is meant to find in the seed); the
expected events in the tests come from the coder, never from here.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re

from transforms.common.document import Sentence
from transforms.dates.resolve import TemporalTagger
from transforms.sentences.split import split_sentences
from transforms.sources.seeds import parse_seed

SEED = pathlib.Path(__file__).resolve().parent.parent.parent / "seeds" / "000_12a811ebe4c5a001.txt"
SEED_PUBLISHED = dt.date(2021, 10, 28)

# (surface text, actor_code, country_code, entity_type, canonical name) — every occurrence is a mention.
SEED_ACTORS = [
    ("Chinese Foreign Minister Wang Yi", "CHNGOV", "CHN", "PERSON", "Wang Yi"),
    ("Russian Foreign Minister Sergey Lavrov", "RUSGOV", "RUS", "PERSON", "Sergey Lavrov"),
    ("Wang", "CHNGOV", "CHN", "PERSON", "Wang Yi"),
    ("Lavrov", "RUSGOV", "RUS", "PERSON", "Sergey Lavrov"),
    ("Tass Russian News Agency", "RUSMED", "RUS", "MEDIA", "TASS"),
    ("Shanghai Cooperation Organization", "IGOSCO", "IGO", "IGO", "Shanghai Cooperation Organization"),
    ("Collective Treaty Security Organization", "IGOCSTO", "IGO", "IGO", "CSTO"),
    ("United Nations", "IGOUNO", "IGO", "IGO", "United Nations"),
    ("United States", "USA", "USA", "COUNTRY", "United States"),
    ("Islamic State", "IMGISI", None, "GROUP", "Islamic State"),
    ("ISIS", "IMGISI", None, "GROUP", "Islamic State"),
    ("Taliban", "AFGINS", "AFG", "GROUP", "Taliban"),
    ("NATO", "IGONAT", "IGO", "IGO", "NATO"),
    ("Afghanistan", "AFG", "AFG", "COUNTRY", "Afghanistan"),
    ("China", "CHN", "CHN", "COUNTRY", "China"),
    ("Russia", "RUS", "RUS", "COUNTRY", "Russia"),
    ("Iranian", "IRN", "IRN", "COUNTRY", "Iran"),
    ("Iran", "IRN", "IRN", "COUNTRY", "Iran"),
    ("Pakistan", "PAK", "PAK", "COUNTRY", "Pakistan"),
    ("Tajikistan", "TJK", "TJK", "COUNTRY", "Tajikistan"),
    ("Turkmenistan", "TKM", "TKM", "COUNTRY", "Turkmenistan"),
    ("Uzbekistan", "UZB", "UZB", "COUNTRY", "Uzbekistan"),
    ("Armenia", "ARM", "ARM", "COUNTRY", "Armenia"),
    ("Belarus", "BLR", "BLR", "COUNTRY", "Belarus"),
    ("Kazakhstan", "KAZ", "KAZ", "COUNTRY", "Kazakhstan"),
    ("Kyrgyzstan", "KGZ", "KGZ", "COUNTRY", "Kyrgyzstan"),
    ("US", "USA", "USA", "COUNTRY", "United States"),
    ("Tehran", "IRN", "IRN", "LOCATION", "Tehran"),
    ("Beijing", "CHN", "CHN", "LOCATION", "Beijing"),
    ("Moscow", "RUS", "RUS", "LOCATION", "Moscow"),
]


def entity_rows_for(text: str, sentences: list[Sentence], actors, article_id: str,
                    published: dt.date | None) -> list[dict]:
    """Entity rows for every occurrence of each surface (longest first, no overlaps)."""
    taken: list[tuple[int, int]] = []
    rows = []
    for surface, actor_code, country, entity_type, name in sorted(actors, key=lambda a: -len(a[0])):
        for match in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            index = next(s.index for s in sentences if s.start <= start < s.end)
            rows.append({"article_id": article_id, "sentence_index": index, "char_start": start,
                         "char_end": end, "text": surface, "entity_type": entity_type, "name": name,
                         "actor_code": actor_code, "country_code": country,
                         "role": (actor_code[3:] or None) if country and actor_code.startswith(country)
                         else None,
                         "published_date": published})
    return sorted(rows, key=lambda r: r["char_start"])


def date_rows_for(sentences: list[Sentence], article_id: str, published: dt.date) -> list[dict]:
    tagger = TemporalTagger.from_lexicon()
    rows = []
    for sentence in sentences:
        for mention in tagger.find(sentence.text, published):
            if mention.resolved_date is None:
                continue
            rows.append({"article_id": article_id, "sentence_index": sentence.index,
                         "char_start": sentence.start + mention.start,
                         "char_end": sentence.start + mention.end,
                         "text": mention.text, "resolved_date": mention.resolved_date,
                         "granularity": mention.granularity, "resolution": mention.resolution,
                         "published_date": published})
    return rows


def seed_article() -> tuple[dict, list[Sentence]]:
    parsed = parse_seed(SEED.read_bytes())
    text = parsed["text"]
    article = {"article_id": "seed000", "text": text, "title": parsed["title"],
               "published_date": SEED_PUBLISHED}
    return article, split_sentences(text)


def seed_inputs() -> tuple[dict, list[Sentence], list[dict], list[dict]]:
    article, sentences = seed_article()
    entities = entity_rows_for(article["text"], sentences, SEED_ACTORS, article["article_id"], SEED_PUBLISHED)
    dates = date_rows_for(sentences, article["article_id"], SEED_PUBLISHED)
    return article, sentences, entities, dates
