"""The exit codes of a command that writes the output directory, from how its job ended."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TypeVar

from pipeline.commands.exitcodes import EXIT_FAILED, EXIT_LOCKED

Result = TypeVar("Result")


def run_output_job(command: str, failure: str, job: Callable[[], Result]) -> Result | int:
    """``job()``'s result; or, when another writer holds the output directory, the lock's message on
    stderr and ``EXIT_LOCKED``; or, for any other error, ``failure`` and the traceback logged and
    ``EXIT_FAILED``. Callers tell the two apart with ``isinstance(result, int)``."""
    from outputs.lock import OutputLocked  # late: outputs.lock imports Beam, which --help need not pay for

    try:
        return job()
    except OutputLocked as locked:
        print(f"{command}: {locked}", file=sys.stderr)
        return EXIT_LOCKED
    except Exception as error:  # the last line of defence: report it, exit non-zero
        logging.getLogger("communique").exception("%s: %s", failure, error)
        return EXIT_FAILED
