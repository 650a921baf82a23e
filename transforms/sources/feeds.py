"""RSS and Atom documents to raw items, with feedparser (every format and encoding it knows).

``parse_feed`` takes the bytes of one feed (fetched over HTTP or read from a file) and returns the raw
items of its entries (see ``transforms.common.document.RAW_ITEM_KEYS``), the entries that had to be rejected,
and what went wrong with the document as a whole. It never fetches anything itself: feedparser is only
ever handed bytes, so a link inside a feed cannot make it open a URL or a local file.

A feed is untrusted input, so the work is bounded before feedparser sees it:
- custom XML entity declarations are removed (entity-expansion bombs; no real feed needs them);
- an element with more than ``MAX_ATTRIBUTES`` attributes is refused (quadratic work in the parser);
- a document that does not start like XML (a binary served as RSS) is refused without parsing;
- only the first ``max_entries`` entries are parsed; the rest are counted and recorded.

Each item's publication time comes from the entry's published date, else its updated date, else the
feed's own date, else ``fetched_at`` (the run's start time, so that re-running the same input gives the
same rows); ``date_source`` says which ('fetched' for the last; normalization flags it). Dates are read by
``transforms.dates.published`` only, keeping the source's UTC offset: feedparser's own ``*_parsed``
values are not used, since they shift impossible offsets (``+99:99`` by four days), misread years
(10000 as 2010) and drop the offset the article's local day depends on.

Links are canonical (``transforms.sources.urls``) and are the ``article_key``; an entry without a link is
keyed by its guid and the feed.

Malformed feeds ("bozo" in feedparser's words) keep the entries feedparser could read, and the problem is
reported in ``ParsedFeed.problem``; a document with nothing readable is ``ParsedFeed.unreadable``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

import feedparser

from transforms.common.ids import stable_id
from transforms.dates.published import FETCHED, read_publication_time
from transforms.sources.html import to_plain_text
from transforms.sources.urls import canonical_url, is_web_url, resolve

MAX_ENTRIES = 2000  # far more than any news feed carries at once; bounds the work on a hostile one
# The SAX layer under feedparser looks attributes up by a linear scan, so one element with n attributes
# costs n² (10,000 attributes: seconds; 100,000: minutes). Real feed elements have a handful.
MAX_ATTRIBUTES = 64
EXCERPT_BYTES = 500

# The end tag of one entry in RSS 0.9x/1.0/2.0 (<item>) or Atom (<entry>), with any namespace prefix.
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
# A start tag long enough to hold MAX_ATTRIBUTES attributes; quoted values count as one unit, and the
# alternatives start with different characters, so the scan is linear.
_LONG_START_TAG = re.compile(rb"""<[A-Za-z_](?:[^<>"']|"[^"]*"|'[^']*'){%d,}""" % (2 * MAX_ATTRIBUTES))
_QUOTED = re.compile(rb""""[^"]*"|'[^']*'""")
_UTF16_32_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00", b"\x00\x00\x00<", b"<\x00\x00\x00",
                    b"\x00\x00\xfe\xff")
_XML_START = (b"<", b"\xef\xbb\xbf")
# feedparser flags these as "bozo" although every entry was read: the server's Content-Type was not an
# XML type, or the declared encoding was not the one that worked.
_HARMLESS = (feedparser.NonXMLContentType,)
_DATE_FIELDS = (("published", "published"), ("updated", "updated"), ("created", "published"))


@dataclasses.dataclass
class EntryProblem:
    """An entry that cannot become an item: where it is, the reject reason code and why."""

    source_uri: str
    reason: str
    detail: str
    excerpt: str


@dataclasses.dataclass
class ParsedFeed:
    """What one feed document yielded."""

    items: list[dict]
    entry_problems: list[EntryProblem]
    entries_seen: int  # entries in the document, including those beyond the cap
    entries_skipped: int  # entries beyond ``max_entries``, not parsed
    problem: str | None = None  # what was wrong with the document (entries may still have been read)
    unreadable: bool = False  # nothing could be read from the document
    version: str = ""  # feedparser's name of the format, e.g. 'rss20', 'atom10'
    title: str | None = None

    @property
    def entries_read(self) -> int:
        return len(self.items) + len(self.entry_problems)


def _starts_like_xml(data: bytes) -> bool:
    head = data[:1024].lstrip(b" \t\r\n")
    return head.startswith(_XML_START) or head.startswith(_UTF16_32_STARTS)


def _most_attributes(data: bytes) -> int:
    """The largest number of attributes on one element (only long start tags are counted)."""
    # Every attribute has one '=' outside quoted values.
    return max((_QUOTED.sub(b"", tag.group()).count(b"=") for tag in _LONG_START_TAG.finditer(data)),
               default=0)


def _without_entity_declarations(data: bytes) -> tuple[bytes, bool]:
    """``data`` without the ENTITY declarations of its prolog (the part before the first element)."""
    first = _FIRST_ELEMENT.search(data)
    end = first.start() if first else len(data)
    prolog = data[:end]
    if b"<!ENTITY" not in prolog.upper():
        return data, False
    return _ENTITY_DECLARATION.sub(b"", prolog) + data[end:], True


def _keep_first_entries(data: bytes, max_entries: int) -> tuple[bytes, int]:
    """``data`` with only its first ``max_entries`` entries, and the number of entries it had.

    Entries are contiguous siblings in every real feed, so cutting from the end of entry N to the end
    of the last entry leaves a well-formed document. Encodings that are not ASCII-compatible (UTF-16)
    are not cut here; their entries are capped after parsing.
    """
    ends = [match.end() for match in _ENTRY_END.finditer(data)]
    if len(ends) <= max_entries:
        return data, len(ends)
    return data[: ends[max_entries - 1]] + data[ends[-1]:], len(ends)


def _date_of(container: Any, source_names: tuple[tuple[str, str], ...]):
    """(datetime in the source's offset, raw string, date_source) from the first date field that can be
    read; (None, the first unreadable string or None, None) when none can."""
    unreadable = None
    for field, source in source_names:
        # ``in`` first: feedparser's ``get('updated')`` hands back the published date, with a warning.
        raw = container.get(field) if field in container else None
        if not raw:
            continue
        when = read_publication_time(raw)
        if when is not None:
            return when, raw, source
        unreadable = unreadable or raw
    return None, unreadable, None


def _text_of(detail_value: str | None, detail: Any) -> str:
    content_type = (detail or {}).get("type") if detail else None
    return to_plain_text(detail_value or "", content_type)


def _entry_text(entry: Any) -> tuple[str, str | None]:
    """(plain text, 'content' | 'summary' | None): the richest text the entry carries."""
    for content in entry.get("content") or ():
        text = to_plain_text(content.get("value") or "", content.get("type"))
        if text:
            return text, "content"
    text = _text_of(entry.get("summary"), entry.get("summary_detail"))
    if text:
        return text, "summary"
    return "", None


def _entry_language(entry: Any, feed_language: str | None) -> str | None:
    for field in ("title_detail", "summary_detail"):
        detail = entry.get(field) or {}
        if detail.get("language"):
            return detail["language"]
    for content in entry.get("content") or ():
        if content.get("language"):
            return content["language"]
    return feed_language


def _entry_link(entry: Any, base_url: str | None) -> str | None:
    """The entry's canonical web link, or None when it has none (or only a non-web one)."""
    candidates = [entry.get("link")]
    candidates += [link.get("href") for link in entry.get("links") or () if link.get("rel") == "alternate"]
    guid = entry.get("id")
    if guid and entry.get("guidislink"):
        candidates.append(guid)
    for candidate in candidates:
        if candidate:
            absolute = resolve(base_url, candidate)
            if is_web_url(absolute):
                return canonical_url(absolute)
    return None


def entry_to_item(entry: Any, *, feed_uri: str, feed_key: str, base_url: str | None, feed_date,
                  feed_language, fetched_at: dt.datetime) -> dict:
    """The raw item of one feedparser entry (its text may be empty: the caller decides).

    ``feed_key`` names the feed in the key of entries that have a guid but no link.
    """
    title = " ".join(_text_of(entry.get("title"), entry.get("title_detail")).split()) or None
    text, text_source = _entry_text(entry)
    guid = (entry.get("id") or "").strip() or None
    link = _entry_link(entry, base_url)
    published_at, published_raw, date_source = _date_of(entry, _DATE_FIELDS)
    if published_at is None and feed_date[0] is not None:
        published_at, published_raw, date_source = feed_date
    if published_at is None:
        # The unreadable string, if any, is kept so that normalization can say the date was unparseable.
        published_at, date_source = fetched_at, FETCHED
    if link:
        source_uri, article_key = link, link
    elif guid:
        # Without a link the entry is known by its guid, which is only unique within its feed.
        source_uri = f"{feed_key}#guid={guid}"
        article_key = source_uri
    else:
        source_uri = f"{feed_key}#entry={stable_id(title, text)}"
        article_key = None  # identified by its content
    return {
        "source_kind": "feed",
        "source_uri": source_uri,
        "feed_uri": feed_uri,
        "title": title,
        "text": text,
        "published_at": published_at,
        "published_raw": published_raw,
        "date_source": date_source,
        "language": _entry_language(entry, feed_language),
        "guid": guid,
        "text_source": text_source,
        "article_key": article_key,
    }


def _feed_home(feed: Any) -> str | None:
    """Where a feed read from a file lives on the web (its self link, else its site), to resolve the
    relative links of its entries; None when it does not say."""
    candidates = [link.get("href") for link in feed.get("links") or () if link.get("rel") == "self"]
    candidates.append(feed.get("link"))
    return next((link for link in candidates if link and is_web_url(link)), None)


def _describe(exception: BaseException | None) -> str:
    if exception is None:
        return "unknown problem"
    message = str(exception).strip() or "no details"
    return f"{type(exception).__name__}: {message}"


def _excerpt(entry: Any) -> str:
    return repr({key: entry.get(key) for key in ("id", "link", "title", "summary")})[:EXCERPT_BYTES]


def parse_feed(data: bytes, *, feed_uri: str, fetched_at: dt.datetime, base_url: str | None = None,
               content_type: str | None = None, max_entries: int = MAX_ENTRIES) -> ParsedFeed:
    """The items of one feed document. Never raises on bad input: problems are in the result.

    ``feed_uri`` is the feed as configured (it names the entries' feed and keys link-less entries);
    ``base_url`` resolves relative links (the final URL after redirects); ``content_type`` is the HTTP
    Content-Type header, whose charset feedparser weighs against the XML declaration.
    """
    if not data.strip():
        return ParsedFeed([], [], 0, 0, problem="The feed is empty (no bytes).", unreadable=True)
    if not _starts_like_xml(data):
        return ParsedFeed([], [], 0, 0, unreadable=True,
                          problem=f"Not an XML document: it starts with {data[:16]!r}.")
    attributes = _most_attributes(data)
    if attributes > MAX_ATTRIBUTES:
        return ParsedFeed([], [], 0, 0, unreadable=True,
                          problem=f"An element has {attributes} attributes (more than {MAX_ATTRIBUTES}); "
                          "no feed needs that many and parsing them would take quadratic time.")
    notes = []
    data, had_entities = _without_entity_declarations(data)
    if had_entities:
        notes.append("custom XML entity declarations were removed unexpanded (a safety measure)")
    data, entry_count = _keep_first_entries(data, max_entries)
    web_base = base_url if base_url and is_web_url(base_url) else None
    # A file has no Content-Type; its XML declaration names its encoding.
    headers = {"content-location": web_base or "", "content-type": content_type or "application/xml"}
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = result.get("entries") or []
    entries_seen = max(entry_count, len(entries))
    entries = entries[:max_entries]
    skipped = entries_seen - len(entries)
    bozo = bool(result.get("bozo")) and not isinstance(result.get("bozo_exception"), _HARMLESS)
    if bozo:
        notes.insert(0, _describe(result.get("bozo_exception")))
    feed = result.get("feed") or {}
    version = result.get("version") or ""
    if not entries and (bozo or not version):
        reason = "; ".join(notes) if notes else "feedparser recognized no RSS or Atom document"
        return ParsedFeed([], [], 0, 0, problem=f"Nothing readable in the feed: {reason}.",
                          unreadable=True, version=version)
    home = _feed_home(feed)
    link_base = web_base or home
    # A feed file is known by where it lives on the web, not by a path that depends on where it is
    # read from, so that its link-less entries keep their ids wherever the file is.
    feed_key = canonical_url(feed_uri) if is_web_url(feed_uri) else (home and canonical_url(home)) or feed_uri
    feed_date = _date_of(feed, (("published", "feed_date"), ("updated", "feed_date")))
    feed_language = feed.get("language") or None
    items, problems = [], []
    for entry in entries:
        item = entry_to_item(entry, feed_uri=feed_uri, feed_key=feed_key, base_url=link_base,
                             feed_date=feed_date, feed_language=feed_language, fetched_at=fetched_at)
        if not item["text"] and not item["title"]:
            problems.append(EntryProblem(
                source_uri=item["source_uri"], reason="entry_empty",
                detail="The feed entry has no title and no text (content or summary); nothing can be "
                "read from it. Check the feed.", excerpt=_excerpt(entry)))
            continue
        items.append(item)
    if skipped:
        notes.append(f"the feed has {entries_seen} entries; only the first {len(entries)} were read")
    problem = "; ".join(notes) + "." if notes else None
    title = " ".join(_text_of(feed.get("title"), feed.get("title_detail")).split()) or None
    return ParsedFeed(items, problems, entries_seen, skipped, problem=problem, version=version,
                      title=title)
