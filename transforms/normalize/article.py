"""Normalization of a raw item into an ``articles`` row: clean text, stable id, UTC date, language."""

from __future__ import annotations

import datetime as dt

from transforms.common.ids import content_hash, stable_id
from transforms.dates.published import publication_fields
from transforms.normalize.textclean import MAX_TITLE_CHARS, bounded_text, clean_text, clean_title
from transforms.sources.language import NOT_ENGLISH, article_language, runs_english_stages


class EmptyItemError(ValueError):
    """The item has neither text nor a title."""


def article_id_for(article_key: str | None, hashed_content: str) -> str:
    """Feed entries are identified by their canonical link (or guid + feed), seed files by content."""
    if article_key:
        return stable_id("key", article_key)
    return stable_id("content", hashed_content)


def normalize_item(item: dict, *, run_id: str, ingested_at: dt.datetime) -> dict:
    """The ``articles`` row for a raw item (without ``num_sentences``, which the splitter adds)."""
    title, title_chars_dropped = bounded_text(clean_title(item.get("title")) or "", MAX_TITLE_CHARS)
    title = title or None
    text, text_chars_dropped = bounded_text(clean_text(item.get("text") or ""))
    text_source = item.get("text_source")
    if not text:
        if not title:
            raise EmptyItemError("The item has no text and no title.")
        # A headline-only item still reports something; keep it, with its headline as text.
        text, text_source = title, "title"
    published_raw = item.get("published_raw")
    published_at = item.get("published_at")
    dated = publication_fields(published_at if isinstance(published_at, dt.datetime) else None,
                               published_raw, item.get("date_source"), ingested_at)
    hashed = content_hash(f"{title or ''}\n\n{text}")
    language = article_language(item.get("language"), text)
    return {
        "article_id": article_id_for(item.get("article_key"), hashed),
        "source_uri": item["source_uri"],
        "feed_uri": item.get("feed_uri"),
        "source_kind": item.get("source_kind"),
        "title": title,
        "text": text,
        "text_source": text_source,
        "published_at": dated["published_at"],
        "published_date": dated["published_date"],
        "published_utc_offset_minutes": dated["published_utc_offset_minutes"],
        "published_raw": published_raw,
        "date_source": dated["date_source"],
        "date_flag": dated["date_flag"],
        "language": language,
        "content_hash": hashed,
        "num_sentences": None,
        "text_chars_dropped": title_chars_dropped + text_chars_dropped,
        "annotation_skipped": None if runs_english_stages(language) else NOT_ENGLISH,
        "events_dropped": None,
        "ingested_at": ingested_at,
        "run_id": run_id,
    }
