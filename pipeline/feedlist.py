"""Feed lists for ``--feeds FILE``: a plain list (one feed per line) or an OPML subscription list.

Plain list: one http(s) URL, file:// URI or path per line; blank lines and ``#`` comments are ignored.
Relative paths are relative to the list file. OPML (as exported by feed readers) is read with
listparser; its outlines' ``xmlUrl`` are the feeds. Nothing is fetched here: an OPML file that includes
other lists by URL is read as it stands.
"""

from __future__ import annotations

import os
import re
import urllib.parse

import listparser

from outputs.paths import is_local

MAX_LIST_BYTES = 5_000_000
FEED_SCHEMES = ("http", "https", "file")
_COMMENT = re.compile(r"(?:^|\s)#")


def _looks_like_xml(text: str) -> bool:
    return text.lstrip().startswith("<")


def _check_feed(path: str, where: str, value: str) -> str:
    """``value`` as a feed location: URLs as they are, relative paths made absolute."""
    if not is_local(value):
        parts = urllib.parse.urlsplit(value)
        scheme = parts.scheme.lower()
        if scheme not in FEED_SCHEMES or (scheme != "file" and not parts.hostname):
            raise ValueError(f"{where}: {value!r} is not an http(s):// or file:// URL nor a path.")
        return value
    if any(character.isspace() for character in value):
        raise ValueError(f"{where}: {value!r} contains spaces; write one feed per line.")
    return os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), value))


def _plain_list(path: str, text: str) -> list[str]:
    feeds = []
    for number, line in enumerate(text.splitlines(), start=1):
        # A comment starts a line or follows a space; a '#' inside a URL (a fragment) is kept.
        value = _COMMENT.split(line.strip(), maxsplit=1)[0].strip()
        if value:
            feeds.append(_check_feed(path, f"{path} line {number}", value))
    return feeds


def _opml(path: str, data: bytes) -> list[str]:
    parsed = listparser.parse(data)
    urls = [feed.get("url") for feed in parsed.get("feeds") or () if feed.get("url")]
    if not urls:
        problem = parsed.get("bozo_exception")
        because = f" ({problem})" if problem else ""
        raise ValueError(f"{path} looks like XML but no feeds were found in it{because}; an OPML file needs "
                         "<outline type=\"rss\" xmlUrl=\"...\"/> elements.")
    return [_check_feed(path, f"{path} (OPML outline)", url.strip()) for url in urls]


def read_feed_list(path: str) -> list[str]:
    """The feeds named in ``path``, in file order, each once. Raises ValueError for a bad file."""
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
        feeds = _opml(path, data)
    else:
        feeds = _plain_list(path, text)
    if not feeds:
        raise ValueError(f"{path} names no feeds; write one URL or path per line.")
    return list(dict.fromkeys(feeds))
