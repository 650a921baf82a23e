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
