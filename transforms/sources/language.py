"""An article's language: a cheap guess from its own words, the source's claim when the words say nothing.

The text wins over the feed's declaration because channels misdeclare (an English site whose channel
says ``kn``) and aggregators mix languages under one channel. The English-only stages (dates, entities,
events) run on articles in English or of unknown language (``runs_english_stages``); the others keep
their ``articles`` row and sentences, with ``annotation_skipped = 'not_english'``.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

UNKNOWN = "und"
ENGLISH = "en"
NOT_ENGLISH = "not_english"  # articles.annotation_skipped when the English-only stages were skipped
_WORD = re.compile(r"\w+", re.UNICODE)
_SAMPLE_WORDS = 200
_MIN_HITS = 3
_MIN_HITS_SHORT = 2
_SHORT_TEXT_WORDS = 30


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
    """The ISO 639-1 code whose function words occur most in the first words of ``text``, or 'und' when
    too few occur (3; 2 in a text of under 30 words, a headline) or two languages score the same."""
    words = [word.lower() for word in _WORD.findall(text[:3000])[:_SAMPLE_WORDS]]
    scores = sorted(((sum(word in stop for word in words), code) for code, stop in _stopwords().items()),
                    reverse=True)
    if not scores:
        return UNKNOWN
    (best, code), runner_up = scores[0], (scores[1][0] if len(scores) > 1 else 0)
    needed = _MIN_HITS if len(words) >= _SHORT_TEXT_WORDS else _MIN_HITS_SHORT
    return code if best >= needed and best > runner_up else UNKNOWN


def article_language(declared: str | None, text: str) -> str:
    """The language the text's function words show; else the declared one; else 'und'."""
    guessed = guess_language(text)
    if guessed != UNKNOWN:
        return guessed
    return normalize_language(declared) or UNKNOWN


def runs_english_stages(language: str | None) -> bool:
    """Whether the English-only stages may read an article in ``language``: English, or unknown (a short
    item with too few function words to tell is more likely English than not, in an English pipeline)."""
    return language in (ENGLISH, UNKNOWN, None)
