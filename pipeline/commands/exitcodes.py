"""Exit codes shared by the commands (documented in --help and the README)."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_OK_WITH_REJECTS = 3
