"""Event fields derived from others: one definition each, shared by the events rows (schemas/events.py)
and the GDELT and Phoenix exports (pipeline/export_formats.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

BASE_CODE_LENGTH = 3

# The lead of an article, where GDELT's IsRootEvent looks: the headline (-1) and the first sentence (0).
LEAD_SENTENCE_MAX = 0


def base_code(cameo_code: str) -> str:
    """The three-digit CAMEO base code ('043' of '043', '031' of '0311'; a root-level '04' stays '04')."""
    return cameo_code[:BASE_CODE_LENGTH]


def is_root_event(sentence_index: int) -> bool:
    """GDELT's IsRootEvent: the event is first reported in the article's lead (headline or first sentence)."""
    return sentence_index <= LEAD_SENTENCE_MAX


def outlet(source_uri: str | None) -> str | None:
    """The news outlet of an article: its link's host name without 'www.' (seed files have none)."""
    if not source_uri or "://" not in source_uri:
        return None
    host = urlsplit(source_uri).hostname or ""
    return host.removeprefix("www.") or None
