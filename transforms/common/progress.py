"""Progress lines for long runs: a pass-through step that logs how many documents went by.

Placed after a stage (``documents | "ProgressCoded" >> Progress("coded")``), it logs at INFO on the
``communique.progress`` logger every ``every`` documents, and at least every ``interval_s`` seconds while
documents keep coming, e.g.::

    communique: coded 12,000 articles (806/s): 96,450 sentences, 9,120 dates, 51,300 entities, 7,410 events

Counts are per worker (each worker process logs its own share), so the lines say how a run is moving,
not its final totals: the summary at the end gives those. A small run logs nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import apache_beam as beam

from transforms.common.document import Document

LOGGER_NAME = "communique.progress"
DEFAULT_EVERY = 1000
DEFAULT_INTERVAL_S = 15.0
_TALLIED = ("sentences", "dates", "entities", "events")


def progress_line(label: str, documents: int, elapsed_s: float, tallies: dict[str, int]) -> str:
    """The text of one progress line (pure, for the tests and the DoFn)."""
    rate = f" ({documents / elapsed_s:,.0f}/s)" if elapsed_s > 0 else ""
    found = ", ".join(f"{count:,} {name}" for name, count in tallies.items() if count)
    return f"{label} {documents:,} articles{rate}" + (f": {found}" if found else "")


class _ProgressFn(beam.DoFn):
    def __init__(self, label: str, every: int, interval_s: float):
        self._label, self._every, self._interval_s = label, every, interval_s

    def setup(self) -> None:
        self._logger = logging.getLogger(LOGGER_NAME)
        self._documents = 0
        self._tallies = dict.fromkeys(_TALLIED, 0)
        self._started = self._last_logged = None

    def process(self, document: Document) -> Iterator[Document]:
        now = time.monotonic()
        if self._started is None:
            self._started = self._last_logged = now
        self._documents += 1
        for name in _TALLIED:
            self._tallies[name] += len(getattr(document, name))
        if self._documents % self._every == 0 or now - self._last_logged >= self._interval_s:
            self._last_logged = now
            self._logger.info(progress_line(self._label, self._documents, now - self._started, self._tallies))
        yield document


@beam.typehints.with_input_types(Document)
@beam.typehints.with_output_types(Document)
class Progress(beam.PTransform):
    """Passes documents through unchanged, logging a progress line now and then (see the module doc)."""

    def __init__(self, label: str, every: int = DEFAULT_EVERY, interval_s: float = DEFAULT_INTERVAL_S):
        super().__init__()
        if every < 1 or interval_s <= 0:
            raise ValueError(f"Progress({label!r}): every must be >= 1 and interval_s > 0, "
                             f"got {every} and {interval_s}")
        self._label, self._every, self._interval_s = label, every, interval_s

    def expand(self, documents):
        log = _ProgressFn(self._label, self._every, self._interval_s)
        return documents | "LogProgress" >> beam.ParDo(log)
