"""The dates stage on a real runner (TestPipeline): rows of the dates table, counters, failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from schemas.dates import DATES
from transforms.common.beam import DOCUMENTS, METRICS_NAMESPACE
from transforms.common.document import Document, Sentence
from transforms.common.rejects import REJECTS
from transforms.dates.resolve import event_date_for
from transforms.dates.stage import ResolveDates
from transforms.sentences.split import split_sentences

SEED = Path(__file__).parent.parent / "seeds" / "000_12a811ebe4c5a001.txt"


def _counter(result, name: str) -> int:
    found = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))
    return sum(counter.committed for counter in found["counters"])


def _document(article_id: str, text: str, published: dt.date | None) -> Document:
    article = {"article_id": article_id, "source_uri": f"{article_id}.txt", "text": text,
               "published_date": published,
               "published_at": dt.datetime(published.year, published.month, published.day,
                                           tzinfo=dt.timezone.utc) if published else None}
    return Document(article=article, sentences=split_sentences(text))


def _seed_body() -> str:
    # The article text is the seed file without its header line (the headline is the title).
    return SEED.read_text(encoding="utf-8").split("\n", 1)[1].strip()


def _row(doc: Document, sentence_index: int, written: str, resolved: str, granularity: str,
         resolution: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(written, start + 1)
    return {"article_id": doc.article_id, "sentence_index": sentence_index, "char_start": start,
            "char_end": start + len(written), "text": written,
            "resolved_date": dt.date.fromisoformat(resolved), "granularity": granularity,
            "resolution": resolution, "published_date": doc.article["published_date"]}


def test_stage_fills_dates_rows_and_counts():
    seed = _document("seed", _seed_body(), dt.date(2021, 10, 28))
    dated = _document("dated", "The envoys met on Monday. They will meet again next month, in Doha. "
                               "Nothing else happened.", dt.date(2021, 10, 28))
    undated = _document("undated", "The accord of 3 March 2021 was extended on Monday. It expires in 2030.",
                        None)
    expected = [
        _row(seed, 1, "Wednesday", "2021-10-27", "day", "relative"),
        _row(dated, 0, "Monday", "2021-10-25", "day", "relative"),
        _row(dated, 1, "next month", "2021-11-01", "month", "relative"),
        _row(undated, 0, "3 March 2021", "2021-03-03", "day", "absolute"),
        _row(undated, 1, "2030", "2030-01-01", "year", "absolute"),
    ]
    assert seed.sentences[1].text.startswith("Senior officials")

    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([seed, dated, undated]) | ResolveDates()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.dates)
    assert_that(rows, equal_to(expected), label="rows")
    assert_that(outputs[REJECTS], equal_to([]), label="no_rejects")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "dates_found") == len(expected)
    assert _counter(result, "dates_unresolved") == 1  # "on Monday" in the undated article


def test_rows_fit_the_dates_table_and_offsets_index_the_article():
    seed = _document("seed", _seed_body(), dt.date(2021, 10, 28))
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([seed]) | ResolveDates()
    checked = outputs[DOCUMENTS] | "Check" >> beam.Map(
        lambda document: (
            pa.Table.from_pylist(document.dates, schema=DATES.schema).num_rows,
            [document.text[row["char_start"]:row["char_end"]] == row["text"] for row in document.dates],
        ))
    assert_that(checked, equal_to([(1, [True])]))
    pipeline.run().wait_until_finish()


def test_an_article_the_stage_fails_on_is_kept_and_rejected():
    broken = _document("broken", "Talks resumed on Monday.", dt.date(2021, 10, 28))
    broken.sentences = [Sentence(0, 0, 24, None)]  # a splitter bug: the sentence lost its text
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([broken]) | ResolveDates()
    assert_that(outputs[DOCUMENTS] | "Ids" >> beam.Map(lambda d: (d.article_id, d.dates)),
                equal_to([("broken", [])]), label="kept")
    assert_that(outputs[REJECTS] | "Reasons" >> beam.Map(lambda r: (r["stage"], r["reason"])),
                equal_to([("dates", "stage_failed")]), label="rejected")
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "dates_failed") == 1
    assert _counter(result, "dates_found") == 0


def test_the_seed_meeting_takes_the_date_of_its_sentence():
    seed = _document("seed", _seed_body(), dt.date(2021, 10, 28))
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([seed]) | ResolveDates()

    def meeting_date(document: Document):
        trigger = document.text.index("met for the second time")
        sentence = next(s for s in document.sentences if s.start <= trigger < s.end)
        rows = document.sentence_rows(document.dates, sentence.index)
        return event_date_for(trigger, trigger + len("met"), rows, document.article["published_date"])

    assert_that(outputs[DOCUMENTS] | "MeetingDate" >> beam.Map(meeting_date),
                equal_to([(dt.date(2021, 10, 27), "text")]))
    pipeline.run().wait_until_finish()


def test_an_anchored_expression_counts_from_a_day_named_in_an_earlier_sentence():
    doc = _document("anchored", "Rebels shelled the airport on Tuesday. Officials said nothing. "
                                "The next day, the army retook it.", dt.date(2021, 10, 28))
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([doc]) | ResolveDates()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.dates)
    assert_that(rows, equal_to([_row(doc, 0, "Tuesday", "2021-10-26", "day", "relative"),
                                _row(doc, 2, "The next day", "2021-10-27", "day", "anchored")]))
    pipeline.run().wait_until_finish()


def test_relative_dates_resolve_against_the_local_day_not_the_utc_day():
    # Tue, 04 Mar 2025 06:30 +0900 is Monday 21:30 in UTC. Before: "on Tuesday" was 2025-02-25.
    tokyo = _document("tokyo", "The ministers met on Tuesday. They will meet again next week.",
                      dt.date(2025, 3, 3))
    tokyo.article.update(published_at=dt.datetime(2025, 3, 3, 21, 30, tzinfo=dt.timezone.utc),
                         published_utc_offset_minutes=540, date_source="published")
    # Mon, 03 Mar 2025 20:00 -0500 is already Tuesday in UTC: "today" is the local Monday.
    bogota = _document("bogota", "The ministers met today.", dt.date(2025, 3, 4))
    bogota.article.update(published_at=dt.datetime(2025, 3, 4, 1, 0, tzinfo=dt.timezone.utc),
                          published_utc_offset_minutes=-300, date_source="published")
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([tokyo, bogota]) | ResolveDates()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.dates)
    assert_that(rows, equal_to([_row(tokyo, 0, "Tuesday", "2025-03-04", "day", "relative"),
                                _row(tokyo, 1, "next week", "2025-03-10", "week", "relative"),
                                _row(bogota, 0, "today", "2025-03-03", "day", "relative")]))
    pipeline.run().wait_until_finish()


def test_a_fetch_time_standing_in_for_a_date_places_no_relative_expression():
    fetched = _document("fetched", "Talks resumed on Monday. The accord of 3 March 2021 holds.",
                        dt.date(2025, 3, 10))
    fetched.article.update(date_source="fetched", date_flag="missing")
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create([fetched]) | ResolveDates()
    rows = outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.dates)
    assert_that(rows, equal_to([_row(fetched, 1, "3 March 2021", "2021-03-03", "day", "absolute")]))
    result = pipeline.run()
    result.wait_until_finish()
    assert _counter(result, "dates_unresolved") == 1


def test_an_article_dated_at_the_ends_of_the_calendar_is_no_failure():
    # Before: OverflowError out of the tagger, which is not an article error: the pipeline failed (exit 1).
    ends = [_document(f"end{year}", "They met on Tuesday and will meet next week.", dt.date(year, 1, 1))
            for year in (1, 9999)]
    pipeline = TestPipeline()
    outputs = pipeline | beam.Create(ends) | ResolveDates()
    assert_that(outputs[REJECTS], equal_to([]), label="no_rejects")
    assert_that(outputs[DOCUMENTS] | "Rows" >> beam.FlatMap(lambda document: document.dates),
                equal_to([]), label="nothing_placed")
    pipeline.run().wait_until_finish()
