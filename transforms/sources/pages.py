"""Full text of a feed entry's linked page: robots.txt, a bounded fetch and main-text extraction.

Used by ``--fetch-articles``. Pages are fetched with the same client and limits as feeds
(``transforms.sources.fetch``); robots.txt is read once per host and honoured for communique's User-Agent
(RFC 9309: a robots.txt that is missing or refused with 4xx allows everything; one that cannot be
fetched because of a server or network error allows nothing). trafilatura extracts the main text; when
it finds none, the caller keeps the entry's own text.
"""

from __future__ import annotations

import dataclasses
import logging
import urllib.parse
import urllib.robotparser

import trafilatura

from transforms.sources import fetch

ROBOTS_MAX_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB
ROBOT_NAME = "communique"
MAX_CRAWL_DELAY_S = 5.0  # a longer Crawl-delay is honoured as this (a run must end)
MIN_PAGE_CHARS = 200  # less than this is a teaser or a cookie banner, not an article

# trafilatura logs every page it cannot extract at WARNING; that is an expected outcome here.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


@dataclasses.dataclass
class PageText:
    """The outcome for one page: ``text`` when extraction worked, else why not (``problem``)."""

    url: str
    text: str | None = None
    # 'disallowed', 'fetch_failed', 'address_refused', 'not_html', 'no_text', 'deferred'
    problem: str | None = None
    detail: str | None = None


class Robots:
    """robots.txt rules of one host, for communique's User-Agent."""

    def __init__(self, parser: urllib.robotparser.RobotFileParser | None, allow_all: bool,
                 refused: str | None = None):
        self._parser = parser
        self._allow_all = allow_all
        self.refused = refused  # why the host's address may not be reached at all

    def allowed(self, url: str) -> bool:
        if self._parser is None:
            return self._allow_all
        return self._parser.can_fetch(fetch.USER_AGENT, url) and self._parser.can_fetch(ROBOT_NAME, url)

    @property
    def crawl_delay_s(self) -> float:
        if self._parser is None:
            return 0.0
        delay = self._parser.crawl_delay(ROBOT_NAME) or self._parser.crawl_delay("*") or 0
        return min(float(delay), MAX_CRAWL_DELAY_S)


def robots_for(page_url: str, *, limits: fetch.FetchLimits, pool) -> Robots:
    """The robots.txt rules of the host of ``page_url``."""
    parts = urllib.parse.urlsplit(page_url)
    robots_url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    small = dataclasses.replace(limits, max_bytes=min(limits.max_bytes, ROBOTS_MAX_BYTES), max_attempts=1)
    result = fetch.fetch(robots_url, limits=small, pool=pool, accept="text/plain, */*;q=0.5")
    if result.error_code == fetch.ADDRESS_REFUSED:
        return Robots(None, allow_all=False, refused=result.error_message)
    if result.ok and result.body is not None:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return Robots(parser, allow_all=True)
    if result.status is not None and 400 <= result.status < 500:
        return Robots(None, allow_all=True)
    return Robots(None, allow_all=False)


def _is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        kind = content_type.split(";", 1)[0].strip().lower()
        return kind in ("text/html", "application/xhtml+xml")
    return b"<html" in body[:4096].lower()


def extract_main_text(html: bytes | str, url: str | None = None) -> str | None:
    """The main text of an HTML page (paragraphs separated by blank lines), or None when none is found."""
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                               include_images=False, include_links=False, deduplicate=True)
    if not text:
        return None
    paragraphs = [" ".join(line.split()) for line in text.splitlines()]
    joined = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return joined if len(joined) >= MIN_PAGE_CHARS else None


def page_text(url: str, *, robots: Robots, limits: fetch.FetchLimits, pool) -> PageText:
    """Fetch ``url`` (if robots.txt allows) and extract its main text."""
    if robots.refused:
        return PageText(url, problem="address_refused", detail=robots.refused)
    if not robots.allowed(url):
        return PageText(url, problem="disallowed", detail="robots.txt disallows it")
    result = fetch.fetch(url, limits=limits, pool=pool, accept=fetch.PAGE_ACCEPT)
    if result.error_code == fetch.ADDRESS_REFUSED:
        return PageText(url, problem="address_refused", detail=result.error_message)
    if not result.ok or result.body is None:
        return PageText(url, problem="fetch_failed", detail=result.error_message or "no body")
    if not _is_html(result.content_type, result.body):
        return PageText(url, problem="not_html", detail=f"Content-Type {result.content_type!r}")
    text = extract_main_text(result.body, url=result.final_url)
    if text is None:
        return PageText(url, problem="no_text", detail="no main text found")
    return PageText(url, text=text)
