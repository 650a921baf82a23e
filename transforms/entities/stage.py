"""Stage 'entities': actor and place mentions in each article, coded by ``transforms.entities.matcher``."""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from transforms.common.annotate import annotate_documents
from transforms.common.beam import counter
from transforms.common.document import Document, Sentence
from transforms.entities.matcher import ActorMatcher

# The sentence index of mentions found in the article's title (their offsets index articles.title).
TITLE_SENTENCE = -1


class EntityAnnotator:
    """The annotator of the entities stage: ``Document.entities`` (rows of schemas/entities.py)."""

    stage = "entities"
    english_only = True

    def __init__(self):
        self._matcher: ActorMatcher | None = None
        self._found = counter("entities_found")
        # Articles in which not one actor was recognized: a falling share flags a lexicon gap.
        self._none = counter("entities_none")

    def setup(self) -> None:
        self._matcher = ActorMatcher.load()

    def annotate(self, document: Document) -> dict[str, Any]:
        published = document.article.get("published_date")
        rows = self._matcher.match(document.text or "", document.sentences, published,
                                   article_id=document.article_id)
        title = document.article.get("title") or ""
        if title.strip():
            # Feed items are often a headline and one sentence: the headline names actors too.
            headline = Sentence(index=TITLE_SENTENCE, start=0, end=len(title), text=title)
            rows += self._matcher.match(title, [headline], published, article_id=document.article_id)
        if rows:
            self._found.inc(len(rows))
        else:
            self._none.inc()
        return {"entities": rows}


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class TagEntities(beam.PTransform):
    """Finds the actors and places in every article — countries (names, adjectives, capitals standing for
    their governments), officials (coded by the office they held on the publication date), international
    organizations, armed groups, media, role phrases ("Pakistani troops"), and bare surnames or "he"/"she"
    referring back to a person — into ``Document.entities`` with CAMEO-style actor codes. Mentions in the
    title have ``sentence_index`` -1 and offsets into the title.

    Needs ``Document.sentences`` (the sentences stage runs first). Outputs: 'documents' and REJECTS (an
    article the matcher failed on passes through without entities, with a ``stage_failed`` reject).
    Counters: ``entities_found`` (rows), ``entities_none`` (articles without any), ``entities_failed``.
    """

    def expand(self, documents):
        return annotate_documents(documents, "TagEntitiesFn", EntityAnnotator())
