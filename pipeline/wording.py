"""How counts read in what the command line prints: "1 feed", "2 feeds", "1 feed entry", "3 feed entries"."""

from __future__ import annotations

_VOWELS = "aeiou"


def counted(number: int, noun: str) -> str:
    """``number`` (with thousands separators) and ``noun``, in the plural unless ``number`` is 1.

    Only the regular English plurals the summaries need: "entry" → "entries", "day" → "days",
    everything else gains an "s". In a phrase, the last word is the noun ("seed file" → "seed files").
    """
    if number == 1:
        return f"{number:,} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in _VOWELS:
        return f"{number:,} {noun[:-1]}ies"
    return f"{number:,} {noun}s"
