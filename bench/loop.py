"""The pipeline's work without Beam: the same functions called in a plain Python loop, for comparison.

The loop builds the real pipeline graph (``pipeline.assemble.build_pipeline``) without running it and
takes the DoFns out of it, so it calls exactly the code the stages run, in the same order: read each
seed file and feed, normalize, keep one copy per article id, split sentences, resolve dates, tag
entities, code events, explode each document into table rows and write each table partition as Parquet
(``transforms.tablefiles`` via the sinks' writer). What it leaves out is Beam itself: no runner, no
coders, no bundles, no shuffles, no metrics (counters are no-ops outside a pipeline). It skips the
progress logging steps, and the feed accounting join (feed_fetches rows are written as the reader made
them; there are a few of them).

``run_loop`` returns seconds per stage; ``python bench/loop.py --seeds DIR --output DIR [--json]`` prints
them. The output holds the same tables as ``communique run`` on the same input writes (without the runs
table and the commit step), so the two can be compared row for row.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator

import apache_beam as beam

from pipeline.assemble import build_pipeline
from pipeline.cli import _parser
from pipeline.options import build_run_config
from transforms.rejects import REJECTS
from transforms.stages.sources import list_seed_dir

STAGES = ("read", "normalize", "dedup", "sentences", "dates", "entities", "events", "write")
# The composite transform of each per-article stage, in pipeline order (labels of pipeline.assemble).
ANNOTATING = (("sentences", "Sentences"), ("dates", "Dates"), ("entities", "Entities"), ("events", "Events"))
_DEFAULT_TIMESTAMP = "2021-11-02T00:00:00Z"


class GraphError(RuntimeError):
    """The pipeline graph no longer has the shape this loop knows; the message says what is missing."""


def _pardos(pipeline: beam.Pipeline) -> dict[str, beam.DoFn]:
    """Every ParDo's DoFn in the graph, by full label, in graph order."""
    found: dict[str, beam.DoFn] = {}

    class Visitor(beam.pipeline.PipelineVisitor):
        def visit_transform(self, node) -> None:
            if isinstance(node.transform, beam.ParDo):
                found[node.full_label] = node.transform.fn

    pipeline.visit(Visitor())
    return found


def _one(pardos: dict[str, beam.DoFn], pattern: str) -> beam.DoFn:
    matches = [fn for label, fn in pardos.items() if re.fullmatch(pattern, label)]
    if len(matches) != 1:
        raise GraphError(f"expected one ParDo labelled like {pattern!r} in the pipeline, found "
                         f"{len(matches)}; update bench/loop.py to the new pipeline shape")
    return matches[0]


def _chain(pardos: dict[str, beam.DoFn], composite: str) -> list[beam.DoFn]:
    """The ParDos of a per-article stage (usually one), in graph order."""
    chain = [fn for label, fn in pardos.items() if label.startswith(composite + "/")]
    if not chain:
        raise GraphError(f"no ParDo under {composite!r} in the pipeline; update bench/loop.py")
    return chain


def _outputs(results: Iterable | None) -> tuple[list, dict[str, list]]:
    """A DoFn's outputs split into the main ones and the tagged ones."""
    main, tagged = [], collections.defaultdict(list)
    for result in results or ():
        if isinstance(result, beam.pvalue.TaggedOutput):
            tagged[result.tag].append(result.value)
        else:
            main.append(result)
    return main, tagged


@dataclasses.dataclass
class LoopResult:
    seconds: dict[str, float]  # wall time per stage (STAGES), plus 'setup' (DoFn.setup: lexicons), 'list'
    cpu_seconds: dict[str, float]  # the same in CPU time of this process
    total_s: float  # everything but building the graph
    total_cpu_s: float
    graph_s: float  # building the pipeline graph the DoFns are taken from (not in total_s)
    rows: dict[str, int]  # rows written per table
    items: int  # seed files, unsupported files and feeds read

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


class _Timer:
    """Wall and CPU seconds per stage (CPU time holds steady when other processes share the cores)."""

    def __init__(self):
        self.seconds: dict[str, float] = collections.defaultdict(float)
        self.cpu_seconds: dict[str, float] = collections.defaultdict(float)

    @contextlib.contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started
            self.cpu_seconds[stage] += time.process_time() - cpu_started


def run_loop(seeds_dir: str, output_dir: str, run_timestamp: str = _DEFAULT_TIMESTAMP) -> LoopResult:
    """Runs the pipeline's functions over ``seeds_dir`` in a plain loop, writing tables to ``output_dir``."""
    graph_started = time.perf_counter()
    parsed, beam_args = _parser().parse_known_args(
        ["run", "--quiet", "--seeds", seeds_dir, "--output", output_dir, "--run-timestamp", run_timestamp])
    config = build_run_config(parsed, beam_args)
    graph = beam.Pipeline()
    build_pipeline(graph, config)
    pardos = _pardos(graph)
    read_seed = _one(pardos, r"Sources/ReadSeedFiles(/.*)?")
    reject_unsupported = _one(pardos, r"Sources/RejectUnsupportedFiles(/.*)?")
    read_feed = _one(pardos, r"Sources/ReadFeeds/ReadFeeds(/.*)?")
    normalize = _chain(pardos, "Normalize")
    keep_one = _one(pardos, r"Deduplicate/KeepOneCopy(/.*)?")
    annotators = [(stage, _chain(pardos, composite)) for stage, composite in ANNOTATING]
    tables = {}
    for label in pardos:
        written = re.fullmatch(r"Sinks/Write_(\w+)/WriteParquet(/.*)?", label)
        if written:
            table = written.group(1)
            tables[table] = (pardos.get(f"Sinks/Rows_{table}"), pardos[f"Sinks/Write_{table}/KeyByPartition"],
                             pardos[label])
    if not {"articles", "rejects"} <= tables.keys():
        raise GraphError(f"the sinks write {sorted(tables)}; expected at least articles and rejects")
    graph_s = time.perf_counter() - graph_started

    timer = _Timer()
    started, cpu_started = time.perf_counter(), time.process_time()
    sink_fns = [fn for fns in tables.values() for fn in fns if fn is not None]
    every_fn = [read_seed, reject_unsupported, read_feed, *normalize, keep_one,
                *(fn for _, chain in annotators for fn in chain), *sink_fns]
    with timer("setup"):
        for fn in every_fn:
            fn.setup()
            fn.start_bundle()
    with timer("list"):
        listing = list_seed_dir(seeds_dir)
        feed_uris = sorted(dict.fromkeys([path for path, _ in listing["feed"]]))

    rejects: list[dict] = []
    feed_fetches: list[dict] = []
    copies: dict[str, list] = collections.defaultdict(list)

    def take_items(items: list[dict]) -> None:
        for item in items:
            with timer("normalize"):
                documents = [item]
                for fn in normalize:
                    outputs = [_outputs(fn.process(element)) for element in documents]
                    documents = [document for main, _ in outputs for document in main]
                    for _, extra in outputs:
                        rejects.extend(extra.get(REJECTS, ()))
            for document in documents:
                copies[document.article_id].append(document)

    for path_pair in listing["seed"]:
        with timer("read"):
            items, tagged = _outputs(read_seed.process(path_pair))
        rejects.extend(tagged.get(REJECTS, ()))
        take_items(items)
    with timer("read"):
        for path_pair in listing["unsupported"]:
            rejects.extend(reject_unsupported.process(path_pair))
    for feed_uri in feed_uris:
        with timer("read"):
            items, tagged = _outputs(read_feed.process(feed_uri))
        rejects.extend(tagged.get(REJECTS, ()))
        feed_fetches.extend(tagged.get("feed_fetches", ()))
        take_items(items)

    rows: dict[str, dict[str, list]] = {table: collections.defaultdict(list) for table in tables}

    def add_rows(table: str, new_rows: Iterable[dict]) -> None:
        key_fn = tables[table][1]
        for row in new_rows:
            (key, value), = key_fn.process(row)
            rows[table][key].append(value)

    with timer("dedup"):
        kept = []
        for article_id in sorted(copies):
            main, _ = _outputs(keep_one.process((article_id, copies.pop(article_id))))
            kept.extend(main)
    document_tables = [(table, fns[0]) for table, fns in tables.items() if fns[0] is not None]
    for document in kept:
        documents = [document]
        for stage, chain in annotators:
            with timer(stage):
                for fn in chain:
                    outputs = [_outputs(fn.process(element)) for element in documents]
                    documents = [result for main, _ in outputs for result in main]
                    for _, extra in outputs:
                        rejects.extend(extra.get(REJECTS, ()))
        with timer("write"):
            for done in documents:
                for table, explode in document_tables:
                    add_rows(table, explode.process(done))
    with timer("write"):
        add_rows("rejects", rejects)
        if "feed_fetches" in tables:
            add_rows("feed_fetches", feed_fetches)
        written = collections.Counter()
        for table, (_, _, write) in tables.items():
            for key in sorted(rows[table]):
                for _, count in write.process((key, rows[table].pop(key))):
                    written[table] += count
    with timer("setup"):
        for fn in every_fn:
            fn.finish_bundle()
            fn.teardown()
    total_s, total_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    items = len(listing["seed"]) + len(listing["unsupported"]) + len(feed_uris)
    return LoopResult(seconds=dict(timer.seconds), cpu_seconds=dict(timer.cpu_seconds), total_s=total_s,
                      total_cpu_s=total_cpu_s, graph_s=graph_s,
                      rows={table: written.get(table, 0) for table in tables}, items=items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", required=True, help="the seeds directory (e.g. a bench corpus)")
    parser.add_argument("--output", required=True, help="where to write the tables (a new directory)")
    parser.add_argument("--run-timestamp", default=_DEFAULT_TIMESTAMP)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run_loop(args.seeds, args.output, args.run_timestamp)
    if args.json:
        print(json.dumps(result.as_dict(), sort_keys=True))
        return 0
    print(f"{'stage':<10} {'wall s':>8} {'CPU s':>8}")
    for stage in ("setup", "list", *STAGES):
        print(f"{stage:<10} {result.seconds.get(stage, 0.0):8.2f} {result.cpu_seconds.get(stage, 0.0):8.2f}")
    print(f"{'total':<10} {result.total_s:8.2f} {result.total_cpu_s:8.2f}"
          f"   (building the graph, {result.graph_s:.2f} s, not included)")
    print("rows      ", ", ".join(f"{table} {count}" for table, count in result.rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
