"""Where progress lines go: standard error, for people watching a long run.

The stages log them on ``communique.progress`` (see ``transforms.common.progress``); the root logger stays
at WARNING so Beam's own INFO chatter stays hidden.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from transforms.common.progress import LOGGER_NAME

_HANDLER_NAME = "communique-progress"


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each line (it may be replaced after set-up)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass  # always the current sys.stderr


def enable_progress_logging(stream: TextIO | None = None) -> logging.Handler:
    """Sends progress lines to ``stream`` (default: standard error) as ``communique: ...``; idempotent."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in logger.handlers:
        if handler.get_name() == _HANDLER_NAME:
            logger.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else _CurrentStderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("communique: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the root handler would print each line a second time
    return handler


def disable_progress_logging() -> None:
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if handler.get_name() == _HANDLER_NAME:
            logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
