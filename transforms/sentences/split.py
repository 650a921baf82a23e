"""Sentence splitting with syntok, a rule-based segmenter (no model download).

syntok keeps abbreviations ("U.S.", "Gen.", "Oct. 27") and quoted speech ("“...,” Lavrov said.")
intact, treats a blank line as a paragraph end (so headlines and datelines never run into the next
sentence), and reports token offsets, so ``text[start:end]`` is exactly the sentence. It measured about
3x faster than pysbd on wire articles, and splitting runs on every article.
"""

from __future__ import annotations

import syntok.segmenter as segmenter

from transforms.common.document import Sentence


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, with offsets into ``text``."""
    sentences: list[Sentence] = []
    for paragraph in segmenter.analyze(text):
        for tokens in paragraph:
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            if end > start:
                sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences
