"""syntok's tokenizer with a shortcut for plain words: the same tokens, about half the CPU.

``syntok.tokenizer.Tokenizer.tokenize`` handles each run of non-space characters by looking for its first
and last letter or digit, character by character, and then runs its ``_separation`` pattern (a regex with
look-behinds, a quarter of the tokenizer's time by syntok's own count) over the word between them. Most
words of news text are plain: ASCII letters and digits only, upper case at most first. For such a run the
first and last characters are alphanumeric, so there is nothing to strip, and no alternative of
``_separation`` can match (each needs an upper-case letter after a lower-case one, an apostrophe, a
bracket, a dot, a comma, a semicolon, an underscore or a hyphen): syntok yields the run as one token with
the spacing before it. ``PlainWordTokenizer`` yields that token directly and hands every other run to
syntok's own code, so the tokens (value, spacing, offset) are syntok's (tests/test_sentences.py compares
them on texts written for it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from syntok.tokenizer import Token, Tokenizer

# A run syntok's tokenizer returns whole: ASCII letters and digits, upper case at most first.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9][a-z0-9]*")


class PlainWordTokenizer(Tokenizer):
    """``Tokenizer`` that yields plain words without syntok's character scan and separation pattern."""

    def tokenize(self, text: str, base_offset: int = 0) -> Iterator[Token]:
        if base_offset > 0:
            yield from super().tokenize(text, base_offset)
            return
        offset = 0
        plain = _PLAIN_WORD.fullmatch
        for match in Tokenizer._spaces.finditer(text):
            start, end = match.span()
            word = match.group(0)
            if plain(word):
                yield Token(text[offset:start], word, start)
            else:
                yield from self._run(text, match, offset)
            offset = end
        if offset < len(text):
            yield Token(text[offset:], "", len(text))

    def _run(self, text: str, match, offset: int) -> Iterator[Token]:
        """The tokens of one run of non-space characters, exactly as ``Tokenizer.tokenize`` makes them
        (its loop body); ``offset`` is where the spacing before the run starts."""
        start = Tokenizer._find_start(match.start(), match.end(), text)
        if start == match.end():
            yield Token(text[offset:match.start()], match.group(0), match.start())
            return
        end = Tokenizer._find_end(start, match.end(), text)
        if start > match.start():
            offset = yield from self._split_nonword_prefix(match, offset, start, text)
        if start != end:
            yield from self._split_word(text[offset:start], text[start:end], start)
        tail = text[end:match.end()]
        if tail.startswith("..."):
            yield Token("", "...", end)
            end += 3
            tail = tail[3:]
        yield from [Token("", c, idx + end) for idx, c in enumerate(tail)]
