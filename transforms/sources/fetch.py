"""A polite, bounded HTTP client for feeds and article pages (urllib3 underneath).

``fetch`` makes one logical GET and always returns a ``FetchResult``; it never raises for anything the
network or the server does. What it guarantees:

- conditional GET: a stored ETag / Last-Modified is sent, and a 304 comes back with no body;
- connect and read timeouts on every socket operation, and a deadline for the whole response, so a
  server that drips a byte at a time cannot hold a worker;
- a maximum body size enforced while streaming, after decompression (gzip/deflate are decoded here,
  with the same cap, so a compression bomb stops at the limit);
- redirects followed by hand (at most ``max_redirects``, http/https only); when every hop was permanent
  (301/308) the result says where the resource moved, so the caller can update its stored URL;
- bounded retries with exponential backoff on timeouts, connection errors and 5xx, never on 4xx;
- a User-Agent naming communique, its version and where to read about it;
- optionally (``make_pool(address_allowed=...)``), connections only to addresses a policy allows, checked
  on the addresses the host name resolves to, at every connection, so on every redirect too: links found
  in fetched content must not reach loopback, private or link-local services (SSRF).
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import http.client
import importlib.metadata
import ipaddress
import socket
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable

import urllib3
import urllib3.connection
import urllib3.exceptions
import urllib3.util.connection

# No project URL in it: communique has no public home page to point site owners at.
USER_AGENT = f"communique/{importlib.metadata.version('communique')} (Apache Beam news-event pipeline)"
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})

# Error codes of a failed fetch (FetchResult.error_code).
TIMEOUT = "timeout"
TOO_SLOW = "too_slow"
TOO_LARGE = "too_large"
HTTP_ERROR = "http_error"
CONNECTION_ERROR = "connection_error"
TLS_ERROR = "tls_error"
TOO_MANY_REDIRECTS = "too_many_redirects"
BAD_URL = "bad_url"
BAD_ENCODING = "bad_encoding"
ADDRESS_REFUSED = "address_refused"


@dataclasses.dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    timeout_s: float = 20.0  # connect timeout, and read timeout between two bytes
    max_bytes: int = 20_000_000  # body size after decompression
    max_attempts: int = 3  # first try included
    backoff_s: float = 1.0  # wait before the first retry; doubles each time
    max_backoff_s: float = 30.0
    deadline_s: float | None = None  # the whole response of one attempt; default 3 × timeout_s
    max_redirects: int = 5

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.max_bytes <= 0 or self.max_attempts < 1:
            raise ValueError(f"fetch limits must be positive: {self}")

    @property
    def attempt_deadline_s(self) -> float:
        return self.deadline_s if self.deadline_s is not None else 3 * self.timeout_s


@dataclasses.dataclass
class FetchResult:
    """What one fetch produced. ``body`` is set only for a 2xx answer within the limits."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int | None = None  # HTTP status of the final response; None when no response came
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    moved_to: str | None = None  # set when every redirect on the way was permanent (301/308)
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error_code is None


class FetchError(Exception):
    """One attempt failed; ``retryable`` says whether another attempt may succeed."""

    def __init__(self, code: str, message: str, *, retryable: bool, status: int | None = None,
                 retry_after_s: float | None = None):
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable
        self.status, self.retry_after_s = status, retry_after_s


class AddressRefused(urllib3.exceptions.HTTPError):
    """The host resolves to an address the pool's policy does not allow; no connection was made."""


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local (cloud
    metadata services live there), shared, reserved, multicast and unspecified addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class _AddressGuard:
    """Resolves the host itself and connects only when the policy allows every address it resolves to,
    connecting to a checked address (so a second DNS answer cannot differ from the one checked)."""

    address_allowed: Callable | None = None  # set per pool class, as a staticmethod

    def _new_conn(self):
        allowed = self.address_allowed
        if allowed is None:
            return super()._new_conn()
        host = self.host
        try:
            resolved = socket.getaddrinfo(host, self.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise urllib3.exceptions.NameResolutionError(host, self, error) from error
        addresses = list(dict.fromkeys(info[4][0] for info in resolved))
        for address in addresses:
            if not allowed(ipaddress.ip_address(address.split("%", 1)[0])):
                raise AddressRefused(f"{host} resolves to {address}, a loopback, private, link-local or "
                                     "otherwise non-public address; links found in fetched content may "
                                     "not lead there (--allow-private-addresses allows it).")
        try:
            return urllib3.util.connection.create_connection(
                (addresses[0], self.port), self.timeout, source_address=self.source_address,
                socket_options=self.socket_options)
        except TimeoutError as error:
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {host} timed out. (connect timeout={self.timeout})") from error
        except OSError as error:
            raise urllib3.exceptions.NewConnectionError(
                self, f"Failed to establish a new connection: {error}") from error


class HeadersTooSlow(urllib3.exceptions.TimeoutError):
    """The status line and headers did not arrive within the deadline."""


class _HeaderDeadline:
    """http.client reads the status line and headers with a timeout per socket read, so a server that
    drips header bytes could hold a connection for ever. This shuts the socket down at a deadline."""

    header_deadline_s = 60.0

    def getresponse(self):
        sock = self.sock
        fired = threading.Event()

        def abort() -> None:
            fired.set()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(self.header_deadline_s, abort)
        timer.daemon = True
        timer.start()
        try:
            response = super().getresponse()
        except (OSError, http.client.HTTPException) as error:
            if fired.is_set():
                raise HeadersTooSlow(f"no complete headers within {self.header_deadline_s:g} s") from error
            raise
        finally:
            timer.cancel()
        if fired.is_set():  # the headers were cut short: the response cannot be trusted
            response.close()
            raise HeadersTooSlow(f"no complete headers within {self.header_deadline_s:g} s")
        return response


def _pool_classes(header_deadline_s: float, address_allowed: Callable | None) -> dict[str, type]:
    settings = {"header_deadline_s": header_deadline_s,
                "address_allowed": staticmethod(address_allowed) if address_allowed else None}
    http_connection = type("DeadlineHTTPConnection",
                           (_AddressGuard, _HeaderDeadline, urllib3.connection.HTTPConnection), settings)
    https_connection = type("DeadlineHTTPSConnection",
                            (_AddressGuard, _HeaderDeadline, urllib3.connection.HTTPSConnection), settings)
    return {
        "http": type("DeadlineHTTPConnectionPool", (urllib3.HTTPConnectionPool,),
                     {"ConnectionCls": http_connection}),
        "https": type("DeadlineHTTPSConnectionPool", (urllib3.HTTPSConnectionPool,),
                      {"ConnectionCls": https_connection}),
    }


def make_pool(max_connections_per_host: int = 4, header_deadline_s: float = 60.0,
              address_allowed: Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool] | None = None,
              ) -> urllib3.PoolManager:
    """A connection pool for many fetches; certificates are verified (urllib3's default), and headers
    must arrive within ``header_deadline_s``. With ``address_allowed`` (e.g. ``is_public_address``), a
    connection is made only when every address the host resolves to passes it (a refusal is the fetch
    error ``address_refused``)."""
    pool = urllib3.PoolManager(num_pools=32, maxsize=max_connections_per_host, block=True, retries=False)
    pool.pool_classes_by_scheme = _pool_classes(header_deadline_s, address_allowed)
    return pool


def _decoder(content_encoding: str | None):
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return "deflate"  # zlib-wrapped or raw: decided on the first bytes
    raise FetchError(BAD_ENCODING, f"The server sent an unsupported Content-Encoding {encoding!r}.",
                     retryable=False)


def _read_body(response, limits: FetchLimits, deadline: float) -> bytes:
    """The decoded body, streamed: stops at ``max_bytes`` (decoded) or at the deadline."""
    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and not response.headers.get("Content-Encoding") \
            and int(declared) > limits.max_bytes:
        raise FetchError(TOO_LARGE, f"The body is {int(declared)} bytes (Content-Length), more than the "
                         f"limit of {limits.max_bytes}; raise --max-feed-bytes if the feed is genuine.",
                         retryable=False)
    decoder = _decoder(response.headers.get("Content-Encoding"))
    pieces: list[bytes] = []
    size = 0

    def keep(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > limits.max_bytes:
            raise FetchError(TOO_LARGE, f"The body is more than {limits.max_bytes} bytes (decoded); raise "
                             "--max-feed-bytes if the feed is genuine.", retryable=False)
        pieces.append(piece)

    while True:
        if time.monotonic() > deadline:
            raise FetchError(TOO_SLOW, f"The response did not complete within {limits.attempt_deadline_s:g} "
                             f"seconds ({size} bytes received); the server is too slow.", retryable=False)
        chunk = response.read1(CHUNK_BYTES, decode_content=False)
        if not chunk:
            break
        if decoder is None:
            keep(chunk)
            continue
        if decoder == "deflate":
            # RFC 9110 says zlib-wrapped; some servers send raw deflate. The first byte tells.
            decoder = zlib.decompressobj(zlib.MAX_WBITS if chunk[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        try:
            # Never inflate more than one byte past the limit, however small the compressed input.
            keep(decoder.decompress(chunk, limits.max_bytes - size + 1))
        except zlib.error as error:
            raise FetchError(BAD_ENCODING, f"The compressed body is corrupt: {error}.",
                             retryable=False) from error
    if decoder is not None and not isinstance(decoder, str):
        try:
            keep(decoder.flush())
        except zlib.error as error:
            raise FetchError(BAD_ENCODING, f"The compressed body is corrupt: {error}.",
                             retryable=False) from error
    return b"".join(pieces)


def _retry_after(response) -> float | None:
    """Seconds the server asks us to wait, or None when it says nothing usable (a server's bad header
    must not fail the fetch, let alone the run; the caller caps the wait)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(BAD_URL, f"{url!r} is not an http(s) URL.", retryable=False)


def _finish(response, consumed: bool) -> None:
    """Give the connection back; one whose body was not read is closed, not drained (bounded work)."""
    if not consumed:
        response.close()
    response.release_conn()


def _attempt(pool: urllib3.PoolManager, url: str, headers: dict, limits: FetchLimits,
             result: FetchResult) -> None:
    """One try at ``url`` with its redirects; fills ``result`` or raises FetchError."""
    deadline = time.monotonic() + limits.attempt_deadline_s
    timeout = urllib3.Timeout(connect=limits.timeout_s, read=limits.timeout_s)
    permanent = True
    for _ in range(limits.max_redirects + 1):
        _check_url(url)
        result.final_url = url
        try:
            response = pool.request("GET", url, headers=headers, redirect=False, retries=False,
                                    preload_content=False, decode_content=False, timeout=timeout)
        except urllib3.exceptions.LocationValueError as error:
            raise FetchError(BAD_URL, f"{url!r} is not a valid URL: {error}.", retryable=False) from error
        consumed = False
        try:
            result.status = response.status
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(HTTP_ERROR, f"HTTP {response.status} redirect without a Location.",
                                     retryable=False, status=response.status)
                permanent = permanent and response.status in PERMANENT_REDIRECTS
                url = urllib.parse.urljoin(url, location.strip())
                continue
            if response.status == 304:
                result.not_modified = True
            elif response.status >= 400:
                retryable = response.status >= 500
                raise FetchError(HTTP_ERROR, f"HTTP {response.status} {response.reason or ''}".strip()
                                 + ("" if retryable else "; the server refused the request."),
                                 retryable=retryable, status=response.status,
                                 retry_after_s=_retry_after(response) if retryable else None)
            else:
                result.body = _read_body(response, limits, deadline)
                consumed = True
            result.content_type = response.headers.get("Content-Type")
            result.etag = response.headers.get("ETag")
            result.last_modified = response.headers.get("Last-Modified")
            if url != result.url and permanent:
                result.moved_to = url
            return
        finally:
            _finish(response, consumed)
    raise FetchError(TOO_MANY_REDIRECTS, f"More than {limits.max_redirects} redirects, last to {url!r}.",
                     retryable=False)


def _as_fetch_error(error: urllib3.exceptions.HTTPError) -> FetchError:
    if isinstance(error, AddressRefused):
        return FetchError(ADDRESS_REFUSED, f"Refused: {error}", retryable=False)
    if isinstance(error, HeadersTooSlow):
        return FetchError(TOO_SLOW, f"The server is too slow: {error}.", retryable=False)
    # NewConnectionError subclasses ConnectTimeoutError in urllib3, but a refusal is not a timeout.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return FetchError(CONNECTION_ERROR, f"Connection failed: {error}.", retryable=True)
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return FetchError(TIMEOUT, f"Timed out: {error}.", retryable=True)
    if isinstance(error, urllib3.exceptions.SSLError):
        return FetchError(TLS_ERROR, f"TLS failed: {error}.", retryable=False)
    if isinstance(error, urllib3.exceptions.LocationParseError):
        return FetchError(BAD_URL, f"Not a valid URL: {error}.", retryable=False)
    return FetchError(CONNECTION_ERROR, f"Connection failed: {error}.", retryable=True)


def fetch(url: str, *, limits: FetchLimits, pool: urllib3.PoolManager | None = None,
          etag: str | None = None, last_modified: str | None = None, accept: str = FEED_ACCEPT,
          sleep: Callable[[float], None] = time.sleep) -> FetchResult:
    """GETs ``url`` within ``limits``; the result says what happened (it never raises for the network)."""
    pool = pool or make_pool(header_deadline_s=limits.attempt_deadline_s)
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = FetchResult(url=url, final_url=url)
    started = time.monotonic()
    for attempt in range(1, limits.max_attempts + 1):
        result.attempts = attempt
        result.status, result.body = None, None
        try:
            try:
                _attempt(pool, url, headers, limits, result)
            except urllib3.exceptions.HTTPError as error:
                raise _as_fetch_error(error) from error
            except OSError as error:  # a socket error urllib3 did not wrap
                raise FetchError(CONNECTION_ERROR, f"Connection failed: {error}.", retryable=True) from error
        except FetchError as error:
            result.error_code, result.error_message = error.code, error.message
            if error.status is not None:
                result.status = error.status
            if not error.retryable or attempt == limits.max_attempts:
                break
            wait = min(limits.backoff_s * 2 ** (attempt - 1), limits.max_backoff_s)
            if error.retry_after_s is not None:
                wait = min(max(wait, error.retry_after_s), limits.max_backoff_s)
            sleep(wait)
            continue
        result.error_code = result.error_message = None
        break
    if result.error_code and result.attempts > 1:
        result.error_message = f"{result.error_message} (after {result.attempts} attempts)"
    result.elapsed_ms = round((time.monotonic() - started) * 1000)
    return result
