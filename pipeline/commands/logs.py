"""How the command line logs: warnings and errors on stderr, one line each, without Beam's import noise.

Only the command line configures logging; a program that imports communique's modules keeps its own.
"""

from __future__ import annotations

import logging


class _DropIrrelevantBeamNotices(logging.Filter):
    """Beam announces at import that Google Cloud client libraries are missing; communique does not use
    them unless the user asks for a Google Cloud runner, where they are installed with it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "apitools not found" not in record.getMessage()


LOG_LEVELS = ("debug", "info", "warning", "error")


def configure_logging() -> None:
    """Call before Beam is imported: its first logging call would otherwise configure the root logger
    itself."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().addFilter(_DropIrrelevantBeamNotices())


def set_log_level(level: str) -> None:
    """``--log-level``: one of LOG_LEVELS, for the root logger (the progress lines have their own switch,
    --quiet)."""
    logging.getLogger().setLevel(level.upper())
