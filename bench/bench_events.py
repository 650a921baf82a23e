"""Benchmark of the events stage's pure work (``EventCoder.code_document``) on one core.

Builds a corpus of news-like articles from templates written for this project (fixed random seed, so
every run measures the same text), with the entity and date rows the earlier stages would attach, then
times only the coder. Prints sentences per second per core (over wall seconds and over the process's
CPU seconds, which hold steady when other processes share the cores), events per second, and the mix.

    python bench/bench_events.py [--articles 2000] [--sentences 15] [--actorless 0.4] [--repeat 3]

``--actorless`` is the share of sentences that name no actor (background, quotes without names): the
coder skips those quickly, so the figure without them (``--actorless 0``) is the pessimistic one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from transforms.common.document import Sentence
from transforms.events.coder import EventCoder

COUNTRIES = [("China", "CHN"), ("Russia", "RUS"), ("Iran", "IRN"), ("Pakistan", "PAK"), ("France", "FRA"),
             ("Germany", "DEU"), ("Brazil", "BRA"), ("Kenya", "KEN"), ("Japan", "JPN"), ("Egypt", "EGY"),
             ("the United States", "USA"), ("Turkey", "TUR"), ("India", "IND"), ("Qatar", "QAT")]
PEOPLE = [("Foreign Minister Ana Duarte", "BRAGOV"), ("President Okafor", "NGAGOV"),
          ("Defence Minister Lund", "NORGOV"), ("Prime Minister Haddad", "LBNGOV")]
TEMPLATES = [
    "{a} and {b} held talks in Geneva on Tuesday to discuss the border.",
    "{a} criticized {b} for the missile test, officials said.",
    "{a} urged {b} to release the detained sailors.",
    "{a} plans to visit {b} next month.",
    "{a} did not meet {b}'s envoy during the summit.",
    "{a} pledged to send humanitarian aid to {b} after the floods.",
    "{a} was accused by {b} of massing troops near the frontier.",
    "“We call on {b} to stop the shelling,” {a} said.",
    "{a}, {b} and {c} signed an agreement on energy cooperation.",
    "{a} imposed new sanctions on {b} over the crackdown.",
    "{a} threatened to cut gas supplies to {b}.",
    "The ministers of {a} and {b} met in Doha on Monday.",
    "{a} may host {b} for talks later this year.",
    "{a} expelled two diplomats of {b} on Friday.",
    "He praised {b} for its role in the negotiations.",
]
FILLER = [
    "The talks are the first of their kind since the war ended two years ago.",
    "Prices of fuel rose sharply in the capital over the weekend.",
    "Analysts said the decision could reshape the region for decades.",
    "The statement gave no further details.",
    "Thousands of people have fled the area since the fighting began.",
]


def _mark(template: str, rng: random.Random) -> tuple[str, list[tuple[int, int, str, str]]]:
    picks = rng.sample(COUNTRIES, 3)
    person = rng.choice(PEOPLE)
    spans = []
    text = ""
    cursor = 0
    for field_start in range(len(template)):
        if template.startswith(("{a}", "{b}", "{c}"), field_start) and field_start >= cursor:
            text += template[cursor:field_start]
            slot = "abc".index(template[field_start + 1])
            name, code = (person if slot == 0 and rng.random() < 0.3 else picks[slot])
            entity_type = "PERSON" if code.endswith("GOV") else "COUNTRY"
            spans.append((len(text), len(text) + len(name), code, entity_type))
            text += name
            cursor = field_start + 3
    text += template[cursor:]
    return text, spans


def build_corpus(articles: int, sentences: int, actorless: float, seed: int = 7):
    rng = random.Random(seed)
    corpus = []
    published = dt.date(2024, 3, 15)
    for number in range(articles):
        article_id = f"bench-{number:05d}"
        text, entity_rows, sentence_list = "", [], []
        for index in range(sentences):
            if text:
                text += " "
            start = len(text)
            if rng.random() < actorless:
                body, spans = rng.choice(FILLER), []
            else:
                body, spans = _mark(rng.choice(TEMPLATES), rng)
            text += body
            sentence_list.append(Sentence(index, start, len(text), body))
            for span_start, span_end, code, entity_type in spans:
                entity_rows.append({
                    "article_id": article_id, "sentence_index": index, "char_start": start + span_start,
                    "char_end": start + span_end, "text": text[start + span_start:start + span_end],
                    "entity_type": entity_type, "name": text[start + span_start:start + span_end],
                    "actor_code": code, "country_code": code[:3], "role": code[3:] or None,
                    "published_date": published})
        article = {"article_id": article_id, "text": text, "published_date": published}
        corpus.append((article, sentence_list, entity_rows, []))
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=15)
    parser.add_argument("--actorless", type=float, default=0.4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    clock = time.perf_counter()
    coder = EventCoder.load()
    setup_s = time.perf_counter() - clock
    corpus = build_corpus(args.articles, args.sentences, args.actorless)
    total_sentences = sum(len(item[1]) for item in corpus)
    best = best_cpu = None
    events = 0
    for _ in range(args.repeat):
        clock, cpu_clock = time.perf_counter(), time.process_time()
        events = sum(len(coder.code_document(*item)) for item in corpus)
        elapsed, cpu = time.perf_counter() - clock, time.process_time() - cpu_clock
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    print(f"events coder: {args.articles} articles x {args.sentences} sentences = "
          f"{total_sentences} sentences, "
          f"{args.actorless:.0%} without actors")
    print(f"setup (lexicon, codebook, gazetteer, once per worker): {setup_s:.2f} s")
    print(f"best of {args.repeat}: {best:.2f} s  ->  {total_sentences / best:,.0f} sentences/s per core, "
          f"{events / best:,.0f} events/s ({events / total_sentences:.2f} events per sentence)")
    parsed = coder.sentences_parsed / args.repeat
    print(f"CPU, best of {args.repeat}: {best_cpu:.2f} s -> {total_sentences / best_cpu:,.0f} sentences per "
          f"CPU second; {parsed:,.0f} parsed, {parsed / best_cpu:,.0f} per CPU second")


if __name__ == "__main__":
    main()
