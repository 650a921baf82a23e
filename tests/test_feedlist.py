"""--feeds FILE: plain lists and OPML subscription lists."""

from __future__ import annotations

import pytest

from outputs.tables import read_table
from pipeline.cli import main
from pipeline.feedlist import FeedList, read_feed_list

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
                       "https://wire.example.org/world.rss\nhttps://a.example/feed#fragment\n",
                       encoding="utf-8")
    assert read_feed_list(str(listing)) == FeedList([
        "https://wire.example.org/world.rss",
        "http://ministry.example.org/feed.atom",
        str(tmp_path / "local" / "briefings.rdf"),
        "https://a.example/feed#fragment",
    ], [])


def test_opml_outlines_are_the_feeds_in_order_once(tmp_path):
    listing = tmp_path / "subscriptions.opml"
    listing.write_text(OPML, encoding="utf-8")
    assert read_feed_list(str(listing)).feeds == [
        "https://wire.example.org/world.rss",
        "https://wire.example.org/africa.rss",
        "https://ministry.example.org/press/feed.atom",
    ]


def test_utf8_bom_is_accepted(tmp_path):
    listing = tmp_path / "feeds.txt"
    listing.write_bytes(b"\xef\xbb\xbfhttps://wire.example.org/world.rss\n")
    assert read_feed_list(str(listing)).feeds == ["https://wire.example.org/world.rss"]


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


SECRET = "root:x:0:0:SECRET-MARKER:/root:/bin/bash\n"


def _hostile_list(tmp_path, name: str, entries: list[str]):
    """A feed list in tmp_path/lists naming ``entries``; a secret file beside the lists directory and a
    symlink inside it that leads to the secret."""
    (tmp_path / "secret.txt").write_text(SECRET)
    lists = tmp_path / "lists"
    lists.mkdir(exist_ok=True)
    (lists / "link-out.xml").symlink_to(tmp_path / "secret.txt")
    (lists / "notes.txt").write_text("not a feed: " + SECRET)
    listing = lists / name
    if name.endswith(".opml"):
        outlines = "".join(f'<outline type="rss" xmlUrl="{entry}"/>' for entry in entries)
        listing.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>')
    else:
        listing.write_text("\n".join(entries) + "\n")
    return listing


HOSTILE = ["{secret}", "file://{secret}", "../secret.txt", "link-out.xml", "sub/../../secret.txt"]


@pytest.mark.parametrize("name", ["feeds.txt", "feeds.opml"])
def test_local_files_outside_the_lists_directory_and_file_urls_are_refused(tmp_path, name):
    entries = [entry.format(secret=tmp_path / "secret.txt") for entry in HOSTILE]
    listing = _hostile_list(tmp_path, name, [*entries, "notes.txt", "https://wire.example.org/world.rss"])
    listed = read_feed_list(str(listing))
    assert listed.feeds == [str(tmp_path / "lists" / "notes.txt"), "https://wire.example.org/world.rss"]
    assert [refused.entry for refused in listed.refused] == entries
    for refused in listed.refused:
        assert str(listing) in refused.detail and "--feed" in refused.detail


def test_a_hostile_list_reads_no_outside_file_and_stores_no_file_bytes(tmp_path, capsys):
    """Before: a list naming /etc/passwd, file:///etc/shadow or ../../etc/hostname read the file and 500
    bytes of it landed in rejects.raw_excerpt (and report.html)."""
    entries = [entry.format(secret=tmp_path / "secret.txt") for entry in HOSTILE]
    listing = _hostile_list(tmp_path, "feeds.txt", [*entries, "notes.txt"])
    output = str(tmp_path / "out")
    assert main(["run", "--quiet", "--feeds", str(listing), "--output", output]) == 3
    rejects = read_table(output, "rejects").to_pylist()
    assert sorted((row["source_uri"], row["reason"]) for row in rejects) == sorted(
        [(entry, "feed_refused") for entry in entries]
        + [(str(tmp_path / "lists" / "notes.txt"), "feed_unparseable")])
    assert not any("SECRET-MARKER" in (row["raw_excerpt"] or "") + row["detail"] for row in rejects)
    runs = read_table(output, "runs").to_pylist()
    assert "feed_refused" in runs[0]["rejects_by_reason"]


def test_a_streaming_job_does_not_start_with_refused_entries(tmp_path, capsys):
    entries = [entry.format(secret=tmp_path / "secret.txt") for entry in HOSTILE]
    listing = _hostile_list(tmp_path, "feeds.txt", [*entries, "notes.txt"])
    output = str(tmp_path / "out")
    arguments = ["run", "--streaming", "--feeds", str(listing), "--output", output, "--max-polls", "1"]
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert "refused --feeds entries" in error and "file://" in error
    assert not (tmp_path / "out" / "articles").exists()


def test_a_feed_list_is_a_local_file_never_fetched(tmp_path, capsys):
    assert main(["run", "--feeds", "http://127.0.0.1:9/feeds.opml", "--output", str(tmp_path / "o")]) == 2
    assert "is not a file" in capsys.readouterr().err
