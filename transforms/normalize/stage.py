"""Stage 'normalize': raw items become ``Document``s whose article row is clean and identified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import apache_beam as beam

from transforms.common.beam import DOCUMENTS, OUTCOME_REJECTED, OUTCOMES, counter
from transforms.common.document import Document
from transforms.common.rejects import REJECTS, make_reject
from transforms.dates.published import DATE_FLAGS, FETCHED
from transforms.normalize.article import EmptyItemError, normalize_item
from transforms.normalize.textclean import MAX_ARTICLE_CHARS, MAX_TITLE_CHARS


class _NormalizeFn(beam.DoFn):
    def __init__(self, run_id: str, run_started_at: dt.datetime):
        self._run_id = run_id
        self._run_started_at = run_started_at
        self._normalized = counter("items_normalized")
        self._rejected = counter("items_rejected")
        self._flagged = {flag: counter(f"date_flag_{flag}") for flag in DATE_FLAGS}
        # Articles dated by when they were fetched, for want of a usable date from their source.
        self._missing_date = counter("date_missing")
        self._truncated = counter("articles_truncated")

    def process(self, item: dict) -> Iterator:
        try:
            article = normalize_item(item, run_id=self._run_id, ingested_at=self._run_started_at)
        except EmptyItemError as error:
            self._rejected.inc()
            if item.get("feed_uri"):
                yield beam.pvalue.TaggedOutput(OUTCOMES, (item["feed_uri"], OUTCOME_REJECTED))
            yield beam.pvalue.TaggedOutput(REJECTS, make_reject(
                run_id=self._run_id, source_uri=item.get("source_uri"), stage="normalize",
                reason="empty_document" if item.get("source_kind") != "feed" else "entry_empty",
                detail=f"{error} Nothing can be coded from it; check the source.",
                raw_excerpt=repr(item)[:500], rejected_at=self._run_started_at))
            return
        self._normalized.inc()
        if article["date_flag"]:
            self._flagged[article["date_flag"]].inc()
        if article["date_source"] == FETCHED:
            self._missing_date.inc()
        if article["text_chars_dropped"]:
            self._truncated.inc()
            yield beam.pvalue.TaggedOutput(REJECTS, make_reject(
                run_id=self._run_id, source_uri=item.get("source_uri"), stage="normalize",
                reason="text_truncated",
                detail=f"{article['text_chars_dropped']:,} characters beyond what one article may carry "
                f"(a title of {MAX_TITLE_CHARS:,}, a text of {MAX_ARTICLE_CHARS:,} characters) were cut off "
                "and not read (articles.text_chars_dropped); the rest was kept and coded. If this is a real "
                "article, split it into several.",
                raw_excerpt=article["text"][-200:], rejected_at=self._run_started_at))
        yield Document(article=article)


@beam.typehints.with_input_types(dict)
@beam.typehints.with_output_types(Document)
class Normalize(beam.PTransform):
    """Clean text, stable article id, UTC publication date and language for every raw item.

    Outputs: 'documents', REJECTS (items with nothing in them; a ``text_truncated`` row for each article
    whose title or text was cut to ``MAX_TITLE_CHARS`` or ``MAX_ARTICLE_CHARS``, which goes on as a
    document) and OUTCOMES (for feed accounting).
    """

    def __init__(self, run_id: str, run_started_at: dt.datetime):
        super().__init__()
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, items):
        return items | "NormalizeItems" >> beam.ParDo(
            _NormalizeFn(self._run_id, self._run_started_at)).with_outputs(REJECTS, OUTCOMES, main=DOCUMENTS)
