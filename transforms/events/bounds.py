"""Bounds on the events one sentence and one article may yield, whatever the input.

A sentence listing many parties that "pledged to work together" is coded as one event per ordered pair
of them, so a list of n parties gives n(n-1) events and a feed entry of such sentences hundreds of
thousands. Past the bounds the rest is dropped, deterministically: the coder's rows come ordered by
sentence, trigger position and event id, and the first ones in that order are kept. What was dropped
is counted (``events_dropped_by_bounds``), written on the article (``articles.events_dropped``) and
reported as an ``events_capped`` reject, so nothing is lost silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from transforms.common.document import Document, TableRow
from transforms.common.rejects import make_reject

# The parties one side of one act may hold: a list of 200 countries that "pledged to work together" is
# coded for its first 8 (56 ordered pairs), so a sentence's events are bounded before they are built.
MAX_PARTIES_PER_SIDE = 8
# All the pairs among 8 parties (56) fit; the densest sentence of the sample seed, seven neighbours of
# Afghanistan "all sent representatives", gives 42.
MAX_EVENTS_PER_SENTENCE = 60
# Seven times the 67 events of the densest sample article (a 2,500-character wire story).
MAX_EVENTS_PER_ARTICLE = 500


@dataclasses.dataclass(frozen=True)
class BoundedEvents:
    kept: list[TableRow]
    dropped_in_sentences: int  # beyond MAX_EVENTS_PER_SENTENCE in some sentence
    dropped_in_article: int  # beyond MAX_EVENTS_PER_ARTICLE once the sentences were bounded

    @property
    def dropped(self) -> int:
        return self.dropped_in_sentences + self.dropped_in_article


def bounded_events(rows: Sequence[TableRow], per_sentence: int = MAX_EVENTS_PER_SENTENCE,
                   per_article: int = MAX_EVENTS_PER_ARTICLE) -> BoundedEvents:
    """The first ``per_sentence`` rows of each sentence, then the first ``per_article`` of those, in the
    order of ``rows``."""
    in_sentence: dict[int, int] = {}
    within_sentences: list[TableRow] = []
    for row in rows:
        seen = in_sentence.get(row["sentence_index"], 0)
        in_sentence[row["sentence_index"]] = seen + 1
        if seen < per_sentence:
            within_sentences.append(row)
    kept = within_sentences[:per_article]
    return BoundedEvents(kept, len(rows) - len(within_sentences), len(within_sentences) - len(kept))


def events_capped_rejects(document: Document) -> list[TableRow]:
    """An ``events_capped`` reject for a document whose events the bounds cut, else none."""
    dropped = document.article.get("events_dropped")
    if not dropped:
        return []
    kept = len(document.events)
    return [make_reject(
        source_uri=document.article.get("source_uri"), stage="events", reason="events_capped",
        detail=f"The coder found {kept + dropped:,} events in this article; {dropped:,} beyond the bounds "
        f"({MAX_EVENTS_PER_SENTENCE} per sentence, {MAX_EVENTS_PER_ARTICLE} per article) were dropped and "
        f"{kept:,} kept. Long lists of parties acting together give one event per pair of them.",
        raw_excerpt=document.text,
    )]
