"""Stage 'sources/feeds' (placeholder until the feeds issue lands: reads nothing)."""

from __future__ import annotations

import datetime as dt

import apache_beam as beam

FEED_ITEMS = "items"
FEED_FETCHES = "feed_fetches"


class ReadFeeds(beam.PTransform):
    """Fetches and parses feeds; returns a dict of PCollections: 'items' (raw item dicts, see
    transforms.document.RAW_ITEM_KEYS), 'rejects' (rejects rows) and 'feed_fetches' (feed_fetches rows)."""

    def __init__(self, feed_uris: list[str], run_id: str, run_started_at: dt.datetime,
                 *, feed_state: dict | None = None, fetch_articles: bool = False,
                 timeout_s: float = 20.0, max_bytes: int = 20_000_000):
        super().__init__()
        self._feed_uris = list(feed_uris)
        self._run_id = run_id
        self._run_started_at = run_started_at

    def expand(self, pbegin):
        empty = beam.Create([])
        return {
            FEED_ITEMS: pbegin | "NoItems" >> empty,
            "rejects": pbegin | "NoRejects" >> beam.Create([]),
            FEED_FETCHES: pbegin | "NoFetches" >> beam.Create([]),
        }
