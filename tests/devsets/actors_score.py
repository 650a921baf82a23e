"""Precision and recall of the actor matcher on a labelled dev set (tests/devsets/actors_dev.txt).

Pure module (no Beam). The dev set format is described at the top of the dev set file: documents
("## <date> | <note>"), each a run of sentences, each sentence followed by "= CODE ..." with the codes
expected in it ("@XXX": a LOCATION in country XXX).

Scoring compares, per sentence, the multiset of predicted codes with the expected one: a predicted code
that is expected counts once as a true positive. Actor codes and locations are scored separately.

    python -m tests.devsets.actors_score [DEVSET] [--errors]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from transforms.common.document import Sentence
from transforms.entities.matcher import ActorMatcher

DEFAULT_DEVSET = Path(__file__).resolve().parent / "actors_dev.txt"
LOCATION_PREFIX = "@"


class DevSetError(ValueError):
    """The dev set file is malformed; the message names the line."""


@dataclasses.dataclass(frozen=True)
class LabelledSentence:
    text: str
    expected: tuple[str, ...]
    line: int


@dataclasses.dataclass(frozen=True)
class LabelledDocument:
    published: dt.date | None
    note: str
    sentences: tuple[LabelledSentence, ...]

    def article(self) -> tuple[str, list[Sentence]]:
        """The document as one article text and its sentences (joined with one space)."""
        parts: list[str] = []
        sentences: list[Sentence] = []
        position = 0
        for index, labelled in enumerate(self.sentences):
            if parts:
                position += 1
            sentences.append(Sentence(index, position, position + len(labelled.text), labelled.text))
            parts.append(labelled.text)
            position += len(labelled.text)
        return " ".join(parts), sentences


@dataclasses.dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, predicted: Iterable[str], expected: Iterable[str]) -> None:
        got, want = collections.Counter(predicted), collections.Counter(expected)
        self.true_positives += sum((got & want).values())
        self.predicted += sum(got.values())
        self.expected += sum(want.values())

    def __str__(self) -> str:
        return (f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                f"(tp={self.true_positives} predicted={self.predicted} expected={self.expected})")


@dataclasses.dataclass
class Report:
    actors: Score
    locations: Score
    sentences: int
    errors: list[str]


def parse_devset(text: str) -> list[LabelledDocument]:
    documents: list[LabelledDocument] = []
    header: tuple[dt.date | None, str] | None = None
    sentences: list[LabelledSentence] = []
    pending: tuple[str, int] | None = None

    def close() -> None:
        if header is not None and sentences:
            documents.append(LabelledDocument(header[0], header[1], tuple(sentences)))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("## "):
            if pending is not None:
                raise DevSetError(f"line {pending[1]}: sentence without an '=' line after it")
            close()
            date_text, _, note = line[3:].partition("|")
            date_text = date_text.strip()
            try:
                published = dt.date.fromisoformat(date_text) if date_text != "-" else None
            except ValueError:
                raise DevSetError(f"line {number}: {date_text!r} is not a date (YYYY-MM-DD or -)") from None
            header, sentences = (published, note.strip()), []
        elif not line.strip() or line.startswith("#"):
            continue
        elif line.startswith("="):
            if pending is None:
                raise DevSetError(f"line {number}: '=' line without a sentence before it")
            sentences.append(LabelledSentence(pending[0], tuple(line[1:].split()), pending[1]))
            pending = None
        else:
            if header is None:
                raise DevSetError(f"line {number}: sentence before the first '## date | note' header")
            if pending is not None:
                raise DevSetError(f"line {pending[1]}: sentence without an '=' line after it")
            pending = (line.strip(), number)
    if pending is not None:
        raise DevSetError(f"line {pending[1]}: sentence without an '=' line after it")
    close()
    return documents


def predicted_codes(rows: Sequence[dict]) -> dict[int, list[str]]:
    """Codes per sentence index: the actor code, or "@" + country for a LOCATION."""
    by_sentence: dict[int, list[str]] = collections.defaultdict(list)
    for row in rows:
        if row["entity_type"] == "LOCATION":
            if row["country_code"]:
                by_sentence[row["sentence_index"]].append(LOCATION_PREFIX + row["country_code"])
        elif row["actor_code"]:
            by_sentence[row["sentence_index"]].append(row["actor_code"])
    return by_sentence


def score(documents: Sequence[LabelledDocument], matcher: ActorMatcher) -> Report:
    actors, locations = Score(), Score()
    errors: list[str] = []
    count = 0
    for document in documents:
        text, sentences = document.article()
        predicted = predicted_codes(matcher.match(text, sentences, document.published))
        for sentence, labelled in zip(sentences, document.sentences, strict=True):
            count += 1
            got = predicted.get(sentence.index, [])
            want = list(labelled.expected)
            actors.add(_actors(got), _actors(want))
            locations.add(_places(got), _places(want))
            if collections.Counter(got) != collections.Counter(want):
                missing = collections.Counter(want) - collections.Counter(got)
                extra = collections.Counter(got) - collections.Counter(want)
                errors.append(f"line {labelled.line}: missing {sorted(missing.elements())} "
                              f"extra {sorted(extra.elements())}: {labelled.text}")
    return Report(actors, locations, count, errors)


def _actors(codes: Iterable[str]) -> list[str]:
    return [c for c in codes if not c.startswith(LOCATION_PREFIX)]


def _places(codes: Iterable[str]) -> list[str]:
    return [c for c in codes if c.startswith(LOCATION_PREFIX)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devset", nargs="?", default=str(DEFAULT_DEVSET))
    parser.add_argument("--errors", action="store_true", help="list every sentence the matcher got wrong")
    args = parser.parse_args(argv)
    documents = parse_devset(Path(args.devset).read_text(encoding="utf-8"))
    report = score(documents, ActorMatcher.load())
    if args.errors:
        for error in report.errors:
            print(error)
    print(f"{args.devset}: {len(documents)} documents, {report.sentences} sentences")
    print(f"actor codes: {report.actors}")
    print(f"locations:   {report.locations}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
