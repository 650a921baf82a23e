"""Watching: an incremental batch run every interval, one summary line per poll, a clean stop on a signal.

Each poll is an ordinary ``communique run`` (``pipeline.run.run_job``) stamped with the time it starts, so
it has its own run id, takes the output lock for its duration only (a ``compact`` can run between polls),
reads only what earlier polls have not written (feed state and the article ids in the tables) and commits
atomically. Polls start every ``interval_s`` seconds; one that takes longer than that is followed at once
by the next (never overlapped).

SIGINT and SIGTERM ask the watcher to stop: a poll in progress is finished and committed, a wait is cut
short, and the watcher returns. A second signal during a poll aborts it at once (the process exits as if
killed: the poll commits nothing, or, if it was already committing, the next writer finishes the commit).

With ``--direct_running_mode=multi_processing``, a Ctrl-C in a terminal also reaches the runner's worker
processes (the terminal signals the whole process group), which die: the poll then fails and commits
nothing, or, depending on the moment, Beam's FnApiRunner waits for ever on the dead worker and only the
second Ctrl-C (abort) ends the watcher. Send the signal to the watcher alone (``kill -INT <pid>``, or
``KillMode=mixed`` under systemd) to stop such a watcher cleanly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

from outputs.lock import OutputLocked
from pipeline.options import RunConfig
from pipeline.summary import RunOutcome
from pipeline.wording import counted

_LOG = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# The status a process aborted by a second signal exits with: the command line's EXIT_FAILED (a test
# holds the two equal; this module does not import the command line).
ABORTED_STATUS = 1


@dataclasses.dataclass
class Poll:
    """One poll: when it started and what became of it."""

    number: int
    started_at: dt.datetime
    elapsed_s: float = 0.0
    outcome: RunOutcome | None = None
    status: str = "ok"  # ok, ok_with_rejects, skipped (output locked), failed
    error: str | None = None

    def line(self) -> str:
        """The one summary line of this poll."""
        stamp = self.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.outcome is None:
            return (f"{stamp} poll {self.number}: {self.status.upper()} after {self.elapsed_s:.1f} s: "
                    f"{self.error}")
        counters, rows = self.outcome.counters, self.outcome.rows_written
        content_rows = sum(count for table, count in rows.items() if table not in ("runs", "rejects"))
        rejects = sum(self.outcome.rejects_by_reason.values())
        return (f"{stamp} poll {self.number} run {self.outcome.run_id}: "
                f"{counted(counters.get('articles_new', 0), 'new article')} "
                f"({counted(counters.get('items_read', 0), 'item')} read, "
                f"{counted(counters.get('duplicates', 0), 'duplicate')}), "
                f"{counted(content_rows, 'row')}, {counted(rejects, 'reject')}, {self.elapsed_s:.1f} s "
                f"[{self.status}]")


class Watcher:
    """Runs ``run(config_at(start time))`` every ``interval_s`` seconds until stopped or ``max_polls``.

    ``run`` is ``pipeline.run.run_job`` unless a test gives another; ``after_poll`` is called with each
    finished poll (the tests change the inputs there).
    """

    def __init__(self, config_at: Callable[[dt.datetime], RunConfig], interval_s: float,
                 max_polls: int | None = None, *, out: TextIO | None = None,
                 run: Callable[[RunConfig], RunOutcome] | None = None,
                 after_poll: Callable[[Poll], None] | None = None):
        if interval_s <= 0:
            raise ValueError(f"the interval must be positive, got {interval_s}")
        if max_polls is not None and max_polls < 1:
            raise ValueError(f"max polls must be at least 1, got {max_polls}")
        self._config_at = config_at
        self._interval_s = interval_s
        self._max_polls = max_polls
        self._out = out or sys.stdout
        self._run = run
        self._after_poll = after_poll
        self._stop = threading.Event()
        self._in_poll = False
        self.polls: list[Poll] = []

    def request_stop(self, signum: int | None = None, frame=None) -> None:
        """Finish the current poll, then return (a signal handler, also callable directly)."""
        name = signal.Signals(signum).name if signum is not None else "a stop request"
        if self._stop.is_set() and self._in_poll and signum is not None:
            _LOG.error("%s again: aborting the poll in progress; it commits nothing, or the next run "
                       "finishes its commit", name)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(ABORTED_STATUS)  # as if killed, which a commit is made to survive
        if self._in_poll:
            _LOG.warning("%s: stopping after the current poll (again to abort it)", name)
        else:
            _LOG.warning("%s: stopping", name)
        self._stop.set()

    def _poll(self, number: int) -> Poll:
        from pipeline.run import FailedAfterCommit, run_job

        started_at = dt.datetime.now(dt.timezone.utc)
        poll = Poll(number=number, started_at=started_at)
        clock = time.monotonic()
        self._in_poll = True
        try:
            poll.outcome = (self._run or run_job)(self._config_at(started_at))
            poll.status = poll.outcome.exit_status
        except OutputLocked as locked:
            poll.status, poll.error = "skipped", str(locked)
        except FailedAfterCommit as failure:  # its output is committed; the message says what is left
            _LOG.error("poll %d: %s", number, failure)
            poll.status, poll.error = "failed", str(failure)
        except Exception as error:  # a failed poll commits nothing; the next one tries again
            _LOG.exception("poll %d failed and committed nothing", number)
            poll.status, poll.error = "failed", f"{type(error).__name__}: {error}"
        finally:
            self._in_poll = False
            poll.elapsed_s = time.monotonic() - clock
        return poll

    def run(self) -> bool:
        """Polls until stopped; returns False when the last poll failed, else True. Call it from the
        main thread."""
        previous = {signum: signal.signal(signum, self.request_stop) for signum in STOP_SIGNALS}
        try:
            number = 0
            while not self._stop.is_set():
                number += 1
                next_start = time.monotonic() + self._interval_s
                poll = self._poll(number)
                self.polls.append(poll)
                print(poll.line(), file=self._out, flush=True)
                if self._after_poll is not None:
                    self._after_poll(poll)
                if self._max_polls is not None and number >= self._max_polls:
                    break
                self._stop.wait(max(0.0, next_start - time.monotonic()))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return not (self.polls and self.polls[-1].status == "failed")
