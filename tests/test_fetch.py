"""The HTTP client against a real server on 127.0.0.1 (tests/feedserver.py): every outcome bounded."""

from __future__ import annotations

import ipaddress
import time

import pytest

from pipeline import __version__
from tests.feedserver import BASIC_FEED, LAST_MODIFIED, serve
from transforms.sources import fetch

LIMITS = fetch.FetchLimits(timeout_s=0.5, max_bytes=1_000_000, backoff_s=0.01, deadline_s=1.5)


@pytest.fixture(scope="module")
def server():
    running = serve(slow_s=2.0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def pool():
    connections = fetch.make_pool()
    yield connections
    connections.clear()


def get(server, pool, path, **options):
    return fetch.fetch(server.url(path), limits=options.pop("limits", LIMITS), pool=pool, **options)


def test_plain_200_gives_the_body_and_validators(server, pool):
    result = get(server, pool, "/etag.xml")
    assert result.ok and result.status == 200
    assert result.body == BASIC_FEED
    assert result.etag == '"v1"'
    assert result.attempts == 1
    assert result.final_url == server.url("/etag.xml")
    assert result.content_type == "application/rss+xml"


def test_user_agent_names_communique_and_its_version(server, pool):
    get(server, pool, "/basic.xml")
    agent = server.headers_sent("/basic.xml")[-1]["user-agent"]
    assert agent.startswith(f"communique/{__version__} (")
    assert "gzip" in server.headers_sent("/basic.xml")[-1]["accept-encoding"]


def test_etag_is_sent_back_and_304_has_no_body(server, pool):
    first = get(server, pool, "/etag.xml")
    second = get(server, pool, "/etag.xml", etag=first.etag)
    assert server.headers_sent("/etag.xml")[-1]["if-none-match"] == '"v1"'
    assert second.ok and second.status == 304 and second.not_modified
    assert second.body is None
    assert second.etag == '"v1"'


def test_last_modified_is_sent_back_and_304_follows(server, pool):
    first = get(server, pool, "/last-modified.xml")
    assert first.last_modified == LAST_MODIFIED and not first.not_modified
    second = get(server, pool, "/last-modified.xml", last_modified=first.last_modified)
    assert server.headers_sent("/last-modified.xml")[-1]["if-modified-since"] == LAST_MODIFIED
    assert second.not_modified and second.status == 304


@pytest.mark.parametrize("path, status", [("/missing.xml", 404), ("/forbidden.xml", 403)])
def test_4xx_fails_at_once_without_retry(server, pool, path, status):
    before = server.hits(path)
    result = get(server, pool, path)
    assert not result.ok
    assert result.error_code == fetch.HTTP_ERROR and result.status == status
    assert str(status) in result.error_message
    assert result.attempts == 1 and server.hits(path) == before + 1


def test_500_then_200_succeeds_on_retry(server, pool):
    result = get(server, pool, "/flaky.xml")
    assert result.ok and result.status == 200 and result.body == BASIC_FEED
    assert result.attempts == 2


def test_persistent_5xx_gives_up_after_the_attempts(server, pool):
    before = server.hits("/broken.xml")
    result = get(server, pool, "/broken.xml")
    assert result.error_code == fetch.HTTP_ERROR and result.status == 503
    assert result.attempts == LIMITS.max_attempts
    assert server.hits("/broken.xml") == before + LIMITS.max_attempts
    assert "after 3 attempts" in result.error_message


def test_slow_response_times_out_and_is_retried_a_bounded_number_of_times(server, pool):
    started = time.monotonic()
    result = get(server, pool, "/slow.xml")
    assert result.error_code == fetch.TIMEOUT
    assert result.attempts == LIMITS.max_attempts
    assert result.status is None
    assert time.monotonic() - started < LIMITS.max_attempts * LIMITS.timeout_s + 1.5


def test_never_ending_drip_stops_at_the_deadline(server, pool):
    started = time.monotonic()
    result = get(server, pool, "/drip.xml")
    assert result.error_code == fetch.TOO_SLOW
    assert result.attempts == 1  # a server that slow is not asked again
    assert time.monotonic() - started < LIMITS.attempt_deadline_s + 1.0


def test_headers_dripping_for_ever_stop_at_the_deadline(server):
    pool = fetch.make_pool(header_deadline_s=LIMITS.attempt_deadline_s)
    started = time.monotonic()
    result = fetch.fetch(server.url("/header-drip.xml"), limits=LIMITS, pool=pool)
    assert result.error_code == fetch.TOO_SLOW and result.attempts == 1
    assert "no complete headers within 1.5 s" in result.error_message
    assert time.monotonic() - started < LIMITS.attempt_deadline_s + 1.0
    # The pool is still usable afterwards.
    assert fetch.fetch(server.url("/basic.xml"), limits=LIMITS, pool=pool).body == BASIC_FEED


@pytest.mark.parametrize("path", ["/gzip.xml", "/deflate.xml", "/raw-deflate.xml"])
def test_compressed_bodies_are_decoded(server, pool, path):
    result = get(server, pool, path)
    assert result.ok and result.body == BASIC_FEED


def test_compression_bomb_stops_at_the_size_limit(server, pool):
    result = get(server, pool, "/gzip-bomb.xml")
    assert result.error_code == fetch.TOO_LARGE
    assert result.body is None


def test_declared_1gb_body_is_refused_before_reading(server, pool):
    result = get(server, pool, "/huge-declared.xml")
    assert result.error_code == fetch.TOO_LARGE
    assert "1000000000" in result.error_message


def test_undeclared_endless_body_stops_at_the_size_limit(server, pool):
    result = get(server, pool, "/huge-streamed.xml")
    assert result.error_code == fetch.TOO_LARGE and result.attempts == 1


def test_301_is_followed_and_reported_as_a_move(server, pool):
    result = get(server, pool, "/old-home.xml")
    assert result.ok and result.body == BASIC_FEED
    assert result.final_url == server.url("/new-home.xml")
    assert result.moved_to == server.url("/new-home.xml")


def test_302_is_followed_but_not_a_move(server, pool):
    result = get(server, pool, "/elsewhere.xml")
    assert result.ok and result.final_url == server.url("/basic.xml")
    assert result.moved_to is None


def test_a_temporary_hop_after_a_permanent_one_is_not_a_move(server, pool):
    result = get(server, pool, "/hop1.xml")
    assert result.ok and result.final_url == server.url("/basic.xml")
    assert result.moved_to is None


def test_redirect_loop_ends(server, pool):
    result = get(server, pool, "/loop.xml")
    assert result.error_code == fetch.TOO_MANY_REDIRECTS and result.attempts == 1


def test_refused_connection_is_a_connection_error():
    # A port nobody listens on: bind one, note it, close it.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limits = fetch.FetchLimits(timeout_s=0.5, backoff_s=0.01, max_attempts=2)
    result = fetch.fetch(f"http://127.0.0.1:{port}/feed.xml", limits=limits)
    assert result.error_code == fetch.CONNECTION_ERROR
    assert result.attempts == 2


@pytest.mark.parametrize("url", ["ftp://example.org/feed.xml", "http:///nohost", "not a url"])
def test_non_http_urls_are_refused_without_a_request(url):
    result = fetch.fetch(url, limits=LIMITS)
    assert result.error_code == fetch.BAD_URL and result.attempts == 1


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        fetch.FetchLimits(timeout_s=0)


BAD_RETRY_AFTER = ["soon", "Thu, 99 Foo 2024 99:99:99 GMT", "-5", "1e9", "Mon, 01 Jan 0001"]


@pytest.mark.parametrize(("case", "retry_after"), list(enumerate(BAD_RETRY_AFTER)))
def test_an_unparseable_retry_after_is_ignored_not_raised(server, pool, case, retry_after):
    """Before: 'soon' raised ValueError out of fetch._retry_after and failed the whole run."""
    path = f"/retry-after-{case}.xml"
    server.route(path, lambda handler: handler.send_body(503, b"busy", "text/plain",
                                                         headers={"Retry-After": retry_after}))
    result = get(server, pool, path)
    assert result.error_code == fetch.HTTP_ERROR and result.status == 503
    assert result.attempts == LIMITS.max_attempts


def test_a_huge_retry_after_waits_no_longer_than_the_backoff_cap(server, pool):
    server.route("/retry-after-huge.xml", lambda handler: handler.send_body(
        503, b"busy", "text/plain", headers={"Retry-After": "999999999999"}))
    waits = []
    get(server, pool, "/retry-after-huge.xml", sleep=waits.append)
    assert waits and max(waits) <= LIMITS.max_backoff_s


@pytest.fixture(scope="module")
def public_only_pool():
    connections = fetch.make_pool(address_allowed=fetch.is_public_address)
    yield connections
    connections.clear()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_guarded_pool_refuses_loopback_after_resolving_the_name(server, public_only_pool, host):
    hits = server.hits("/basic.xml")
    url = server.url("/basic.xml").replace("127.0.0.1", host)
    result = fetch.fetch(url, limits=LIMITS, pool=public_only_pool)
    assert result.error_code == fetch.ADDRESS_REFUSED and result.attempts == 1
    assert "--allow-private-addresses" in result.error_message
    assert server.hits("/basic.xml") == hits  # no request was made


def test_a_guarded_pool_checks_every_redirect(server):
    """The first hop is allowed; the redirect leads to another loopback address, refused before any
    connection is made to it."""
    pool = fetch.make_pool(address_allowed=lambda address: address == ipaddress.ip_address("127.0.0.1"))
    port = server.base.rsplit(":", 1)[1]
    server.route("/to-internal.xml", lambda handler: handler.send_body(
        302, b"", headers={"Location": f"http://127.0.0.2:{port}/admin"}))
    result = fetch.fetch(server.url("/to-internal.xml"), limits=LIMITS, pool=pool)
    assert server.hits("/to-internal.xml") >= 1
    assert result.error_code == fetch.ADDRESS_REFUSED
    assert result.final_url == f"http://127.0.0.2:{port}/admin"
    allowed = fetch.fetch(server.url("/basic.xml"), limits=LIMITS, pool=pool)
    assert allowed.ok and allowed.body == BASIC_FEED
    pool.clear()


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("224.0.0.1", False),
])
def test_public_addresses(address, public):
    assert fetch.is_public_address(ipaddress.ip_address(address)) is public
