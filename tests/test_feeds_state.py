"""outputs.feedstate: what a run remembers about each feed, written atomically."""

from __future__ import annotations

import datetime as dt
import json

from outputs import feedstate

FETCHED = dt.datetime(2024, 6, 3, 12, tzinfo=dt.timezone.utc)


def _row(feed_uri: str, **values) -> dict:
    row = {"feed_uri": feed_uri, "http_status": 200, "etag": None, "last_modified": None, "moved_to": None,
           "not_modified": False, "error_code": None, "fetched_at": FETCHED}
    row.update(values)
    return row


def test_missing_state_is_empty(tmp_path):
    assert feedstate.load(str(tmp_path)) == {}


def test_validators_moves_and_failures(tmp_path):
    out = str(tmp_path)
    feedstate.record_run(out, [
        _row("https://a.example/feed", etag='"abc"', last_modified="Mon, 03 Jun 2024 08:00:00 GMT"),
        _row("https://b.example/old", moved_to="https://b.example/new", etag='"b1"'),
        _row("https://c.example/feed", http_status=404, error_code="http_error"),
        _row("seeds/feeds/local.rss", http_status=None),
        _row("https://d.example/feed", etag='"d1"', error_code="unparseable"),
    ])
    state = feedstate.load(out)
    assert state["https://a.example/feed"]["etag"] == '"abc"'
    assert state["https://a.example/feed"]["last_modified"] == "Mon, 03 Jun 2024 08:00:00 GMT"
    assert state["https://b.example/old"]["url"] == "https://b.example/new"
    assert "https://c.example/feed" not in state  # a failure teaches nothing
    assert "seeds/feeds/local.rss" not in state  # files have no validators
    assert "https://d.example/feed" not in state  # an unparseable body must be fetched again in full

    feedstate.record_run(out, [
        _row("https://a.example/feed", http_status=304, not_modified=True),
        _row("https://b.example/old", http_status=503, error_code="http_error"),
        _row("https://e.example/feed"),
    ])
    state = feedstate.load(out)
    assert state["https://a.example/feed"]["etag"] == '"abc"'  # kept through a 304 that did not repeat it
    assert state["https://b.example/old"]["url"] == "https://b.example/new"  # kept through a failure
    assert "etag" not in state.get("https://e.example/feed", {})

    feedstate.record_run(out, [_row("https://a.example/feed", etag='"new"')])
    state = feedstate.load(out)
    assert state["https://a.example/feed"]["etag"] == '"new"'
    assert "last_modified" not in state["https://a.example/feed"]  # the new response had none


def test_state_file_is_replaced_whole_and_leaves_no_temporary_files(tmp_path):
    out = str(tmp_path)
    feedstate.record_run(out, [_row("https://a.example/feed", etag='"1"')])
    feedstate.record_run(out, [_row("https://a.example/feed", etag='"2"')])
    files = sorted(path.name for path in (tmp_path / "_state").iterdir())
    assert files == ["feeds.json"]
    stored = json.loads((tmp_path / "_state" / "feeds.json").read_text())
    assert stored["version"] == feedstate.STATE_VERSION


def test_a_corrupt_state_file_is_ignored_not_fatal(tmp_path, caplog):
    (tmp_path / "_state").mkdir()
    (tmp_path / "_state" / "feeds.json").write_text("{not json")
    assert feedstate.load(str(tmp_path)) == {}
    assert "ignoring the feed state file" in caplog.text
    feedstate.record_run(str(tmp_path), [_row("https://a.example/feed", etag='"x"')])
    assert feedstate.load(str(tmp_path))["https://a.example/feed"]["etag"] == '"x"'
