"""Progress lines during a run and the one-screen summary at its end."""

from __future__ import annotations

import io
import logging
import shlex

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from pipeline.cli import main
from pipeline.progress import disable_progress_logging, enable_progress_logging
from pipeline.summary import RunOutcome, feed_summary, format_summary
from transforms.common.document import Document, Sentence
from transforms.common.progress import LOGGER_NAME, Progress, progress_line


def _documents(n: int) -> list[Document]:
    return [Document(article={"article_id": f"a{i}", "text": "One. Two."},
                     sentences=[Sentence(0, 0, 4, "One."), Sentence(1, 5, 9, "Two.")],
                     events=[{"event_id": f"e{i}"}] * (i % 2)) for i in range(n)]


def test_progress_line_reads_well():
    line = progress_line("coded", 12000, 15.0, {"sentences": 96450, "dates": 0, "events": 7410})
    assert line == "coded 12,000 articles (800/s): 96,450 sentences, 7,410 events"
    assert progress_line("read", 3, 0.0, {}) == "read 3 articles"


@pytest.fixture
def progress_to_root():
    """Progress lines propagate to the root logger (where caplog listens), as before any CLI run."""
    disable_progress_logging()
    yield
    disable_progress_logging()


def test_progress_passes_documents_through_and_logs_every_n(caplog, progress_to_root):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    documents = _documents(5)
    pipeline = TestPipeline()
    passed = (pipeline | beam.Create(documents) | Progress("coded", every=2, interval_s=3600)
              | beam.Map(lambda document: document.article["article_id"]))
    assert_that(passed, equal_to([f"a{i}" for i in range(5)]))
    pipeline.run().wait_until_finish()
    lines = [record.getMessage() for record in caplog.records if record.name == LOGGER_NAME]
    # One worker here, so the counts run 2 then 4; events are tallied from the documents seen so far.
    assert [line.split(" (")[0] for line in lines] == ["coded 2 articles", "coded 4 articles"]
    assert lines[-1].endswith(": 8 sentences, 2 events")


def test_progress_refuses_nonsense_settings():
    with pytest.raises(ValueError, match="every must be >= 1"):
        Progress("coded", every=0)


def test_progress_lines_go_to_the_current_stderr(capsys, progress_to_root):
    enable_progress_logging()
    logging.getLogger(LOGGER_NAME).info("coded 5 articles")
    assert capsys.readouterr().err == "communique: coded 5 articles\n"


def test_progress_lines_go_to_the_given_stream_once():
    stream = io.StringIO()
    enable_progress_logging(stream)
    enable_progress_logging(stream)  # idempotent: still one handler
    try:
        logging.getLogger(LOGGER_NAME).info("read 1,000 articles (900/s)")
    finally:
        disable_progress_logging()
    assert stream.getvalue() == "communique: read 1,000 articles (900/s)\n"


def _outcome(**changes) -> RunOutcome:
    values = {
        "run_id": "abc123", "output_dir": "out dir", "elapsed_s": 4.0,
        "counters": {"items_read": 12, "seed_files_read": 10, "feed_entries_read": 2, "articles_new": 8,
                     "duplicates": 1, "items_rejected": 3, "entities_failed": 1, "feeds_failed": 3,
                     "sentences": 40,
                     "date_flag_future": 2,
                     "date_missing": 0},
        "rows_written": {"articles": 8, "events": 20, "rejects": 3, "runs": 1},
        "rejects_by_reason": {"unreadable_file": 1, "empty_document": 2},
        "exit_status": "ok_with_rejects",
        "feeds": feed_summary([{"error_code": None, "not_modified": True},
                               {"error_code": "http_404", "not_modified": False},
                               {"error_code": "timeout", "not_modified": False},
                               {"error_code": "timeout", "not_modified": False}]),
    }
    values.update(changes)
    return RunOutcome(**values)


def test_summary_fits_one_screen_and_says_what_matters():
    text = format_summary(_outcome())
    lines = text.splitlines()
    assert len(lines) <= 20 and all(len(line) <= 160 for line in lines)
    assert lines[0] == "communique run abc123 → out dir  [ok, with rejects]"
    assert "12 items (10 seed files, 2 feed entries)" in text
    assert "8 articles; 1 duplicate skipped; 3 items rejected" in text
    assert "articles 8, events 20, rejects 3, runs 1" in text
    assert "rejects    empty_document 2, unreadable_file 1" in text
    assert "4 feeds fetched: 3 failed (timeout 2, http_404 1), 1 not modified" in text
    assert "entities_failed 1" in text and "date_flag_future 2" in text and "date_missing" not in text
    assert "feeds_failed" not in text  # failed feeds have their own line
    assert "sentences 40" not in text  # a count, not a failure
    assert "4.0 s, 2.0 articles/s" in text


def test_a_clean_run_has_no_reject_feed_or_failure_lines():
    text = format_summary(_outcome(rejects_by_reason={}, exit_status="ok", feeds={},
                                   counters={"items_read": 1, "seed_files_read": 1, "articles_new": 1}))
    assert "[ok]" in text
    for word in ("rejects    ", "feeds ", "failures ", "dates ", "why "):
        assert word not in text


def test_the_commands_the_summary_suggests_work(small_seeds, tmp_path, capsys):
    output = str(tmp_path / "out")
    assert main(["run", "--seeds", str(small_seeds), "--output", output]) == 3
    captured = capsys.readouterr()
    assert captured.err.startswith("communique run ")
    suggested = {line.split()[0]: line.split(None, 1)[1] for line in captured.out.splitlines()[1:]}
    why = shlex.split(suggested["why"])
    assert why[:2] == ["communique", "query"]
    assert main([*why[1:], "--format", "json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == sum(
        int(count) for count in suggested["rejects"].replace(",", "").split()[1::2])
    report = shlex.split(suggested["next"].split(";")[0].replace("(charts)", ""))
    assert main([*report[1:], "--html", str(tmp_path / "report.html")]) == 0
    assert (tmp_path / "report.html").stat().st_size > 0


def test_the_pipeline_logs_progress_after_reading_and_after_coding(seed_only, tmp_path):
    from pipeline.assemble import build_pipeline
    from pipeline.cli import _parser
    from pipeline.options import build_run_config

    args, beam_args = _parser().parse_known_args(["run", "--seeds", str(seed_only), "--output",
                                                  str(tmp_path / "out")])
    pipeline = beam.Pipeline()
    build_pipeline(pipeline, build_run_config(args, beam_args))
    labels = {label.split("/")[0] for label in pipeline.applied_labels}
    assert {"ProgressReadSeeds", "ProgressReadFeeds", "ProgressCoded"} <= labels


def test_the_summary_says_how_many_articles_a_bound_cut_or_the_language_skipped():
    counters = {"items_read": 3, "articles_new": 3, "articles_truncated": 1, "articles_events_capped": 0,
                "articles_not_english": 2}
    text = format_summary(_outcome(counters=counters))
    lines = text.splitlines()
    assert "  bounded    articles_truncated 1 (see rejects)" in lines
    assert "  language   2 articles not in English: kept without dates, entities and events" in lines
    assert "bounded" not in format_summary(_outcome()) and "language" not in format_summary(_outcome())
