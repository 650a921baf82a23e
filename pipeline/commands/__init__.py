"""One module per ``communique`` subcommand. Each has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``execute(args, extra_args) -> exit code``; ``pipeline.cli`` lists them in ``COMMANDS``."""
