"""The benchmark corpus: deterministic, wire-news shaped, and accounted for item by item by the pipeline;
the benchmark's plain loop writes the same rows as the pipeline; bench/run.py prints its JSON figures."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_communique

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is a directory of scripts)
from loop import run_loop  # noqa: E402

N = 150  # enough for two feeds (one cut short), copies and every kind of malformed item


def _files(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in corpus.iter_corpus_files(directory)}


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory) -> tuple[Path, corpus.CorpusManifest]:
    directory = tmp_path_factory.mktemp("bench") / "corpus"
    return directory, corpus.write_corpus(directory, N)


def test_same_size_and_seed_give_the_same_bytes(bench_corpus, tmp_path):
    directory, manifest = bench_corpus
    again = corpus.write_corpus(tmp_path / "again", N)
    assert again == manifest
    assert _files(tmp_path / "again") == _files(directory)
    corpus.write_corpus(tmp_path / "other", N, seed=9)
    assert _files(tmp_path / "other") != _files(directory)


def test_articles_look_like_wire_news(bench_corpus):
    directory, manifest = bench_corpus
    vocabulary = corpus.load_vocabulary()
    articles = [corpus.make_article(vocabulary, manifest.seed, number) for number in range(N)]
    assert all(corpus.MIN_WORDS <= article.words <= corpus.MAX_WORDS for article in articles)
    days = {article.published_at.astimezone(dt.timezone.utc).date() for article in articles}
    assert min(days) >= corpus.FIRST_DAY and max(days) <= corpus.LAST_DAY and len(days) > 50
    sentences = [sentence for article in articles for paragraph in article.paragraphs
                 for sentence in paragraph.split(". ")]
    dated = [s for s in sentences if any(word in s for word in (*corpus.WEEKDAYS, *corpus.MONTHS, "week",
                                                                 "month", "year", "yesterday", "Oct."))]
    assert 0.15 < len(dated) / len(sentences) < 0.6
    # The names come from the actor lexicons shipped with communique.
    assert manifest.vocabulary["countries"] == "lexicon"
    text = " ".join(" ".join(article.paragraphs) for article in articles)
    assert sum(country.name in text for country in vocabulary.countries) > 50
    seed_file = (directory / "articles" / "a0000001.txt").read_text(encoding="utf-8")
    assert seed_file.startswith(" date 2021-") and "\n\n" in seed_file


def test_the_pipeline_accounts_for_every_item(bench_corpus, tmp_path):
    directory, manifest = bench_corpus
    outcome = run_communique("--seeds", str(directory), "--output", str(tmp_path / "beam"),
                             "--run-timestamp", "2021-11-02T00:00:00Z")
    counters = outcome.counters
    assert counters["items_read"] == manifest.items_read
    assert outcome.rows_written["articles"] == manifest.articles == N
    assert counters["duplicates"] == manifest.duplicates > 0
    source_rejects = {reason: count for reason, count in outcome.rejects_by_reason.items()
                      if reason != "stage_failed"}  # an annotating stage's failure keeps its article
    assert source_rejects == manifest.rejects
    assert counters["items_read"] == (outcome.rows_written["articles"] + counters["duplicates"]
                                      + sum(source_rejects.values()))
    assert outcome.rows_written["dates"] > N and outcome.rows_written["feed_fetches"] == manifest.feed_files

    # The benchmark's plain loop runs the same DoFns and writes the same rows.
    looped = run_loop(str(directory), str(tmp_path / "loop"), "2021-11-02T00:00:00Z")
    for table, count in looped.rows.items():
        assert outcome.rows_written[table] == count, table
    assert set(looped.seconds) >= {"read", "normalize", "sentences", "dates", "entities", "events", "write"}


def test_run_prints_its_figures_as_json(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--n", "10", "--workers", "0", "--json",
         "--cache", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=True)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    assert figures["articles_per_s"] > 0 and figures["peak_rss_mb"] > 0 and figures["beam_overhead"] > 0
    run = figures["runs"][0]
    assert run["n"] == 10 and run["beam"]["articles"] == 10 and all(run["rows_match"].values())
    assert set(run["loop"]["stage_s"]) >= {"read", "normalize", "sentences", "dates", "entities", "events",
                                           "write"}
    assert "time per stage" in completed.stdout
