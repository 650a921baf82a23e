"""The record that flows through the pipeline, one per article.

Sources produce raw items (plain dicts, see ``RAW_ITEM_KEYS``); the normalize stage turns each into a
``Document`` whose ``article`` is a row of the ``articles`` table. Every later stage fills one more list
of rows (sentences, dates, entities, events) and passes the document on; the sinks explode the lists into
their tables. Keeping one record per article means no joins and the data flows one way.
"""

from __future__ import annotations

import dataclasses
from typing import Any

# Keys a source may set on a raw item. ``text`` is already plain text (HTML removed); everything but
# ``source_uri`` and ``text`` may be missing or None.
RAW_ITEM_KEYS = (
    "source_kind",  # 'seed' or 'feed'
    "source_uri",  # seed path relative to the seeds dir, or the entry link
    "feed_uri",  # the feed the entry came from (None for seed files)
    "title",
    "text",
    "published_at",  # datetime in the source's own offset (naive: no zone given) when the source parsed it;
    # the fetch time when date_source is 'fetched'
    "published_raw",  # the date string as found, when not yet parsed
    "date_source",  # which field gave the date: 'seed_header', 'published', 'updated', ...
    "language",
    "guid",
    "text_source",  # 'body', 'content', 'summary', 'page'
    "article_key",  # what article_id hashes: canonical link, or guid + feed; None -> content hash
)

TableRow = dict[str, Any]  # one row of an output table, keyed by column
# The former name, which transforms/events/coder.py still imports (it is being rewritten elsewhere).
Row = TableRow


@dataclasses.dataclass
class Sentence:
    """One sentence of ``articles.text``: ``text == article_text[start:end]``."""

    index: int
    start: int
    end: int
    text: str


@dataclasses.dataclass
class Document:
    """One article and everything the stages found in it."""

    article: TableRow
    sentences: list[Sentence] = dataclasses.field(default_factory=list)
    dates: list[TableRow] = dataclasses.field(default_factory=list)
    entities: list[TableRow] = dataclasses.field(default_factory=list)
    events: list[TableRow] = dataclasses.field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.article["article_id"]

    @property
    def text(self) -> str:
        return self.article["text"]

    def sentence_rows(self, rows: list[TableRow], sentence_index: int) -> list[TableRow]:
        """The rows of ``rows`` (entities, dates) that lie in sentence ``sentence_index``."""
        return [row for row in rows if row["sentence_index"] == sentence_index]
