"""Benchmark of the actor matcher (transforms/entities/matcher.py) on generated news-like articles.

Prints the time to build the matcher, then MB of article text per second for the whole match (scan,
role phrases, coreference, rows), for the automaton scan alone, and for sentence splitting on the same
text (the stage that runs just before, as a yardstick for what "not the bottleneck" means).

The corpus is generated here from sentence templates written for this benchmark, filled with names
drawn from the actor lexicon (countries, adjectives, capitals, officials, organizations) and plain
filler sentences, with a fixed random seed, so every run measures the same text.

    python bench/bench_actors.py [--articles 2000] [--sentences 18] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.resources
import io
import random
import time

from transforms.entities.matcher import ActorMatcher
from transforms.sentences.split import split_sentences

TEMPLATES = [
    "{adj} Foreign Minister {person} met his {adj2} counterpart in {capital} on {day}.",
    "{country} and {country2} agreed to expand trade, officials in {capital} said.",
    "{adj} troops were seen near the border with {country2}, according to {org}.",
    "{person} told reporters that {capital2} would respond to any attack.",
    "He said the {org} must act before the crisis spreads to {country2}.",
    "{country}'s defence ministry accused {capital2} of violating the ceasefire.",
    "The {group} claimed responsibility for the attack, {media} reported.",
    "{adj} officials declined to comment on the talks with the {org}.",
    "Protesters gathered outside the {adj} embassy in {capital2} on {day}.",
    "{capital} and {capital2} have both called for restraint.",
]
FILLER = [
    "The talks covered energy, transport links and the fate of prisoners held by both sides.",
    "Prices of bread and fuel have risen sharply since the start of the year.",
    "The statement gave no details of the proposal, which analysts described as modest.",
    "Thousands of people have left the area, relief workers said.",
    "The meeting lasted more than three hours and ended without a joint statement.",
    "Heavy rain has made several roads in the region impassable.",
    "Further rounds are expected before the end of the month.",
    "Us and them, the old slogan went, and it still shapes how voters see the dispute.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _lexicon_rows(name: str) -> list[dict[str, str]]:
    path = importlib.resources.files("transforms") / "lexicons" / "actors" / name
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def generate(articles: int, sentences: int, seed: int = 11) -> list[tuple[str, dt.date]]:
    """``articles`` articles of ``sentences`` sentences (about half naming actors)."""
    rng = random.Random(seed)
    countries = [r for r in _lexicon_rows("countries.csv") if r["adjectives"]]
    capitals = [r["name"] for r in _lexicon_rows("places.csv") if r["kind"] == "capital"]
    persons = sorted({r["name"] for r in _lexicon_rows("officials.csv")})
    orgs = [r["name"] for r in _lexicon_rows("igos.csv")]
    groups = [r["name"] for r in _lexicon_rows("groups.csv")]
    media = [r["name"] for r in _lexicon_rows("media.csv")]
    corpus = []
    for _ in range(articles):
        parts = []
        for _ in range(sentences):
            if rng.random() < 0.5:
                parts.append(rng.choice(FILLER))
                continue
            first, second = rng.sample(countries, 2)
            parts.append(rng.choice(TEMPLATES).format(
                adj=first["adjectives"].split("|")[0], adj2=second["adjectives"].split("|")[0],
                country=first["name"], country2=second["name"], capital=rng.choice(capitals),
                capital2=rng.choice(capitals), person=rng.choice(persons), org=rng.choice(orgs),
                group=rng.choice(groups), media=rng.choice(media), day=rng.choice(DAYS)))
        published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        corpus.append((" ".join(parts), published))
    return corpus


def _best(repeat: int, work) -> float:
    """The fastest of ``repeat`` runs of ``work()`` in seconds (the least disturbed by other load)."""
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=18)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    began = time.perf_counter()
    matcher = ActorMatcher.load()
    build_s = time.perf_counter() - began

    corpus = generate(args.articles, args.sentences)
    split = [(text, split_sentences(text), published) for text, published in corpus]
    megabytes = sum(len(text.encode("utf-8")) for text, _ in corpus) / 1e6
    rows = sum(len(matcher.match(text, sentences, published)) for text, sentences, published in split)

    match_s = _best(args.repeat, lambda: [matcher.match(t, s, p) for t, s, p in split])
    scan_s = _best(args.repeat, lambda: [matcher._scanner.scan(t) for t, _, _ in split])
    sentences_s = _best(args.repeat, lambda: [split_sentences(t) for t, _ in corpus])

    print(f"matcher build (lexicon + automaton): {build_s:.2f} s")
    print(f"corpus: {args.articles} articles, {megabytes:.2f} MB, {rows} entity rows "
          f"({rows / args.articles:.1f} per article)")
    print(f"actor matcher (full match):  {megabytes / match_s:6.2f} MB/s  "
          f"{args.articles / match_s:8.0f} articles/s  {rows / match_s:8.0f} rows/s")
    print(f"  of which automaton scan:   {megabytes / scan_s:6.2f} MB/s")
    print(f"sentence splitting (syntok): {megabytes / sentences_s:6.2f} MB/s  (the stage before, for scale)")


if __name__ == "__main__":
    main()
