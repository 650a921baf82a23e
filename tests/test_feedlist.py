"""--feeds FILE: plain lists and OPML subscription lists."""

from __future__ import annotations

import pytest

from pipeline.feedlist import read_feed_list

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My diplomacy subscriptions</title></head>
  <body>
    <outline text="Agencies">
      <outline type="rss" text="Wire world" xmlUrl="https://wire.example.org/world.rss"
               htmlUrl="https://wire.example.org/world"/>
      <outline type="rss" text="Wire Africa" xmlUrl="https://wire.example.org/africa.rss"/>
    </outline>
    <outline type="rss" text="Ministry" xmlUrl="https://ministry.example.org/press/feed.atom"/>
    <outline type="rss" text="Duplicate" xmlUrl="https://wire.example.org/world.rss"/>
  </body>
</opml>
"""


def test_plain_list_with_comments_blank_lines_and_relative_paths(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_text("# my feeds\n\nhttps://wire.example.org/world.rss   # the main one\n"
                       "  http://ministry.example.org/feed.atom  \nlocal/briefings.rdf\n"
                       "https://wire.example.org/world.rss\nhttps://a.example/feed#fragment\n"
                       "file:///srv/feeds/x.xml\n", encoding="utf-8")
    assert read_feed_list(str(listing)) == [
        "https://wire.example.org/world.rss",
        "http://ministry.example.org/feed.atom",
        str(tmp_path / "local" / "briefings.rdf"),
        "https://a.example/feed#fragment",
        "file:///srv/feeds/x.xml",
    ]


def test_opml_outlines_are_the_feeds_in_order_once(tmp_path):
    listing = tmp_path / "subscriptions.opml"
    listing.write_text(OPML, encoding="utf-8")
    assert read_feed_list(str(listing)) == [
        "https://wire.example.org/world.rss",
        "https://wire.example.org/africa.rss",
        "https://ministry.example.org/press/feed.atom",
    ]


def test_utf8_bom_is_accepted(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_bytes(b"\xef\xbb\xbfhttps://wire.example.org/world.rss\n")
    assert read_feed_list(str(listing)) == ["https://wire.example.org/world.rss"]


@pytest.mark.parametrize("content, message", [
    ("ftp://old.example.org/feed.xml\n", "line 1: 'ftp://old.example.org/feed.xml' is not an http"),
    ("https://ok.example/f.xml\nhttp:///nohost\n", "line 2"),
    ("two feeds.xml on-one-line.xml\n", "contains spaces"),
    ("# only comments\n\n", "names no feeds"),
    ("<opml><body><outline text='no urls'/></body></opml>", "no feeds were found"),
])
def test_bad_lists_name_the_file_and_the_problem(tmp_path, content, message):
    listing = tmp_path / "feeds.txt"
    listing.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        read_feed_list(str(listing))
    assert str(listing) in str(raised.value)


def test_binary_and_missing_files_are_value_errors(tmp_path):
    binary = tmp_path / "feeds.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_feed_list(str(binary))
    with pytest.raises(ValueError, match="cannot read"):
        read_feed_list(str(tmp_path / "absent.txt"))
