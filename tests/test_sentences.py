import pytest

from tests.conftest import SEED_DOCUMENT
from transforms.normalize.textclean import bounded_text, clean_text
from transforms.sentences.split import MAX_SENTENCE_CHARS, split_sentences, split_text
from transforms.sentences.tokenizer import PlainWordTokenizer
from transforms.sources.seeds import parse_seed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. envoy arrived on Oct. 27 with Gen. Okafor. Talks began at once.",
         ["The U.S. envoy arrived on Oct. 27 with Gen. Okafor.", "Talks began at once."]),
        ("“We will not be hurried,” Ms. Lindqvist said. She left for Riga.",
         ["“We will not be hurried,” Ms. Lindqvist said.", "She left for Riga."]),
        ('"Peace is close," the envoy said on Jan. 5. Others doubted it.',
         ['"Peace is close," the envoy said on Jan. 5.', "Others doubted it."]),
        ("Headline without a full stop\n\nFirst sentence. Second one!",
         ["Headline without a full stop", "First sentence.", "Second one!"]),
    ],
    ids=["abbreviations", "curly-quotes", "straight-quotes", "paragraphs"],
)
def test_splits_keep_abbreviations_and_quotes(text, expected):
    assert [sentence.text for sentence in split_sentences(text)] == expected


def test_offsets_index_into_the_text_even_for_repeated_sentences():
    text = "It rained. It rained.\n\nIt rained."
    sentences = split_sentences(text)
    assert [(s.start, s.end) for s in sentences] == [(0, 10), (11, 21), (23, 33)]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == [0, 1, 2]


def test_seed_document_sentences_cover_every_paragraph():
    text = parse_seed(SEED_DOCUMENT.read_bytes())["text"]
    sentences = split_sentences(text)
    assert len(sentences) == 14
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert sentences[7].text.endswith("Wang added.")
    assert sentences[10].text.endswith("Lavrov said.")


def test_clean_text_normalizes_whitespace_but_keeps_paragraphs():
    assert clean_text("  A\u00a0 b\t c \r\n\r\n\r\n\r\nNext\u200b para.  ") == "A b c\n\nNext para."


def test_splitting_work_grows_linearly_with_the_number_of_paragraphs(monkeypatch):
    """Issue 14, attack 3: syntok's ``analyze`` hands each paragraph's offset to the tokenizer, which pads
    the paragraph with that many spaces and scans them: 0.4/0.8/1.6 MB took 1.9/6.7/25 s. Counted here
    as characters the tokenizer is given (padding included), not timed: before the fix 3,000 paragraphs
    of 81 characters cost 365 million, 1,500 times the text."""
    scanned = []
    tokenize = PlainWordTokenizer.tokenize

    def counting_tokenize(self, text, base_offset=0):
        scanned.append(base_offset + len(text))
        return tokenize(self, text, base_offset)

    monkeypatch.setattr(PlainWordTokenizer, "tokenize", counting_tokenize)
    paragraph = "The envoy met the minister in Vienna. Talks lasted three hours, officials said.\n\n"
    text = paragraph * 3000
    sentences = split_sentences(text)
    assert len(sentences) == 6000
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert sentences[-1].start == len(text) - len(paragraph) + paragraph.index("Talks")
    assert scanned and sum(scanned) <= len(text)


def test_bounded_text_cuts_at_a_paragraph_then_a_line_then_a_space_near_the_limit():
    paragraph = "a" * 92 + "\n\n" + "b b b\nb " * 10
    assert bounded_text(paragraph, 100) == ("a" * 92, len(paragraph) - 92)
    line = "a" * 92 + "\nbb bb bb " * 10
    assert bounded_text(line, 100) == ("a" * 92, len(line) - 92)
    words = "word " * 30
    assert bounded_text(words, 100) == (words[:99], 51)
    assert bounded_text("x" * 150, 100) == ("x" * 100, 50)  # no break in the last tenth: a hard cut
    assert bounded_text(words, len(words)) == (words, 0)


def test_a_sentence_longer_than_the_limit_is_cut_into_pieces_at_spaces():
    """A 200,000-character run with no full stop was one sentence, and the events stage spent more than
    ten minutes on it (its cost grows faster than the sentence's length). Now no piece is longer than
    the limit, the pieces cover the run's words in order, and the cut is counted."""
    run = " ".join(f"France met Germany and talks{index}" for index in range(200))
    text = f"A short one.\n\n{run} ended.\n\nAnother short one."
    split = split_text(text, max_chars=500)
    assert split.sentences_cut == 1
    assert [s.index for s in split.sentences] == list(range(len(split.sentences)))
    assert all(text[s.start:s.end] == s.text and 0 < len(s.text) <= 500 for s in split.sentences)
    assert split.sentences[0].text == "A short one." and split.sentences[-1].text == "Another short one."
    pieces = split.sentences[1:-1]
    assert all(len(piece.text) > 250 for piece in pieces[:-1])  # cut at the last space, not the first
    assert " ".join(piece.text for piece in pieces) == f"{run} ended."  # cut only at spaces
    assert split_text("x" * 1200, max_chars=500).sentences[1].text == "x" * 500  # no space: a hard cut
    assert split_sentences(text) == split_text(text).sentences  # the default limit: 2,000 characters
    assert max(len(s.text) for s in split_sentences(text)) <= MAX_SENTENCE_CHARS < len(run)


# Runs of every kind syntok treats apart: capitals inside a word, apostrophes (straight and curly, "n't"),
# brackets, ellipses, hyphens and dashes, commas and semicolons inside runs, leading and trailing
# punctuation, digits, non-ASCII letters, a zero-width space, a soft hyphen, spacing of all kinds.
TOKENIZER_TEXTS = [
    "The U.S. envoy arrived on Oct. 27 with Gen. Okafor... Talks began at once.",
    "Kenya's McDonald-Smith didn't say; Uganda’s iPhone-maker (ZTE) won’t comment, officials said.",
    "“We call on both parties,” he said -- adding:'no'...and left.  Tabs\there, 3,500 troops;5G.",
    "Ça va? São Paulo's mayor met Zürich's (and Köln's) officials in 2021—twice.\u200bThen\u00adagain",
    "end...", "...", "!!", "a", "  leading and trailing spaces  ", "x_y a,b a;b 1-2 word- -word (x) [y]",
    "He said:\"Go!\" She asked,'why?' AT&T's shares; e-mail/web co-operation, 10am-5pm.",
]


@pytest.mark.parametrize("text", TOKENIZER_TEXTS)
def test_the_plain_word_tokenizer_makes_syntoks_tokens(text):
    from syntok.tokenizer import Tokenizer

    def tokens(tokenizer):
        return [(token.spacing, token.value, token.offset) for token in tokenizer.tokenize(text)]

    for option in (False, True):
        assert tokens(PlainWordTokenizer(replace_not_contraction=option)) == tokens(
            Tokenizer(replace_not_contraction=option))
    assert [(t.spacing, t.value, t.offset) for t in PlainWordTokenizer().tokenize(text, 3)] == [
        (t.spacing, t.value, t.offset) for t in Tokenizer().tokenize(text, 3)]
