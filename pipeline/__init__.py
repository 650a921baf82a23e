"""The communique command line, its options, and the assembly of the Beam pipeline."""

import logging

__version__ = "0.1.0"


class _DropIrrelevantBeamNotices(logging.Filter):
    """Beam announces at import that Google Cloud client libraries are missing; communique does not use
    them unless the user asks for a Google Cloud runner, where they are installed with it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "apitools not found" not in record.getMessage()


# Before Beam is imported: its first logging call would otherwise configure the root logger itself.
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
logging.getLogger().addFilter(_DropIrrelevantBeamNotices())
