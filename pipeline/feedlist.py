"""Feed lists for ``--feeds FILE``: a plain list (one feed per line) or an OPML subscription list.

Plain list: one http(s) URL or path per line; blank lines and ``#`` comments are ignored. OPML (as
exported by feed readers) is read with listparser; its outlines' ``xmlUrl`` are the feeds. A list is
always a local file the user named: nothing is fetched here, and an OPML file that includes other lists
by URL is read as it stands.

A list names local files only inside its own directory: a path is relative to the list and must
resolve (symlinks followed) under the list's directory. ``file://`` URLs and paths that leave the
directory (``/etc/passwd``, ``../../etc/hostname``) are refused, each becoming a reject of the run,
so that a list copied from elsewhere cannot make communique read (and store) arbitrary files. A file
outside the list's directory can still be named on the command line with ``--feed PATH``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import urllib.parse

import listparser

from outputs.paths import is_local

MAX_LIST_BYTES = 5_000_000
FEED_SCHEMES = ("http", "https")
_COMMENT = re.compile(r"(?:^|\s)#")


@dataclasses.dataclass(frozen=True)
class RefusedFeed:
    """An entry of a feed list that is not read: ``entry`` as written, ``detail`` why and what to do."""

    entry: str
    detail: str


@dataclasses.dataclass(frozen=True)
class FeedList:
    feeds: list[str]
    refused: list[RefusedFeed]


def _looks_like_xml(text: str) -> bool:
    return text.lstrip().startswith("<")


def _check_feed(path: str, where: str, value: str) -> str | RefusedFeed:
    """``value`` as a feed location: URLs as they are, relative paths made absolute; a local file the
    list may not name is a ``RefusedFeed``. Raises ValueError for a line that is not a feed at all."""
    if not is_local(value):
        parts = urllib.parse.urlsplit(value)
        scheme = parts.scheme.lower()
        if scheme == "file":
            return RefusedFeed(value, f"{where}: a feed list may not name file:// URLs; put the feed file in "
                               "the list's directory and write its relative path, or give it with --feed.")
        if scheme not in FEED_SCHEMES or not parts.hostname:
            raise ValueError(f"{where}: {value!r} is not an http(s):// URL nor a path.")
        return value
    if any(character.isspace() for character in value):
        raise ValueError(f"{where}: {value!r} contains spaces; write one feed per line.")
    directory = os.path.dirname(os.path.abspath(path))
    location = os.path.normpath(os.path.join(directory, value))
    allowed = os.path.realpath(directory)
    resolved = os.path.realpath(location)
    if os.path.commonpath([allowed, resolved]) != allowed:
        return RefusedFeed(value, f"{where}: the path leads outside the list's directory {directory}; a "
                           "feed list may name only files in its own directory. Give it with --feed PATH "
                           "if you mean it.")
    return location


def _plain_list(path: str, text: str) -> list[str | RefusedFeed]:
    feeds = []
    for number, line in enumerate(text.splitlines(), start=1):
        # A comment starts a line or follows a space; a '#' inside a URL (a fragment) is kept.
        value = _COMMENT.split(line.strip(), maxsplit=1)[0].strip()
        if value:
            feeds.append(_check_feed(path, f"{path} line {number}", value))
    return feeds


def _opml(path: str, data: bytes) -> list[str | RefusedFeed]:
    parsed = listparser.parse(data)
    urls = [feed.get("url") for feed in parsed.get("feeds") or () if feed.get("url")]
    if not urls:
        problem = parsed.get("bozo_exception")
        because = f" ({problem})" if problem else ""
        raise ValueError(f"{path} looks like XML but no feeds were found in it{because}; an OPML file needs "
                         "<outline type=\"rss\" xmlUrl=\"...\"/> elements.")
    return [_check_feed(path, f"{path} (OPML outline)", url.strip()) for url in urls]


def read_feed_list(path: str) -> FeedList:
    """The feeds named in ``path``, in file order, each once, and the entries refused. Raises ValueError
    for a bad file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from error
    if len(data) > MAX_LIST_BYTES:
        raise ValueError(f"{path} is larger than {MAX_LIST_BYTES} bytes; that is not a feed list.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if not data.lstrip().startswith(b"<"):
            raise ValueError(f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8.") from error
        text = ""  # XML declares its own encoding; listparser decodes it
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _looks_like_xml(text):
        entries = _opml(path, data)
    else:
        entries = _plain_list(path, text)
    if not entries:
        raise ValueError(f"{path} names no feeds; write one URL or path per line.")
    feeds = [entry for entry in entries if isinstance(entry, str)]
    refused = [entry for entry in entries if isinstance(entry, RefusedFeed)]
    return FeedList(list(dict.fromkeys(feeds)), list(dict.fromkeys(refused)))
