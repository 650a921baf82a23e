"""Deterministic identifiers: every id is a hash of content or of a canonical URL."""

from __future__ import annotations

import hashlib

ID_HEX_CHARS = 16
_SEPARATOR = "\x1f"  # unit separator: cannot occur in the text parts we hash


def stable_id(*parts: object) -> str:
    """A 16-hex-character id from the given parts; ``None`` hashes as the empty string."""
    joined = _SEPARATOR.join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def content_hash(text: str) -> str:
    """The full SHA-256 of a text, for change detection across runs."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
