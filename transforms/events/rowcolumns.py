"""The descriptive columns of an events row (schemas/events.py) that follow from its actors, its article and
its place: nothing here decides which events are coded or how, it only describes a coded one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from transforms.entities.gazetteer import Place
from transforms.events.actorcodes import split_actor_code
from transforms.events.derived import base_code, is_root_event, outlet
from transforms.events.roles import ActorRef

# The gazetteer's place features, as the events row's geo_type names them (a capital is a city).
GEO_TYPES = {"country": "country", "region": "region", "capital": "city", "city": "city"}


Mentions = Mapping[tuple[int, str], tuple[int, ...]]


def entity_mentions(entity_rows: Iterable[Mapping[str, Any]]) -> Mentions:
    """(char_start, text) of every entities row of the article, to the sentence indexes holding such a row
    (the title's offsets, sentence -1, and the body's can coincide: 'Group of 20' at 19 in both)."""
    sentences: dict[tuple[int, str], set[int]] = {}
    for row in entity_rows:
        sentences.setdefault((row["char_start"], row["text"]), set()).add(row["sentence_index"])
    return {mention: tuple(sorted(indexes)) for mention, indexes in sentences.items()}


def actor_columns(side: str, actor: ActorRef | None, mentions: Mentions, in_headline: bool) -> dict[str, Any]:
    """``<side>_text``, ``<side>_actor_country``/``_role``/``_group`` and ``<side>_entity_start`` /
    ``_entity_sentence`` of the source or target. The entity link is set only when an entities row of the
    article is the mention the actor was read from (same offset, same text): an actor inferred from a
    place, a noun or the context ('the hospital', 'Afghanistan's neighbours') has none. When the title
    and a body sentence both hold such a row, an event coded from the headline links the title's."""
    if actor is None:
        return {f"{side}_text": None, f"{side}_actor_country": None, f"{side}_actor_role": None,
                f"{side}_actor_group": None, f"{side}_entity_start": None, f"{side}_entity_sentence": None}
    parts = split_actor_code(actor.code, actor.country) if actor.code else None
    sentences = mentions.get((actor.char_start, actor.text), ())
    body = [index for index in sentences if index >= 0]
    sentence = sentences[0] if sentences and (in_headline or not body) else (body[0] if body else None)
    return {
        f"{side}_text": actor.text or None,
        f"{side}_actor_country": (parts.country or None) if parts else None,
        f"{side}_actor_role": (parts.role or None) if parts else None,
        f"{side}_actor_group": (parts.group or None) if parts else None,
        f"{side}_entity_start": actor.char_start if sentences else None,
        f"{side}_entity_sentence": sentence,
    }


def code_columns(cameo_code: str, sentence_index: int) -> dict[str, Any]:
    """The base code and the root-event flag, defined once for the rows and the exports."""
    return {"base_code": base_code(cameo_code), "is_root_event": is_root_event(sentence_index)}


def article_columns(article: Mapping[str, Any]) -> dict[str, Any]:
    """Where the article came from: its link (articles.source_uri) and the outlet (the link's host)."""
    source_uri = article.get("source_uri")
    return {"source_url": source_uri, "outlet": outlet(source_uri)}


def place_columns(place: Place | None, at_country_centroid: bool) -> dict[str, Any]:
    """How precise the event's coordinates are (geo_type: 'city', 'region' or 'country'; 'country' also
    for a place the gazetteer gave its country's centroid for want of its own coordinates), the place's
    GeoNames id and first-level division; all None when the gazetteer does not know the place."""
    if place is None:
        return {"geo_type": None, "geonames_id": None, "adm1_code": None}
    kind = GEO_TYPES["country"] if at_country_centroid else GEO_TYPES.get(place.feature)
    return {"geo_type": kind, "geonames_id": place.geonames_id, "adm1_code": place.adm1_code}
