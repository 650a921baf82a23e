"""Feed lists for --feeds (placeholder until the feeds issue lands: plain lists only)."""

from __future__ import annotations


def read_feed_list(path: str) -> list[str]:
    """The feeds named in ``path``: one per line, blank lines and # comments ignored."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.split("#", 1)[0].strip() for line in handle]
    return [line for line in lines if line]
