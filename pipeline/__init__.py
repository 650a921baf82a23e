"""communique: the package map. Which package owns what, and who may import whom.

    schemas/      the tables' columns and their documentation (TableSpec); imports nothing of ours
    transforms/   the stages, one sub-package each, pure core beside its Beam stage (stage.py):
      common/       Document, ids, reject rows, Beam plumbing, the generic annotate stage and the
                    Sentences→Dates→Entities→Events chain (annotate.py)
      sources/ normalize/ sentences/ dates/ entities/ events/ sinks/   in the order the data flows
    outputs/      the output directory: file layout, commits and staging, the committed tables, lock,
                  feed state, compaction, event_daily, DuckDB views, is_local (see outputs/__init__.py)
    pipeline/     what runs the stages:
      assemble, streaming   the batch and the streaming pipelines, assembled from transforms
      run, watch            the run driver (lock, recover, run, commit, event_daily) and the poller
      recode                the recode driver: stored articles through the annotating chain again
      options, streaming_options, summary, progress, report_data, report_html, feedlist
      cli, commands/        the command line: arguments, printing, exit codes, logging set-up
    tests/, bench/          tests, dev sets and scorers; benchmarks (neither is installed)

Who may import whom (tests/test_architecture.py holds the first three):
  - no import cycle among the modules, late (function-level) imports included;
  - only pipeline.cli and pipeline.commands import pipeline.cli / pipeline.commands;
  - outputs imports only outputs, schemas and transforms.common.ids;
  - transforms imports schemas, outputs and other transforms, never pipeline;
  - a stage package's pure modules know nothing of Beam; the shared pieces live in transforms/common.
"""

import importlib.metadata

__version__ = importlib.metadata.version("communique")
