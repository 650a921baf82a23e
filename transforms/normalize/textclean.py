"""Text clean-up shared by every source, done once before any offset is taken."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_TRAILING_SPACE = re.compile(r" +\n")
_LEADING_SPACE = re.compile(r"\n +")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# The most text one article may carry, in characters of clean text (about 30,000 words; the longest wire
# stories run to 10,000). Every later stage costs at least linear time in the text, and a hostile feed
# entry or seed file of megabytes would hold the run (and its lock) for minutes; the rest is cut off
# (see ``bounded_text``), flagged in ``articles.text_chars_dropped`` and reported as a reject.
MAX_ARTICLE_CHARS = 200_000
# A headline is parsed as one sentence, whose cost grows faster than its length; the longest real ones
# have about 200 characters.
MAX_TITLE_CHARS = 1_000


def clean_text(text: str) -> str:
    """NFC-normalized text with one space between words and one blank line between paragraphs.

    Line breaks inside a paragraph are kept (they rarely matter and removing them would move offsets of
    nothing); runs of three or more newlines collapse to a paragraph break.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _LEADING_SPACE.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def clean_title(title: str | None) -> str | None:
    """A title on one line, or None when nothing is left."""
    if title is None:
        return None
    title = " ".join(clean_text(title).split())
    return title or None


def bounded_text(text: str, max_chars: int = MAX_ARTICLE_CHARS) -> tuple[str, int]:
    """``text`` cut to at most ``max_chars`` characters, and how many characters were cut off.

    The cut falls on the last paragraph break, else line break, else space in the last tenth of the
    allowance, so a sentence or a word is not left in pieces when that can be helped.
    """
    if len(text) <= max_chars:
        return text, 0
    window = text[:max_chars]
    floor = max_chars - max_chars // 10
    cut = max_chars
    for boundary in ("\n\n", "\n", " "):
        found = window.rfind(boundary, floor)
        if found > 0:
            cut = found
            break
    kept = window[:cut].rstrip()
    return kept, len(text) - len(kept)
