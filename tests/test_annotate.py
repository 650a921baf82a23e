"""The generic annotate stage: the chain leaves its inputs untouched, a failed setup() fails the job,
a failure on one article rejects that article only, and rejects get the run's fields one step later."""

from __future__ import annotations

import copy
import datetime as dt

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import SEED_DOCUMENT
from tests.languages import ENGLISH, NOT_ENGLISH
from transforms.annotating import Annotate
from transforms.common.annotate import AnnotateFn, StageSetupError, annotate_documents
from transforms.common.beam import DOCUMENTS, METRICS_NAMESPACE
from transforms.common.document import Document
from transforms.common.rejects import REJECTS, StampRejects, make_reject
from transforms.dates.stage import DateAnnotator
from transforms.entities.stage import EntityAnnotator
from transforms.events.stage import EventAnnotator
from transforms.normalize.article import normalize_item
from transforms.sentences.stage import SentenceSplitter

STARTED = dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)


def _seed_document() -> Document:
    lines = SEED_DOCUMENT.read_text(encoding="utf-8").splitlines()
    text = "\n".join(lines[1:]).strip()
    return Document(article={"article_id": "seed", "source_uri": "seed.txt", "text": text,
                             "published_date": dt.date(2021, 10, 28), "num_sentences": None})


def test_no_stage_changes_the_document_it_receives():
    document = _seed_document()
    for annotator in (SentenceSplitter(), DateAnnotator(), EntityAnnotator(), EventAnnotator()):
        fn = AnnotateFn(annotator)
        fn.setup()
        before = copy.deepcopy(document)
        (annotated,) = list(fn.process(document))
        assert document == before, annotator.stage  # the input, field for field, as it came in
        assert annotated is not document and annotated.article_id == "seed"
        document = annotated
    assert document.article["num_sentences"] == len(document.sentences) > 5
    assert document.dates and document.entities and document.events


class _BrokenSetup:
    stage = "events"
    english_only = True

    def setup(self) -> None:
        raise RuntimeError("the verb lexicon is missing")

    def annotate(self, document: Document) -> dict:
        return {}


class _FailsOnOneArticle:
    stage = "entities"
    english_only = True

    def setup(self) -> None:
        self.ready = True

    def annotate(self, document: Document) -> dict:
        if document.article_id == "bad":
            raise KeyError("offsets")
        return {"entities": [{"article_id": document.article_id}]}


class _Stage(beam.PTransform):
    def __init__(self, annotator):
        super().__init__()
        self._annotator = annotator

    def expand(self, documents):
        return annotate_documents(documents, "Fn", self._annotator)


def test_a_failed_setup_fails_the_job_with_a_message_naming_the_stage():
    fn = AnnotateFn(_BrokenSetup())
    with pytest.raises(StageSetupError, match=r"the events stage could not set up .*verb lexicon"):
        fn.setup()
    with pytest.raises(StageSetupError, match="used before its setup"):
        list(fn.process(_seed_document()))
    pipeline = TestPipeline()
    _ = pipeline | beam.Create([_seed_document()]) | _Stage(_BrokenSetup())
    with pytest.raises(Exception, match="the events stage could not set up") as raised:
        pipeline.run().wait_until_finish()
    assert "stage_failed" not in str(raised.value)


def test_a_failure_on_one_article_rejects_it_keeps_it_and_stamps_the_run_later():
    good = Document(article={"article_id": "good", "source_uri": "good.txt", "text": "A."})
    bad = Document(article={"article_id": "bad", "source_uri": "bad.txt", "text": "B."})
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([good, bad]) | _Stage(_FailsOnOneArticle())
    stamped = outputs[REJECTS] | StampRejects("run0", STARTED)
    assert_that(outputs[DOCUMENTS] | "Ids" >> beam.Map(lambda d: (d.article_id, len(d.entities))),
                equal_to([("good", 1), ("bad", 0)]), label="documents")
    assert_that(outputs[REJECTS] | "Unstamped" >> beam.Map(lambda r: (r["run_id"], r["rejected_at"])),
                equal_to([(None, None)]), label="unstamped")
    expected = make_reject(source_uri="bad.txt", stage="entities", reason="stage_failed", detail="",
                           raw_excerpt="B.", run_id="run0", rejected_at=STARTED)
    assert_that(stamped | "Fields" >> beam.Map(lambda r: (r["reject_id"], r["run_id"], r["rejected_at"],
                                                          r["rejected_date"], r["stage"])),
                equal_to([(expected["reject_id"], "run0", STARTED, STARTED.date(), "entities")]),
                label="stamped")
    pipeline.run().wait_until_finish()


class _RecordsWhatItSees:
    stage = "entities"

    def __init__(self, english_only: bool):
        self.english_only = english_only
        self.seen: list[str] = []

    def setup(self) -> None:
        pass

    def annotate(self, document: Document) -> dict:
        self.seen.append(document.article_id)
        return {"entities": [{"article_id": document.article_id}]}


@pytest.mark.parametrize("english_only", [True, False])
def test_an_english_only_stage_passes_articles_whose_annotation_is_skipped_unchanged(english_only):
    english = Document(article={"article_id": "en", "annotation_skipped": None, "text": "A."})
    german = Document(article={"article_id": "de", "annotation_skipped": "not_english", "text": "B."})
    annotator = _RecordsWhatItSees(english_only)
    fn = AnnotateFn(annotator)
    fn.setup()
    (out_english,), (out_german,) = list(fn.process(english)), list(fn.process(german))
    assert annotator.seen == (["en"] if english_only else ["en", "de"])
    assert len(out_english.entities) == 1
    assert (out_german is german) == english_only


def test_the_annotated_documents_leave_the_last_stage_without_a_flatten():
    """A Flatten of document branches makes Beam's in-process runner hold every annotated document of
    the run in memory (it was 'AllDocuments', joining the articles not in English back in)."""
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([_seed_document()]) | Annotate()
    assert isinstance(outputs[DOCUMENTS].producer.transform, beam.ParDo)


def test_articles_not_in_english_are_split_but_skip_the_english_only_stages():
    """Issue 14, language: before, Portuguese, German, Russian and Italian items went through the
    English dates, entities and events stages (the German one gave entity rows for Berlin and Ukraine)."""
    def document(name: str, text: str) -> Document:
        return Document(article=normalize_item(
            {"source_kind": "feed", "source_uri": f"https://news.test/{name}", "feed_uri": "feed-a",
             "title": None, "text": text, "published_raw": "2024-05-29", "language": "en",
             "article_key": name}, run_id="run0", ingested_at=STARTED))

    documents = [document(code, text) for code, text in NOT_ENGLISH.items()] + [document("en", ENGLISH)]
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create(documents) | Annotate()
    assert_that(outputs[DOCUMENTS] | beam.Map(lambda d: (
        d.article["source_uri"].rsplit("/", 1)[1], d.article["language"], d.article["annotation_skipped"],
        len(d.sentences) == d.article["num_sentences"] > 0, bool(d.entities), bool(d.dates or d.events))),
        equal_to([(code, code, "not_english", True, False, False) for code in NOT_ENGLISH]
                 + [("en", "en", None, True, True, True)]), label="documents")
    assert_that(outputs[REJECTS], equal_to([]), label="rejects")
    result = pipeline.run()
    result.wait_until_finish()
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE)
                                   .with_name("articles_not_english"))
    assert sum(counter.committed for counter in found["counters"]) == len(NOT_ENGLISH)
