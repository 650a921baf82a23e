"""Seed files: plain-text articles whose first line is `` date YYYY-MM-DD Headline.``.

Variations are tolerated: no leading space, CRLF line ends, a byte-order mark, blank lines before the
header, UTF-16 or Windows-1252 text. A file that is not text at all, or whose first line is not that
header (a bare headline, ``date 10/05/2024 ...``), raises ``SeedError``: guessing would file the article
under no date or a wrong one without anyone noticing.
"""

from __future__ import annotations

import codecs
import re

from transforms.normalize.textclean import clean_text, clean_title

_HEADER = re.compile(r"^\s*date\s+(\S+)\s*(.*)$", re.IGNORECASE)
_ISO_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
EXPECTED_HEADER = "' date YYYY-MM-DD Headline' (e.g. ' date 2021-10-28 Talks in Oslo.')"
_HEADER_EXCERPT_CHARS = 80
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of C0 control characters (other than whitespace) above which bytes are taken for binary.
_MAX_CONTROL_SHARE = 0.01


class SeedError(ValueError):
    """A seed file that cannot be used; ``reason`` is a rejects reason code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decode_text(data: bytes) -> str:
    """Decode bytes of unknown encoding: BOM first, then UTF-8, then Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if data.count(b"\x00") > len(data) // 4 and len(data) >= 2:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        return data.decode("utf-16-le" if data[1] == 0 else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f\v")
    return "\x00" in text or controls > _MAX_CONTROL_SHARE * max(len(text), 1)


def parse_seed(data: bytes) -> dict:
    """The parts of a seed file: ``title``, ``text``, ``published_raw`` and ``date_source``.

    Raises ``SeedError`` for a file that is empty, binary or without the header line.
    """
    if not data.strip():
        raise SeedError("empty_document", "The seed file is empty; remove it or add the article text.")
    try:
        raw = decode_text(data)
    except UnicodeDecodeError as error:
        raise SeedError("unreadable_file", f"The seed file is not decodable text ({error}); "
                        "save it as UTF-8.") from error
    if _looks_binary(raw):
        raise SeedError("unreadable_file", "The seed file looks binary, not text; seed files must be "
                        "plain text with a ' date YYYY-MM-DD Headline' first line.")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    first_line, _, rest = text.lstrip("\n").partition("\n")
    title, published_raw = _header_parts(first_line)
    body = clean_text(rest)
    title = clean_title(title)
    if not body and not title:
        raise SeedError("empty_document", "The seed file has a date line but no headline or text.")
    return {"title": title, "text": body, "published_raw": published_raw, "date_source": "seed_header"}


def _header_parts(first_line: str) -> tuple[str, str]:
    """(headline, date string) of a seed's header line; ``SeedError`` when it is not one.

    An impossible date of the right shape ("2021-02-30") is passed on as found: the article is kept and
    normalization flags its date 'unparseable', rather than losing the text over a typo.
    """
    header = _HEADER.match(first_line)
    if header and _ISO_DAY.match(header.group(1)):
        return header.group(2), header.group(1)
    found = first_line.strip()[:_HEADER_EXCERPT_CHARS]
    problem = "its date is not YYYY-MM-DD" if header else "it does not start with 'date'"
    raise SeedError("malformed_header", f"The first line of the seed file is not a header ({problem}): "
                    f"{found!r}. Seed files must start with {EXPECTED_HEADER}, then the article text.")
