"""canonical_url: one spelling per article link."""

from __future__ import annotations

import pytest

from transforms.sources.urls import (
    as_file_uri,
    canonical_url,
    host_of,
    is_tracking_parameter,
    is_web_url,
    resolve,
)


@pytest.mark.parametrize("raw, canonical", [
    ("HTTPS://News.Example.ORG/World/Story", "https://news.example.org/World/Story"),
    ("https://news.example.org:443/a", "https://news.example.org/a"),
    ("http://news.example.org:80/a", "http://news.example.org/a"),
    ("http://news.example.org:8080/a", "http://news.example.org:8080/a"),
    ("https://news.example.org", "https://news.example.org/"),
    ("https://news.example.org/a#section-2", "https://news.example.org/a"),
    ("https://news.example.org/a?utm_source=rss&utm_medium=feed&id=7", "https://news.example.org/a?id=7"),
    ("https://news.example.org/a?UTM_Campaign=x&fbclid=abc&gclid=1", "https://news.example.org/a"),
    ("https://news.example.org/a?b=2&a=1", "https://news.example.org/a?a=1&b=2"),
    ("https://news.example.org/a?q=peace%20talks", "https://news.example.org/a?q=peace%20talks"),
    ("https://user:secret@news.example.org/a", "https://news.example.org/a"),
    ("  https://news.example.org/a  ", "https://news.example.org/a"),
    ("https://news.example.org./a", "https://news.example.org/a"),
    ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
])
def test_canonical_forms(raw, canonical):
    assert canonical_url(raw) == canonical


def test_canonical_is_idempotent():
    once = canonical_url("HTTP://Example.org:80/x?utm_term=a&z=1&a=2#frag")
    assert canonical_url(once) == once


@pytest.mark.parametrize("value", ["tag:example.org,2024:1", "urn:uuid:1234", "/relative/path",
                                   "mailto:a@b.c"])
def test_non_web_strings_are_returned_unchanged(value):
    assert canonical_url(value) == value


def test_tracking_parameters():
    assert is_tracking_parameter("utm_content") and is_tracking_parameter("FBCLID")
    assert not is_tracking_parameter("id") and not is_tracking_parameter("page")


def test_helpers():
    assert is_web_url("https://a.example/x") and not is_web_url("file:///tmp/x.xml")
    assert not is_web_url("http:///nohost")
    assert resolve("https://a.example/feeds/world.xml", "../2024/story") == "https://a.example/2024/story"
    assert resolve(None, "/story") == "/story"
    assert resolve("https://a.example/f.xml", "https://b.example/s") == "https://b.example/s"
    assert host_of("https://News.Example.org:8443/x") == "news.example.org"
    assert as_file_uri("https://a.example/f.xml") == "https://a.example/f.xml"
    assert as_file_uri("/tmp/some feed.xml") == "file:///tmp/some%20feed.xml"
