"""Canonical URLs: one spelling per article link, so the same article read twice gets the same id.

Two links name the same page when they differ only in the case of the scheme or host, a default port,
an empty path, a fragment, the order of query parameters or tracking parameters added by newsletters and
social sites (``utm_*``, ``fbclid``...). ``canonical_url`` removes those differences and nothing else:
path case and the remaining query values are kept as written, since servers may treat them as distinct.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse

from outputs.paths import is_local

# Query parameters that only say how a reader reached the page. Lower-cased names; a trailing "*" is a
# prefix match.
TRACKING_PARAMETERS = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "igshid",
    "yclid",
    "twclid",
    "ocid",
    "cmpid",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "at_medium",
    "at_campaign",
    "ref_src",
    "spm",
)
_EXACT = frozenset(name for name in TRACKING_PARAMETERS if not name.endswith("*"))
_PREFIXES = tuple(name[:-1] for name in TRACKING_PARAMETERS if name.endswith("*"))
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEMES = ("http", "https")


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in _EXACT or lowered.startswith(_PREFIXES)


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urllib.parse.urlsplit(value.strip())
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def _host(parts: urllib.parse.SplitResult) -> str:
    host = parts.hostname or ""
    if not host.isascii():
        # An internationalized name in its ASCII form; an invalid one is kept as written.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    host = host.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return host


def canonical_url(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL; other strings come back stripped, unchanged.

    >>> canonical_url("HTTPS://News.Example.ORG:443/a/b?utm_source=x&id=7#top")
    'https://news.example.org/a/b?id=7'
    """
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not parts.hostname:
        return url
    host = _host(parts)
    try:
        port = parts.port
    except ValueError:
        port = None  # a malformed port: drop it rather than fail on one link
    # Credentials (user:password@) are dropped: they never identify an article and must not reach
    # the tables.
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    query_pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = sorted((name, value) for name, value in query_pairs if not is_tracking_parameter(name))
    query = urllib.parse.urlencode(kept, quote_via=urllib.parse.quote)
    return urllib.parse.urlunsplit((scheme, netloc, path, query, ""))


def resolve(base: str | None, link: str) -> str:
    """``link`` made absolute against ``base`` (a feed's URL) when it is relative."""
    link = link.strip()
    if not base or urllib.parse.urlsplit(link).scheme:
        return link
    return urllib.parse.urljoin(base, link)


def host_of(url: str) -> str:
    """The lower-case host of a URL ('' when it has none)."""
    return (urllib.parse.urlsplit(url).hostname or "").lower()


def as_file_uri(path_or_uri: str) -> str:
    """A feed location as a URI: URLs unchanged, local paths as absolute file:// URIs."""
    if not is_local(path_or_uri):
        return path_or_uri
    return "file://" + urllib.parse.quote(os.path.abspath(path_or_uri))
