"""Is an article about sports, markets, weather or culture rather than politics? Such articles borrow the
words of conflict ("crushed", "shot down", "battered") but report no political event, so the events coder
codes nothing in them. Word lists: ``transforms/lexicons/events/topics.yaml``. Pure module, no Beam."""

from __future__ import annotations

import collections
import dataclasses
import importlib.resources
import re
from collections.abc import Mapping

import yaml

_WORD = re.compile(r"[a-z][a-z'-]*")


class TopicsError(ValueError):
    """topics.yaml is malformed."""


@dataclasses.dataclass(frozen=True)
class TopicFilter:
    topics: Mapping[str, frozenset[str]]
    political: frozenset[str]
    min_topic_words: int
    ratio: float

    @classmethod
    def load(cls) -> TopicFilter:
        text = (importlib.resources.files("transforms") / "lexicons" / "events" / "topics.yaml").read_text(
            encoding="utf-8"
        )
        return cls.from_mapping(yaml.safe_load(text))

    @classmethod
    def from_mapping(cls, data: Mapping) -> TopicFilter:
        try:
            topics = {name: frozenset(_words(words)) for name, words in data["topics"].items()}
            return cls(
                topics,
                frozenset(_words(data["political"])),
                int(data["min_topic_words"]),
                float(data["ratio"]),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise TopicsError(
                f"topics.yaml: need topics, political, min_topic_words and ratio ({error})"
            ) from error

    def off_topic(self, text: str) -> str | None:
        """The non-political topic the text is about, or None when it may report political events."""
        counts: collections.Counter = collections.Counter()
        for word, count in collections.Counter(_WORD.findall(text.lower())).items():
            counts[_stem(word)] += count  # each distinct word stemmed once
        political = sum(counts[word] for word in self.political)
        best, best_count = None, 0
        for name, words in self.topics.items():
            present = [word for word in words if counts[word]]
            occurrences = sum(counts[word] for word in present)
            if (
                len(present) >= self.min_topic_words
                and occurrences > self.ratio * political
                and (occurrences > best_count)
            ):
                best, best_count = name, occurrences
        return best


def _words(words) -> list[str]:
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise TypeError("a list of words")
    return [word.lower() for word in words]


def _stem(word: str) -> str:
    """A crude singular: enough to count 'goals' as 'goal' and 'storms' as 'storm'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
