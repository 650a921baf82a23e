"""Stage 'sentences': split each article into sentences with offsets into its text."""

from __future__ import annotations

from typing import Any

import apache_beam as beam

from transforms.common.annotate import annotate_documents
from transforms.common.beam import counter
from transforms.common.document import Document
from transforms.sentences.split import split_text


class SentenceSplitter:
    """The annotator of the sentences stage: ``Document.sentences`` and ``articles.num_sentences``."""

    stage = "sentences"
    english_only = False

    def __init__(self):
        self._sentences = counter("sentences")
        self._cut = counter("sentences_cut")

    def setup(self) -> None:
        pass  # syntok needs nothing built ahead

    def annotate(self, document: Document) -> dict[str, Any]:
        split = split_text(document.text)
        sentences = split.sentences
        self._sentences.inc(len(sentences))
        self._cut.inc(split.sentences_cut)
        return {"sentences": sentences, "article": {**document.article, "num_sentences": len(sentences)}}


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class SplitSentences(beam.PTransform):
    """Fills ``Document.sentences``; outputs 'documents' and REJECTS.
    Counters: ``sentences``, ``sentences_cut`` (longer than ``MAX_SENTENCE_CHARS``, cut into pieces),
    ``sentences_failed``."""

    def expand(self, documents):
        return annotate_documents(documents, "SplitFn", SentenceSplitter())
