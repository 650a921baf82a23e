"""Per-feed HTTP state kept between runs: validators for conditional GET, and where a feed moved.

The state lives in ``<output>/_state/feeds.json``:

    {"version": 1,
     "feeds": {"<feed uri as configured>": {"url": "<where to fetch it now>", "etag": "...",
                                            "last_modified": "...", "updated_at": "<ISO time>"}}}

``record_run`` is called by the run driver only after the run's output is committed, so a run that
fails never advances the state (its feeds are fetched in full again next time). The file is replaced
atomically: written beside, then renamed over (object stores replace whole objects on close).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile

from apache_beam.io.filesystems import FileSystems

from outputs.paths import is_local

STATE_DIR = "_state"
STATE_FILE = "feeds.json"
STATE_VERSION = 1
_log = logging.getLogger(__name__)


def state_path(output_dir: str) -> str:
    return FileSystems.join(FileSystems.join(output_dir, STATE_DIR), STATE_FILE)


def load(output_dir: str) -> dict:
    """The stored state of every feed: feed uri -> {url, etag, last_modified, updated_at}.

    A missing file is an empty state; an unreadable one is logged and ignored (the feeds are then
    fetched unconditionally, which costs bandwidth but loses nothing).
    """
    path = state_path(output_dir)
    try:
        if not FileSystems.exists(path):
            return {}
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            stored = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        _log.warning("ignoring the feed state file %s: %s", path, error)
        return {}
    feeds = stored.get("feeds") if isinstance(stored, dict) else None
    if not isinstance(feeds, dict):
        _log.warning("ignoring the feed state file %s: it has no 'feeds' mapping", path)
        return {}
    return {uri: entry for uri, entry in feeds.items() if isinstance(entry, dict)}


def _next_state(previous: dict, row: dict, now: str) -> dict:
    """What to remember about one feed after this run's fetch of it."""
    entry = dict(previous)
    if row.get("moved_to") and row.get("http_status") == 200 and row.get("error_code") != "unparseable":
        entry["url"] = row["moved_to"]  # only a new address that answered with a feed
    if row.get("not_modified"):
        # A 304 may repeat or refresh the validators; keep the stored ones otherwise.
        entry["etag"] = row.get("etag") or entry.get("etag")
        entry["last_modified"] = row.get("last_modified") or entry.get("last_modified")
    elif row.get("entries_deferred"):
        return entry  # entries were left for the next run: it must read the feed in full again
    elif row.get("http_status") == 200 and row.get("error_code") != "unparseable":
        entry["etag"] = row.get("etag")
        entry["last_modified"] = row.get("last_modified")
    else:
        return entry  # a failed fetch teaches nothing; the next run retries with what was stored
    entry["updated_at"] = now
    return {key: value for key, value in entry.items() if value is not None}


def record_run(output_dir: str, feed_fetch_rows: list[dict]) -> None:
    """Store what this run's fetches learned, once its output is committed."""
    web_rows = [row for row in feed_fetch_rows if row.get("http_status") is not None]
    if not web_rows:
        return
    feeds = load(output_dir)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    for row in sorted(web_rows, key=lambda r: r["feed_uri"]):
        updated = _next_state(feeds.get(row["feed_uri"], {}), row, now)
        if updated:
            feeds[row["feed_uri"]] = updated
    _write(state_path(output_dir), {"version": STATE_VERSION, "feeds": dict(sorted(feeds.items()))})


def _write(path: str, state: dict) -> None:
    data = json.dumps(state, indent=1, sort_keys=True).encode("utf-8")
    if not is_local(path):
        with FileSystems.create(path, mime_type="application/json") as handle:
            handle.write(data)
        return
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".feeds-", suffix=".json", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
