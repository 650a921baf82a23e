"""Normalization of a raw item into an ``articles`` row: clean text, stable id, UTC date, language."""

from __future__ import annotations

import datetime as dt

from transforms.common.ids import content_hash, stable_id
from transforms.dates.published import date_flag, parse_publication_date
from transforms.normalize.textclean import MAX_TITLE_CHARS, bounded_text, clean_text, clean_title
from transforms.sources.language import NOT_ENGLISH, article_language, runs_english_stages


class EmptyItemError(ValueError):
    """The item has neither text nor a title."""


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


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
    date_source = item.get("date_source")
    if isinstance(published_at, dt.datetime):
        published_at = _as_utc(published_at)
    else:
        published_at = parse_publication_date(published_raw)
    flag = date_flag(published_at, ingested_at)
    if published_at is None:
        if published_raw:
            flag = "unparseable"
        date_source = "missing"
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
        "published_at": published_at,
        "published_date": published_at.date() if published_at else None,
        "published_raw": published_raw,
        "date_source": date_source,
        "date_flag": flag,
        "language": language,
        "content_hash": hashed,
        "num_sentences": None,
        "text_chars_dropped": title_chars_dropped + text_chars_dropped,
        "annotation_skipped": None if runs_english_stages(language) else NOT_ENGLISH,
        "events_dropped": None,
        "ingested_at": ingested_at,
        "run_id": run_id,
    }
