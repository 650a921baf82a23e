"""A real HTTP server on 127.0.0.1 serving feeds that misbehave in every way a feed client must survive.

``FeedServer`` runs ``http.server.ThreadingHTTPServer`` on an ephemeral port in a background thread.
Routes are plain functions ``(handler) -> None`` registered by path; ``standard_routes`` registers the
behaviours the feed tests use (see ROUTES below). Every request is logged (path and headers) so tests
can assert what the client sent. All feed texts here were written for these tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import gzip
import http.server
import threading
import zlib
from collections import Counter
from collections.abc import Callable

Route = Callable[["_Handler"], None]


def rss(items: list[tuple[str, str, str]], *, encoding: str = "utf-8", title: str = "Test Desk",
        extra_channel: str = "") -> str:
    """An RSS 2.0 document; items are (title, link, description)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>Mon, 03 Jun 2024 0{i % 10}:15:00 +0200</pubDate></item>"
        for i, (t, link, d) in enumerate(items))
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://desk.example.net/</link><description>Test feed</description>{extra_channel}"
            f"{body}</channel></rss>")


STORIES = [
    ("Ghana and Togo sign fisheries accord",
     "https://desk.example.net/2024/06/ghana-togo-fisheries?utm_campaign=x",
     "Ministers from Accra and Lomé signed an accord on shared fishing grounds on Monday."),
    ("Chile hosts Pacific trade ministers",
     "https://desk.example.net/2024/06/chile-pacific-trade",
     "Trade ministers from eleven Pacific economies met in Santiago to discuss tariffs."),
]
BASIC_FEED = rss(STORIES).encode("utf-8")

MALFORMED_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Broken</title>'
    b"<item><title>Mongolia opens consulate in Busan</title>"
    b"<link>https://broken.example.net/mongolia-busan</link>"
    b"<description>The Mongolian foreign ministry said the consulate would serve traders.</description>"
    b"</item>"
    b"<item><title>Unclosed <b>bold & stray ampersand</title>"
    b"<link>https://broken.example.net/unclosed</link><description>Fiji and Tonga discussed "
    b"ferry links</description></item>"
    b"</channel>"  # the rss element is never closed
)

CP1252_FEED = rss([(
    "Côte d’Ivoire and Mali reopen border — officials",
    "https://desk.example.net/2024/06/cote-divoire-mali",
    "Officials in Abidjan said the “temporary” closure had ended; traders welcomed the news.")],
    encoding="windows-1252").encode("cp1252")

UTF16_FEED = rss([(
    "Ελλάδα και Κύπρος: κοινή δήλωση",
    "https://desk.example.net/2024/06/greece-cyprus",
    "Οι υπουργοί Εξωτερικών της Ελλάδας και της Κύπρου εξέδωσαν κοινή δήλωση για την ενέργεια.")],
    encoding="utf-16").encode("utf-16")

ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (n, b"".join(b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"")
                                                              for _ in range(10)))
               for n in range(1, 10))
    + b']>\n<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
    b"<link>https://bomb.example.net/1</link><description>&lol9;</description></item></channel></rss>"
)

QUADRATIC_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "' + b"x" * 50_000 + b'">]>\n'
    b'<rss version="2.0"><channel><title>Quadratic</title><item><title>Q</title>'
    b"<link>https://bomb.example.net/q</link><description>" + b"&big;" * 20_000
    + b"</description></item></channel></rss>"
)

EMPTY_ENTRY_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Gaps</title>'
    b"<item><title>Peru and Bolivia agree on lake survey</title>"
    b"<link>https://gaps.example.net/peru-bolivia</link>"
    b"<description>A joint team will map Lake Titicaca next year.</description></item>"
    b"<item><link>https://gaps.example.net/empty</link><description>  </description></item>"
    b"</channel></rss>"
)

BINARY_AS_RSS = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def many_entries_feed(count: int) -> bytes:
    items = "".join(f"<item><title>Bulletin {n}</title><link>https://many.example.net/{n}</link>"
                    f"<description>Routine consular notice number {n}.</description></item>"
                    for n in range(count))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Many</title>{items}'
            "</channel></rss>").encode()


ARTICLE_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Ghana and Togo sign fisheries accord</title>
<script>var tracker = "should never appear";</script><style>body {{ color: black; }}</style></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Ghana and Togo sign fisheries accord</h1>
<p>Ghana and Togo signed an agreement in Lomé on Monday that lets boats from both countries fish in a
shared zone off their coasts, the two foreign ministries said in a joint statement.</p>
<p>The accord sets up a joint patrol and a commission that will meet twice a year to set catch limits.
Officials said it followed three years of talks mediated by the Economic Community of West African
States.</p>
<p>Fishing groups in Accra welcomed the deal but asked for compensation for boats seized during earlier
disputes, and said they would watch how the patrols are run. {marker}</p>
</article><footer>Copyright Test Desk. All rights reserved.</footer></body></html>"""

ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # the tests read server.requests instead

    def do_GET(self):
        self.server.record(self)
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self.send_body(404, b"not here", "text/plain")
            return
        # The client may give up, as it should on a slow or huge response.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            route(self)

    def send_body(self, status: int, body: bytes, content_type: str = "application/rss+xml",
                  headers: dict[str, str] | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def record(self, handler: _Handler) -> None:
        with self._lock:
            path = handler.path.split("?", 1)[0]
            self.requests.append((path, {k.lower(): v for k, v in handler.headers.items()}))
            self.hits[path] += 1

    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-response is what several tests provoke


class FeedServer:
    """The server and its routes; ``url(path)`` gives the address of a route."""

    def __init__(self):
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Route) -> None:
        self._server.routes[path] = handler

    def hits(self, path: str) -> int:
        return self._server.hits[path]

    def headers_sent(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in list(self._server.requests) if p == path]

    @property
    def stopping(self) -> threading.Event:
        return self._server.stopping


# --- behaviours -----------------------------------------------------------------------------------

def static(body: bytes, content_type: str = "application/rss+xml", status: int = 200) -> Route:
    return lambda handler: handler.send_body(status, body, content_type)


def with_etag(body: bytes, etag: str = '"v1"') -> Route:
    def route(handler):
        if handler.headers.get("If-None-Match") == etag:
            handler.send_body(304, b"", headers={"ETag": etag})
        else:
            handler.send_body(200, body, headers={"ETag": etag})
    return route


LAST_MODIFIED = email.utils.format_datetime(dt.datetime(2024, 6, 3, 8, 0, tzinfo=dt.timezone.utc),
                                            usegmt=True)


def with_last_modified(body: bytes) -> Route:
    def route(handler):
        if handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
            handler.send_body(304, b"", headers={"Last-Modified": LAST_MODIFIED})
        else:
            handler.send_body(200, body, headers={"Last-Modified": LAST_MODIFIED})
    return route


def fails_then_works(body: bytes, failures: int = 1, status: int = 500) -> Route:
    state = {"calls": 0}

    def route(handler):
        state["calls"] += 1
        if state["calls"] <= failures:
            handler.send_body(status, b"temporarily broken", "text/plain")
        else:
            handler.send_body(200, body)
    return route


def slow_headers(delay_s: float) -> Route:
    def route(handler):
        handler.server.stopping.wait(delay_s)
        handler.send_body(200, BASIC_FEED)
    return route


def drip(interval_s: float) -> Route:
    """Headers at once, then one byte every ``interval_s`` for ever: only a deadline stops it."""
    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(50_000))
        handler.end_headers()
        handler.wfile.write(b"<")
        while not handler.server.stopping.wait(interval_s):
            handler.wfile.write(b" ")
            handler.wfile.flush()
    return route


def header_drip(interval_s: float) -> Route:
    """A status line, then header bytes one at a time for ever: the body never starts."""
    def route(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while not handler.server.stopping.wait(interval_s):
            handler.wfile.write(b"a")
            handler.wfile.flush()
    return route


def endless(declare_length: int | None) -> Route:
    """A body that never ends (streamed as fast as the client reads), optionally claiming a length."""
    chunk = b"<!-- padding -->" * 4096

    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if declare_length is not None:
            handler.send_header("Content-Length", str(declare_length))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(100_000):  # at most 6.5 GB, never reached: the client hangs up first
            if handler.server.stopping.is_set():
                return
            handler.wfile.write(chunk)
        handler.close_connection = True
    return route


def compressed(body: bytes, encoding: str) -> Route:
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    else:
        compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data, encoding = compressor.compress(body) + compressor.flush(), "deflate"

    def route(handler):
        handler.send_body(200, data, headers={"Content-Encoding": encoding})
    return route


def redirect(status: int, location: str) -> Route:
    def route(handler):
        handler.send_body(status, b"moved", "text/plain", headers={"Location": location})
    return route


def standard_routes(server: FeedServer, *, slow_s: float = 3.0) -> FeedServer:
    """Every behaviour the feed tests need (paths below)."""
    routes = {
        "/basic.xml": static(BASIC_FEED),
        "/etag.xml": with_etag(BASIC_FEED),
        "/last-modified.xml": with_last_modified(BASIC_FEED),
        "/missing.xml": static(b"no such feed", "text/plain", status=404),
        "/forbidden.xml": static(b"go away", "text/plain", status=403),
        "/flaky.xml": fails_then_works(BASIC_FEED),
        "/broken.xml": static(b"always broken", "text/plain", status=503),
        "/slow.xml": slow_headers(slow_s),
        "/drip.xml": drip(0.1),
        "/header-drip.xml": header_drip(0.1),
        "/gzip.xml": compressed(BASIC_FEED, "gzip"),
        "/deflate.xml": compressed(BASIC_FEED, "deflate"),
        "/raw-deflate.xml": compressed(BASIC_FEED, "raw-deflate"),
        "/gzip-bomb.xml": compressed(b"<rss>" + b" " * 60_000_000, "gzip"),
        "/old-home.xml": redirect(301, "/new-home.xml"),
        "/new-home.xml": static(BASIC_FEED),
        "/elsewhere.xml": redirect(302, "/basic.xml"),
        "/hop1.xml": redirect(301, "/hop2.xml"),
        "/hop2.xml": redirect(307, "/basic.xml"),
        "/loop.xml": redirect(302, "/loop.xml"),
        "/huge-declared.xml": endless(declare_length=1_000_000_000),
        "/huge-streamed.xml": endless(declare_length=None),
        "/malformed.xml": static(MALFORMED_FEED),
        "/not-a-feed.html": static(b"<html><body><p>Hello, this is a web page.</p></body></html>",
                                   "text/html"),
        "/binary.rss": static(BINARY_AS_RSS),
        "/cp1252.xml": static(CP1252_FEED, "application/rss+xml; charset=windows-1252"),
        "/utf16.xml": static(UTF16_FEED, "application/rss+xml"),
        "/bomb.xml": static(ENTITY_BOMB),
        "/quadratic.xml": static(QUADRATIC_BOMB),
        "/empty-entry.xml": static(EMPTY_ENTRY_FEED),
        "/many.xml": static(many_entries_feed(100_000)),
        "/robots.txt": static(ROBOTS_TXT, "text/plain"),
        "/articles/ghana-togo.html": static(ARTICLE_PAGE.format(marker="").encode(),
                                            "text/html; charset=utf-8"),
        "/private/briefing.html": static(ARTICLE_PAGE.format(marker="PRIVATE").encode(), "text/html"),
        "/articles/teaser.html": static(b"<html><body><p>Subscribe to read.</p></body></html>", "text/html"),
        "/articles/scan.pdf": static(b"%PDF-1.7 not a page", "application/pdf"),
    }
    for path, route in routes.items():
        server.route(path, route)
    return server


def serve(**options) -> FeedServer:
    """A started server with the standard routes (stop it with ``.stop()``)."""
    return standard_routes(FeedServer(), **options).start()

