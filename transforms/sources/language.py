"""A cheap language guess for texts whose source declares none (seed files, some feeds)."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

UNKNOWN = "und"
_WORD = re.compile(r"\w+", re.UNICODE)
_SAMPLE_WORDS = 200
_MIN_HITS = 3


@functools.cache
def _stopwords() -> dict[str, frozenset[str]]:
    path = resources.files("transforms") / "lexicons" / "language" / "stopwords.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    return {code: frozenset(words) for code, words in table.items() if not code.startswith("_")}


def normalize_language(declared: str | None) -> str | None:
    """'en-US' -> 'en'; None or blank -> None."""
    if not declared or not declared.strip():
        return None
    return re.split(r"[-_]", declared.strip().lower(), maxsplit=1)[0] or None


def guess_language(text: str) -> str:
    """The ISO 639-1 code whose function words occur most in the first words of ``text``, or 'und'."""
    words = [word.lower() for word in _WORD.findall(text[:3000])[:_SAMPLE_WORDS]]
    scores = {code: sum(word in stop for word in words) for code, stop in _stopwords().items()}
    best = max(sorted(scores), key=scores.__getitem__, default=UNKNOWN)
    return best if scores.get(best, 0) >= _MIN_HITS else UNKNOWN
