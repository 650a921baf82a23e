"""Sentence splitting with syntok, a rule-based segmenter (no model download).

syntok keeps abbreviations ("U.S.", "Gen.", "Oct. 27") and quoted speech ("“...,” Lavrov said.")
intact, treats a blank line as a paragraph end (so headlines and datelines never run into the next
sentence), and reports token offsets, so ``text[start:end]`` is exactly the sentence. It measured about
3x faster than pysbd on wire articles, and splitting runs on every article.

Each paragraph is tokenized on its own and its offsets shifted here, rather than through
``syntok.segmenter.analyze``: that passes the paragraph's offset to the tokenizer, which pads the
paragraph with that many spaces and scans them, so a text of n paragraphs costs O(n²)
(1.6 MB of short paragraphs took 25 s; see bench/bench_sentences.py). Plain words skip syntok's
character scan (``tokenizer.PlainWordTokenizer``: the same tokens).

A "sentence" longer than ``MAX_SENTENCE_CHARS`` (a list, a table or a page without full stops) is cut
into pieces at spaces: the later stages' cost grows faster than linearly with a sentence's length (a
200,000-character one held the events stage for more than ten minutes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import syntok.segmenter as segmenter

from transforms.common.document import Sentence
from transforms.sentences.tokenizer import PlainWordTokenizer

# Ten times a long news sentence; the longest in the sample seeds has about 300 characters.
MAX_SENTENCE_CHARS = 2_000


@dataclasses.dataclass(frozen=True)
class SplitText:
    sentences: list[Sentence]
    sentences_cut: int  # sentences longer than the limit, each cut into pieces


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, with offsets into ``text``."""
    return split_text(text).sentences


def split_text(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> SplitText:
    """The sentences of ``text`` (none longer than ``max_chars``), and how many had to be cut."""
    tokenizer = PlainWordTokenizer(replace_not_contraction=False)
    sentences: list[Sentence] = []
    cut = 0
    for paragraph_start, paragraph in segmenter.preprocess_with_offsets(text):
        for tokens in segmenter.segment(tokenizer.tokenize(paragraph)):
            if not tokens:
                continue
            start = paragraph_start + tokens[0].offset
            end = paragraph_start + tokens[-1].offset + len(tokens[-1].value)
            if end - start > max_chars:
                cut += 1
            for first, last in _pieces(text, start, end, max_chars):
                sentences.append(Sentence(len(sentences), first, last, text[first:last]))
    return SplitText(sentences, cut)


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``max_chars``, cut at the last space of each when there is
    one in its second half, without the white space around the cuts."""
    while end - start > max_chars:
        limit = start + max_chars
        half = start + max_chars // 2
        cut = max(text.rfind(" ", half, limit + 1), text.rfind("\n", half, limit + 1))
        if cut <= start:
            cut = limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end
