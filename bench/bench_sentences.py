"""Benchmark of sentence splitting on long texts: the time must grow linearly with the length.

A text of short paragraphs (the shape that made splitting quadratic: 0.4/0.8/1.6 MB took 1.9/6.7/25 s
before paragraphs were tokenized on their own) is split at each size; the seconds per MB should stay
about the same from one size to the next. ``--syntok-analyze`` also times syntok's own
``segmenter.analyze`` on the same texts, the quadratic path, for comparison (slow: minutes at 1.6 MB).

    python bench/bench_sentences.py [--sizes 0.4 0.8 1.6] [--syntok-analyze]

The pipeline itself never splits this much: normalize truncates an article's text to
``MAX_ARTICLE_CHARS`` (transforms/normalize/limits.py) first.
"""

from __future__ import annotations

import argparse
import time

import syntok.segmenter as segmenter

from transforms.sentences.split import split_sentences

PARAGRAPH = ("The foreign minister met her counterpart in Vienna on Tuesday. Talks lasted three hours, "
             "officials said, and will resume next week.\n\n")


def text_of(megabytes: float) -> str:
    """Short paragraphs, about ``megabytes`` million characters in all."""
    return PARAGRAPH * max(1, round(megabytes * 1_000_000 / len(PARAGRAPH)))


def _syntok_analyze(text: str) -> int:
    return sum(1 for paragraph in segmenter.analyze(text) for _ in paragraph)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.4, 0.8, 1.6], help="text sizes in MB")
    parser.add_argument("--syntok-analyze", action="store_true",
                        help="also time syntok's segmenter.analyze (quadratic) on the same texts")
    args = parser.parse_args(argv)
    print(f"{'MB':>5} {'sentences':>10} {'split_sentences s':>18} {'s/MB':>6}"
          + (f" {'syntok analyze s':>17}" if args.syntok_analyze else ""))
    for megabytes in args.sizes:
        text = text_of(megabytes)
        started = time.perf_counter()
        count = len(split_sentences(text))
        seconds = time.perf_counter() - started
        line = f"{len(text) / 1e6:5.2f} {count:10d} {seconds:18.2f} {seconds / (len(text) / 1e6):6.2f}"
        if args.syntok_analyze:
            started = time.perf_counter()
            _syntok_analyze(text)
            line += f" {time.perf_counter() - started:17.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
