"""The entities stage on a real runner (TestPipeline): rows of the entities table, counters, failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from schemas.entities import ENTITIES
from transforms.common.beam import DOCUMENTS, METRICS_NAMESPACE
from transforms.common.document import Document, Sentence
from transforms.common.rejects import REJECTS
from transforms.entities.matcher import ActorMatcher
from transforms.entities.stage import TagEntities
from transforms.sentences.split import split_sentences

SEED = Path(__file__).parent.parent / "seeds" / "000_12a811ebe4c5a001.txt"
SEED_DATE = dt.date(2021, 10, 28)


def _counter(result, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))
    return sum(counter.committed for counter in found["counters"])


def _document(article_id: str, text: str, published: dt.date | None) -> Document:
    article = {"article_id": article_id, "source_uri": f"{article_id}.txt", "text": text,
               "published_date": published}
    return Document(article=article, sentences=split_sentences(text))


def _seed_body() -> str:
    return SEED.read_text(encoding="utf-8").split("\n", 1)[1].strip()


def _summary(document: Document) -> list[tuple]:
    return [(document.article_id, row["sentence_index"], row["text"], row["entity_type"], row["actor_code"],
             row["country_code"], row["published_date"]) for row in document.entities]


def test_stage_fills_entity_rows_and_counts_them():
    short = _document("short", "Pakistani troops shelled the border. Officials in Kabul protested.",
                      dt.date(2020, 3, 1))
    undated = _document("undated", "Imran Khan met Xi Jinping in Beijing.", None)
    empty = _document("empty", "Nothing of note happened today.", dt.date(2020, 3, 1))
    expected = [
        ("short", 0, "Pakistani troops", "COUNTRY", "PAKMIL", "PAK", dt.date(2020, 3, 1)),
        ("short", 1, "Kabul", "LOCATION", None, "AFG", dt.date(2020, 3, 1)),
        # Without a publication date, officials take their latest listed office.
        ("undated", 0, "Imran Khan", "PERSON", "PAKGOV", "PAK", None),
        ("undated", 0, "Xi Jinping", "PERSON", "CHNGOV", "CHN", None),
        ("undated", 0, "Beijing", "LOCATION", None, "CHN", None),
    ]
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([short, undated, empty]) | TagEntities()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(_summary)
    assert_that(rows, equal_to(expected), label="rows")
    assert_that(outputs[DOCUMENTS] | "Ids" >> beam.Map(lambda d: d.article_id),
                equal_to(["short", "undated", "empty"]), label="every_document_passes")
    assert_that(outputs[REJECTS], equal_to([]), label="no_rejects")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "entities_found") == len(expected)
    assert _counter(result, "entities_none") == 1
    assert _counter(result, "entities_failed") == 0


def test_the_seed_rows_fit_the_entities_table_and_name_its_actors():
    seed = _document("seed", _seed_body(), SEED_DATE)

    def check(document: Document):
        table = pa.Table.from_pylist(document.entities, schema=ENTITIES.schema)
        offsets_ok = all(document.text[r["char_start"]:r["char_end"]] == r["text"] for r in document.entities)
        by_text = {(r["text"], r["actor_code"] or "@" + r["country_code"]) for r in document.entities}
        return (table.num_rows == len(document.entities), offsets_ok,
                {("Chinese Foreign Minister Wang Yi", "CHNGOV"), ("Russian Foreign Minister Sergey Lavrov",
                                                                  "RUSGOV"), ("Beijing", "CHN"),
                 ("Moscow", "RUS"), ("Tehran", "@IRN"), ("NATO", "IGOWSTNAT"), ("ISIS", "IMGISI")} <= by_text,
                {r["article_id"] for r in document.entities})

    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([seed]) | TagEntities()
    assert_that(outputs[DOCUMENTS] | "Check" >> beam.Map(check), equal_to([(True, True, True, {"seed"})]))
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "entities_found") == len(
        ActorMatcher.load().match(seed.text, seed.sentences, SEED_DATE)) > 40


def test_an_article_the_stage_fails_on_is_kept_and_rejected():
    broken = _document("broken", "China spoke.", SEED_DATE)
    broken.sentences = [Sentence(0, None, None, None)]  # a splitter bug: the sentence lost its offsets
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([broken]) | TagEntities()
    assert_that(outputs[DOCUMENTS] | "Ids" >> beam.Map(lambda d: (d.article_id, d.entities)),
                equal_to([("broken", [])]), label="kept")
    assert_that(outputs[REJECTS] | "Reasons" >> beam.Map(lambda r: (r["stage"], r["reason"])),
                equal_to([("entities", "stage_failed")]), label="rejected")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "entities_failed") == 1
    assert _counter(result, "entities_found") == 0
