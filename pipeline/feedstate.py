"""Per-feed HTTP state kept between runs (placeholder until the feeds issue lands)."""

from __future__ import annotations


def load(output_dir: str) -> dict:
    """The stored state of every feed: feed uri -> {etag, last_modified, url}."""
    return {}


def record_run(output_dir: str, feed_fetch_rows: list[dict]) -> None:
    """Store what this run's fetches learned, once its output is committed."""
