"""Exit codes shared by the commands (documented in --help, the README and docs/operations.md).

A scheduler can act on them: 0 and 3 are successes (3: look at the rejects table), 1 is worth an alert,
2 means the command line is wrong, and 75 (EX_TEMPFAIL in sysexits.h: "try again later") means another
run still holds the output directory, so this one did nothing. Standard output closed early (``| head``)
is not an error: the command stops writing and exits 0 (pipeline.cli.main).
"""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_OK_WITH_REJECTS = 3
EXIT_LOCKED = 75

EXIT_CODES_HELP = ("Exit codes: 0 success; 3 success, but this run rejected items or a feed failed (see the "
                   "rejects and feed_fetches tables); 1 failure (nothing committed, unless the message says "
                   "what was); 2 bad options; 75 another run holds the output directory (nothing done; try "
                   "again later).")
