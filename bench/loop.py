"""The pipeline's work without Beam: the same functions called in a plain Python loop, for comparison.

The loop builds the real pipeline graph (``pipeline.assemble.build_pipeline``) without running it and
takes the DoFns out of it, so it calls exactly the code the stages run, in the same order: read each
seed file and feed, normalize, keep one copy per article id, split sentences, resolve dates, tag
entities, code events, explode each document into table rows and write each table partition as Parquet
(``outputs.tablefiles`` via the sinks' writers). What it leaves out is Beam itself: no runner, no
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
from pathlib import Path

import apache_beam as beam

from pipeline.assemble import build_pipeline
from pipeline.cli import _parser
from pipeline.options import build_run_config
from transforms.common.rejects import REJECTS, numbered_repeats, stamp_reject

STAGES = ("read", "normalize", "dedup", "sentences", "dates", "entities", "events", "write")
# The composite transform of each per-article stage, in pipeline order (labels of transforms.annotating).
ANNOTATING = tuple((stage, f"Annotate/{label}") for stage, label in (
    ("sentences", "Sentences"), ("dates", "Dates"), ("entities", "Entities"), ("events", "Events")))
_DEFAULT_TIMESTAMP = "2021-11-02T00:00:00Z"


class GraphError(RuntimeError):
    """The pipeline graph no longer has the shape this loop knows; the message says what is missing."""


@dataclasses.dataclass
class _Graph:
    """What the loop needs from the pipeline graph: each ParDo's DoFn (by full label, in graph order) and,
    for the ParDos that read the inputs, the elements their ``beam.Create`` hands them."""

    pardos: dict[str, beam.DoFn]
    created: dict[str, list]  # full label of a ParDo fed by a Create (through Reshuffles) -> elements

    @classmethod
    def of(cls, pipeline: beam.Pipeline) -> _Graph:
        pardos: dict[str, beam.DoFn] = {}
        inputs: dict[str, object] = {}
        creates: dict[object, list] = {}
        reshuffled: dict[object, object] = {}  # a Reshuffle's output -> its input (the same elements)
        plumbing: list[str] = []  # labels of the Creates and Reshuffles (their insides are not readers)

        class Visitor(beam.pipeline.PipelineVisitor):
            def enter_composite_transform(self, node) -> None:
                if isinstance(node.transform, beam.Create):
                    creates[node.outputs[None]] = list(node.transform.values)
                    plumbing.append(node.full_label + "/")
                elif isinstance(node.transform, beam.Reshuffle):
                    reshuffled[node.outputs[None]] = node.inputs[0]
                    plumbing.append(node.full_label + "/")

            def visit_transform(self, node) -> None:
                if isinstance(node.transform, beam.ParDo):
                    pardos[node.full_label] = node.transform.fn
                    inputs[node.full_label] = node.inputs[0] if node.inputs else None

        pipeline.visit(Visitor())
        created = {}
        for label, pcollection in inputs.items():
            while pcollection in reshuffled:
                pcollection = reshuffled[pcollection]
            if pcollection in creates and not label.startswith(tuple(plumbing)):
                created[label] = creates[pcollection]
        return cls(pardos, created)


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
    seconds: dict[str, float]  # wall time per stage (STAGES), plus 'setup' (DoFn.setup: lexicons)
    cpu_seconds: dict[str, float]  # the same in CPU time of this process
    total_s: float  # everything but building the graph
    total_cpu_s: float
    graph_s: float  # building the pipeline graph the DoFns are taken from (not in total_s)
    rows: dict[str, int]  # rows written per table
    items: int  # elements the readers were given (seed files, unsupported files, feeds or feed batches)

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
    shape = _Graph.of(graph)
    pardos = shape.pardos
    # The readers: seed files, unsupported files, feeds (whatever elements their Create holds).
    readers = [(pardos[label], elements) for label, elements in shape.created.items()
               if label.startswith("Sources/")]
    if not readers:
        raise GraphError("found no ParDo under Sources/ fed by a beam.Create; update bench/loop.py")
    # Seed items and feed items pass through two copies of the same steps; one copy serves the loop.
    normalize = _chain(pardos, "NormalizeSeeds")
    key_by_id = _one(pardos, r"Deduplicate/KeyByIdSeeds(/.*)?")
    keep_one = _one(pardos, r"Deduplicate/KeepOneCopy(/.*)?")
    annotators = [(stage, _chain(pardos, composite)) for stage, composite in ANNOTATING]
    # Sinks: the tables written through a GroupByKey by partition (Write_<table>: key, then write), and
    # the writers that take documents directly (the document tables).
    grouped_tables = {}
    for label in pardos:
        written = re.fullmatch(r"Sinks/Write_(\w+)/WriteParquet(/.*)?", label)
        if written:
            grouped_tables[written.group(1)] = (pardos[f"Sinks/Write_{written.group(1)}/KeyByPartition"],
                                                pardos[label])
    document_writers = [fn for label, fn in pardos.items()
                        if label.startswith("Sinks/") and not re.match(r"Sinks/Write_\w+/", label)]
    if "rejects" not in grouped_tables or not document_writers:
        raise GraphError("the sinks no longer have a Write_rejects table and document writers; "
                         "update bench/loop.py")
    graph_s = time.perf_counter() - graph_started

    timer = _Timer()
    started, cpu_started = time.perf_counter(), time.process_time()
    sink_fns = [*document_writers, *(fn for fns in grouped_tables.values() for fn in fns)]
    every_fn = [*(fn for fn, _ in readers), *normalize, key_by_id, keep_one,
                *(fn for _, chain in annotators for fn in chain), *sink_fns]
    with timer("setup"):
        for fn in every_fn:
            fn.setup()
            fn.start_bundle()
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
            with timer("dedup"):
                for document in documents:
                    for article_id, packed in key_by_id.process(document):
                        copies[article_id].append(packed)

    for read, elements in readers:
        for element in elements:
            with timer("read"):
                outputs, tagged = _outputs(read.process(element))
            rejects.extend(tagged.get(REJECTS, ()))
            feed_fetches.extend(tagged.get("feed_fetches", ()))
            # A reader's main output is raw items, except for the one that rejects whole files.
            rejects.extend(row for row in outputs if "reject_id" in row)
            take_items([item for item in outputs if "reject_id" not in item])

    written: collections.Counter = collections.Counter()

    def count_files(outputs: Iterable) -> None:
        for output in outputs or ():
            path, count = getattr(output, "value", output)  # finish_bundle yields WindowedValues
            written[Path(path).parent.parent.name] += count  # <table>/<partition>/<file>

    with timer("dedup"):
        key_by_id.finish_bundle()  # the parked copies are readable once their file is closed
    for article_id in sorted(copies):
        # One article at a time, from its packed copies to its rows: nothing else is kept.
        with timer("dedup"):
            documents, _ = _outputs(keep_one.process((article_id, copies.pop(article_id))))
        for stage, chain in annotators:
            with timer(stage):
                for fn in chain:
                    outputs = [_outputs(fn.process(element)) for element in documents]
                    documents = [result for main, _ in outputs for result in main]
                    for _, extra in outputs:
                        rejects.extend(extra.get(REJECTS, ()))
        with timer("write"):
            for done in documents:
                for writer in document_writers:
                    count_files(writer.process(done))
    with timer("write"):
        for writer in document_writers:
            count_files(writer.finish_bundle())
        # The pipeline stamps the run on the rejects one step before their sink (StampRejects).
        by_id: dict[str, list[dict]] = collections.defaultdict(list)
        for row in rejects:
            stamped_row = stamp_reject(row, config.run_id, config.started_at)
            by_id[stamped_row["reject_id"]].append(stamped_row)
        stamped = [row for repeats in by_id.values() for row in numbered_repeats(repeats)]  # as the pipeline
        grouped_rows = {"rejects": stamped, "feed_fetches": feed_fetches}
        for table, (key_fn, write) in grouped_tables.items():
            partitions: dict[str, list] = collections.defaultdict(list)
            for row in grouped_rows.get(table, ()):
                for key, value in key_fn.process(row):
                    partitions[key].append(value)
            for key in sorted(partitions):
                count_files(write.process((key, partitions.pop(key))))
    with timer("setup"):
        for fn in every_fn:
            if fn not in document_writers and fn is not key_by_id:
                fn.finish_bundle()
            fn.teardown()
    total_s, total_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    items = sum(len(elements) for _, elements in readers)
    return LoopResult(seconds=dict(timer.seconds), cpu_seconds=dict(timer.cpu_seconds), total_s=total_s,
                      total_cpu_s=total_cpu_s, graph_s=graph_s,
                      rows=dict(sorted(written.items())), items=items)


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
    for stage in ("setup", *STAGES):
        print(f"{stage:<10} {result.seconds.get(stage, 0.0):8.2f} {result.cpu_seconds.get(stage, 0.0):8.2f}")
    print(f"{'total':<10} {result.total_s:8.2f} {result.total_cpu_s:8.2f}"
          f"   (building the graph, {result.graph_s:.2f} s, not included)")
    print("rows      ", ", ".join(f"{table} {count}" for table, count in result.rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
