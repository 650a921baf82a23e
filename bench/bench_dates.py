"""Benchmark of the dates stage's pure work on a generated corpus of news-like sentences.

Prints sentences scanned per second, expressions resolved per second, how often dateparser ran, and the
cost of dates relative to sentence splitting on the same text (a stand-in for the pipeline's other
per-article work). The corpus is generated here from templates written for this project, with a fixed
random seed, so every run measures the same text.

    python bench/bench_dates.py [--articles 2000] [--sentences 15] [--days 30] [--pipeline]

With ``--pipeline`` the corpus is also written as seed files and run through ``communique run``
(DirectRunner, in a subprocess), and the dates work is reported as a share of that run's wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from transforms.dates.resolve import TemporalTagger
from transforms.sentences.split import split_sentences

ACTORS = ["The foreign minister", "Rebel commanders", "The defence ministry", "Two senior envoys",
          "The prime minister", "Opposition leaders", "The central bank", "Border police",
          "A government spokesman", "The security council", "Aid agencies", "The president"]
PAST_VERBS = ["met", "signed an accord", "condemned the strikes", "held talks", "withdrew troops",
              "announced new sanctions", "rejected the offer", "visited the capital", "closed the border"]
FUTURE_VERBS = ["will meet", "will sign the accord", "plans to visit the region", "is expected to resign",
                "will hold talks", "is scheduled to vote"]
PLACES = ["in Tehran", "in Geneva", "near the border", "in the capital", "in Doha", "at the summit", ""]
PAST_DATES = ["on Wednesday", "last Tuesday", "yesterday", "two days ago", "earlier this month",
              "last week", "on March 3", "on 3 March 2021", "on Oct. 27", "in March", "since 2019",
              "in November 2020", "a week ago", "last month", "on Friday night", "the day before yesterday",
              "three years ago", "in early May", "last year", "on Sunday"]
FUTURE_DATES = ["on Monday", "next Thursday", "next week", "next month", "in two days", "tomorrow",
                "on Dec. 3", "later this year", "in three weeks' time", "by 2030"]
FILLER = ["The talks covered trade, security and the fate of prisoners held by both sides.",
          "Officials did not give details of the proposal, which diplomats described as modest.",
          "Thousands of people have fled the fighting, according to relief workers in the area.",
          "The statement called for restraint and an end to attacks on civilians.",
          "Analysts said the move could strain relations with neighbouring states.",
          "Section 2021 of the agreement covers the exchange of prisoners.",
          "Iran may respond with its own measures, a senior official warned.",
          "The two-decade war left much of the country's infrastructure in ruins.",
          "Protesters joined a march through the city centre."]


def generate(articles: int, sentences: int, days: int, seed: int = 7) -> list[tuple[str, dt.date]]:
    """Articles of ``sentences`` sentences, about 40% holding a date, published over ``days`` days."""
    rng = random.Random(seed)
    first = dt.date(2021, 10, 1)
    corpus = []
    for _ in range(articles):
        parts = []
        for _ in range(sentences):
            roll = rng.random()
            if roll < 0.3:
                parts.append(f"{rng.choice(ACTORS)} {rng.choice(PAST_VERBS)} {rng.choice(PLACES)} "
                             f"{rng.choice(PAST_DATES)}.".replace("  ", " "))
            elif roll < 0.4:
                parts.append(f"{rng.choice(ACTORS)} {rng.choice(FUTURE_VERBS)} {rng.choice(FUTURE_DATES)}.")
            else:
                parts.append(rng.choice(FILLER))
        corpus.append((" ".join(parts), first + dt.timedelta(days=rng.randrange(days))))
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=15)
    parser.add_argument("--days", type=int, default=30, help="publication dates spread over this many days")
    parser.add_argument("--pipeline", action="store_true", help="also time `communique run` on the corpus")
    args = parser.parse_args()

    corpus = generate(args.articles, args.sentences, args.days)
    started = time.perf_counter()
    split = [(split_sentences(text), published) for text, published in corpus]
    split_seconds = time.perf_counter() - started
    sentence_count = sum(len(sentences) for sentences, _ in split)

    tagger = TemporalTagger.from_lexicon()
    tagger.find("The envoy arrived on March 3.", dt.date(2021, 1, 1))  # dateparser loads its data once
    tagger = TemporalTagger.from_lexicon()

    started = time.perf_counter()
    candidates = sum(len(tagger.candidates(s.text)) for sentences, _ in split for s in sentences)
    scan_seconds = time.perf_counter() - started

    passes = []
    for label in ("cold cache", "warm cache"):
        started = time.perf_counter()
        resolved = sum(1 for sentences, published in split for s in sentences
                       for m in tagger.find(s.text, published) if m.resolved_date is not None)
        passes.append((label, time.perf_counter() - started, resolved, tagger.dateparser_calls))

    print(f"corpus: {len(corpus)} articles, {sentence_count} sentences, publication dates over "
          f"{args.days} days, {candidates} candidate expressions")
    print(f"candidate scan only: {sentence_count / scan_seconds:,.0f} sentences/s")
    previous_calls = 0
    for label, seconds, resolved, calls in passes:
        print(f"find + resolve ({label}): {sentence_count / seconds:,.0f} sentences/s, "
              f"{resolved / seconds:,.0f} expressions resolved/s ({resolved} resolved, "
              f"{calls - previous_calls} dateparser calls, {seconds:.2f} s)")
        previous_calls = calls
    print(f"sentence splitting (syntok) on the same text: {split_seconds:.2f} s; "
          f"dates cold = {passes[0][1] / split_seconds:.0%} of it, warm = {passes[1][1] / split_seconds:.0%}")
    if args.pipeline:
        seconds = time_pipeline(corpus)
        print(f"communique run on the same corpus as seed files: {seconds:.1f} s wall; the dates work "
              f"(cold cache) is {passes[0][1] / seconds:.1%} of it")


def time_pipeline(corpus: list[tuple[str, dt.date]]) -> float:
    """Wall seconds of ``communique run`` over the corpus written as seed files."""
    with tempfile.TemporaryDirectory() as scratch:
        seeds = Path(scratch) / "seeds"
        seeds.mkdir()
        for number, (text, published) in enumerate(corpus):
            body = text.replace(". ", ".\n\n", 3)  # a few paragraphs, like the real seed
            (seeds / f"{number:05d}.txt").write_text(f" date {published.isoformat()} Headline {number}\n\n"
                                                     f"{body}", encoding="utf-8")
        command = [sys.executable, "-c", "import sys; from pipeline.cli import main; sys.exit(main())",
                   "run", "--quiet", "--seeds", str(seeds), "--output", str(Path(scratch) / "out"),
                   "--run-timestamp", "2021-12-01T00:00:00Z"]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
