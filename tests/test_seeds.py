import codecs

import pytest

from tests.conftest import SEED_DOCUMENT
from transforms.sources.seeds import SeedError, decode_text, parse_seed

BODY = "Ministers met in Oslo.\n\nThey agreed to meet again."


def test_the_seed_document_gives_date_headline_and_body_without_the_header():
    parsed = parse_seed(SEED_DOCUMENT.read_bytes())
    assert parsed["published_raw"] == "2021-10-28"
    assert parsed["date_source"] == "seed_header"
    assert parsed["title"].startswith("China, Russia, Iran, and Pakistan are forming a united front")
    assert parsed["text"].startswith("China, Russia, Iran, Pakistan, and countries in the region")
    assert "date 2021-10-28" not in parsed["text"]


@pytest.mark.parametrize(
    "raw",
    [
        b" date 2022-05-01 Talks in Oslo.\n\n" + BODY.encode(),
        b"date 2022-05-01 Talks in Oslo.\n\n" + BODY.encode(),
        b" date 2022-05-01 Talks in Oslo.\r\n\r\n" + BODY.replace("\n", "\r\n").encode(),
        codecs.BOM_UTF8 + b" date 2022-05-01 Talks in Oslo.\n\n" + BODY.encode(),
        (" date 2022-05-01 Talks in Oslo.\n\n" + BODY).encode("utf-16"),
        (" date 2022-05-01 Talks in Oslo.\n\n" + BODY).encode("utf-16-le"),
        b"\n\n  DATE 2022-05-01   Talks in Oslo.\n\n" + BODY.encode(),
    ],
    ids=["leading-space", "no-leading-space", "crlf", "bom", "utf16-bom", "utf16-no-bom", "blank-lines-case"],
)
def test_header_variations_give_the_same_article(raw):
    parsed = parse_seed(raw)
    assert parsed["published_raw"] == "2022-05-01"
    assert parsed["title"] == "Talks in Oslo."
    assert parsed["text"] == BODY


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"Just a headline\n\n" + BODY.encode(), "it does not start with 'date'"),
        (b" date 10/05/2024 Talks in Oslo.\n\n" + BODY.encode(), "its date is not YYYY-MM-DD"),
        (b"date: 2024-05-10 Talks in Oslo.\n\n" + BODY.encode(), "it does not start with 'date'"),
        (b" date May 10, 2024 Talks in Oslo.\n\n" + BODY.encode(), "its date is not YYYY-MM-DD"),
        (BODY.encode(), "it does not start with 'date'"),
    ],
    ids=["headline-only", "slashed-date", "colon", "written-date", "no-header"],
)
def test_a_malformed_header_is_a_reject_that_names_the_expected_header(raw, problem):
    # Before: accepted silently with title and date NULL (the article in the NULL partition).
    with pytest.raises(SeedError) as caught:
        parse_seed(raw)
    assert caught.value.reason == "malformed_header"
    assert problem in caught.value.detail
    assert "' date YYYY-MM-DD Headline'" in caught.value.detail
    assert raw.split(b"\n")[0].strip().decode()[:40] in caught.value.detail  # shows what was found


def test_windows_1252_text_is_decoded():
    parsed = parse_seed(" date 2019-11-05 Côte d’Ivoire – talks.\n\nIn Abidjan.".encode("cp1252"))
    assert parsed["title"] == "Côte d’Ivoire – talks."


def test_impossible_header_date_is_passed_on_for_normalization_to_flag():
    parsed = parse_seed(b" date 2021-02-30 Headline.\n\nText.")
    assert parsed["published_raw"] == "2021-02-30"
    assert parsed["text"] == "Text."


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "empty_document"), (b"  \n\n ", "empty_document"), (bytes(range(256)) * 4, "unreadable_file"),
     (b" date 2022-01-01\n\n", "empty_document")],
    ids=["empty", "blank", "binary", "header-only"],
)
def test_unusable_files_raise_with_a_reason(raw, reason):
    with pytest.raises(SeedError) as caught:
        parse_seed(raw)
    assert caught.value.reason == reason
    assert caught.value.detail


def test_decode_prefers_utf8_and_falls_back_to_cp1252():
    assert decode_text("Zürich".encode()) == "Zürich"
    assert decode_text("Zürich".encode("cp1252")) == "Zürich"
