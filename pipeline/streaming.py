"""``communique run --streaming``: the same pipeline on an unbounded source, for runners that have them.

    PeriodicImpulse (a tick every --interval s) → PollSources → NewDocuments (normalize, deduplicate
    within a window and across the job) → sentences → dates → entities → events → WriteWindowedTables
    (fixed windows of --window s, one Parquet file per window, table and partition)

Beam 2.77's in-process runners cannot run an unbounded ``PeriodicImpulse``: FnApiRunner and the
PortableRunner's embedded job server never get past it, and the BundleBasedDirectRunner rejects it. So
without ``--max-polls`` this needs a runner with unbounded sources (Flink, Spark, Dataflow, Prism); with
``--max-polls N`` the impulse stops after N ticks and any runner, the default one included, runs it to
the end. Locally, ``communique watch`` is the way to poll without end.

What differs from batch runs: rows are committed per window and file as each window closes (fileio
renames each finished file into place; there is no all-or-nothing commit of a whole run), the run id is
the job's, and the ``runs``, ``feed_fetches`` and ``event_daily`` tables are written by batch runs only.
The job holds the output directory's lock for as long as the driver waits on it.
"""

from __future__ import annotations

import dataclasses
import time

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, PortableOptions, StandardOptions
from apache_beam.transforms.periodicsequence import PeriodicImpulse

from outputs.commit import OutputDir
from outputs.lock import OutputLock
from outputs.tables import WrittenIds
from pipeline.options import DASK_RUNNER, ConfigError, RunConfig, beam_pipeline_options
from pipeline.streaming_options import DEFAULT_INTERVAL_S
from pipeline.summary import counters_of
from pipeline.wording import counted
from transforms.annotating import Annotate
from transforms.common.beam import DOCUMENTS
from transforms.common.rejects import REJECTS, StampRejects
from transforms.sinks.streaming import WriteWindowedTables
from transforms.sources.feeds_stage import FEED_ITEMS
from transforms.sources.streaming import NewDocuments, NewRejects, PollSources

# Runners known here to run an unbounded PeriodicImpulse to no effect (see the module docstring).
IN_PROCESS_RUNNERS = ("FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner")


@dataclasses.dataclass(frozen=True)
class StreamingConfig:
    run: RunConfig
    interval_s: float = DEFAULT_INTERVAL_S
    window_s: float = DEFAULT_INTERVAL_S
    max_polls: int | None = None


@dataclasses.dataclass
class StreamingOutcome:
    run_id: str
    output_dir: str
    elapsed_s: float
    counters: dict[str, int]

    def figures(self) -> dict[str, object]:
        """What ``summary`` says, as one JSON-ready object (``communique run --streaming --json``)."""
        counters = self.counters
        return {"run_id": self.run_id, "output_dir": self.output_dir, "polls": counters.get("polls", 0),
                "articles_new": counters.get("articles_new", 0),
                "rows_written": {name.removeprefix("rows_streamed_"): value
                                 for name, value in counters.items() if name.startswith("rows_streamed_")},
                "elapsed_s": round(self.elapsed_s, 3)}

    def summary(self) -> str:
        figures = self.figures()
        written = ", ".join(f"{table} {rows}" for table, rows in figures["rows_written"].items())
        return (f"communique run --streaming {self.run_id} → {self.output_dir}: "
                f"{counted(figures['polls'], 'poll')}, {counted(figures['articles_new'], 'new article')}; "
                f"rows {written or 'none'}; {self.elapsed_s:.1f} s")


def streaming_options(config: StreamingConfig) -> PipelineOptions:
    """Beam's options with ``streaming`` on; refuses an endless job on a runner that cannot run one."""
    options = beam_pipeline_options(config.run.beam_args)
    options.view_as(StandardOptions).streaming = True
    runner = options.view_as(StandardOptions).runner or ""
    runner_name = (runner if isinstance(runner, str) else type(runner).__name__).split(".")[-1]
    embedded = runner_name == "PortableRunner" and options.view_as(PortableOptions).job_endpoint == "embed"
    if runner == DASK_RUNNER:
        raise ConfigError("--streaming runs on runners with unbounded sources; the Dask runner runs batch "
                          "jobs only. On a Dask cluster, schedule 'communique run --runner=DaskRunner' (cron "
                          "or 'communique watch'), or drop --runner for a local streaming run with "
                          "--max-polls.")
    if config.max_polls is None and (runner_name in IN_PROCESS_RUNNERS or embedded):
        raise ConfigError(
            f"--streaming without --max-polls needs a runner with unbounded sources (Flink, Spark, Dataflow "
            f"or Prism: --runner=...); the local runner {runner_name}"
            f"{' with an embedded job server' if embedded else ''} cannot run an endless job. Locally, "
            "use 'communique watch --interval SECONDS', or give --max-polls N.")
    return options


def build_streaming_pipeline(pipeline: beam.Pipeline, config: StreamingConfig, first_tick: float) -> None:
    """Adds the streaming job to ``pipeline``; its ticks start at ``first_tick`` (Unix seconds)."""
    run_config = config.run
    run = (run_config.run_id, run_config.started_at)
    stop = (first_tick + config.interval_s * (config.max_polls - 0.5)
            if config.max_polls is not None else None)
    bounds = {"start_timestamp": first_tick} if stop is None else {"start_timestamp": first_tick,
                                                                    "stop_timestamp": stop}
    impulse = PeriodicImpulse(fire_interval=config.interval_s, **bounds)
    polled = pipeline | "Ticks" >> impulse | "PollSources" >> PollSources(
        seeds_dir=run_config.seeds_dir, feed_uris=list(run_config.feed_uris), run_id=run_config.run_id,
        run_started_at=run_config.started_at, timeout_s=run_config.feed_timeout_s,
        max_bytes=run_config.max_feed_bytes)
    annotate_windowed(polled[FEED_ITEMS], polled[REJECTS], config, run)


def annotate_windowed(items, source_rejects, config: StreamingConfig, run: tuple) -> None:
    """Raw items and source rejects (global window) -> the annotating stages -> windowed Parquet files.
    Shared by the PeriodicImpulse job and the TestStream tests."""
    output_dir = config.run.output_dir
    fresh = items | "NewDocuments" >> NewDocuments(
        *run, config.window_s, WrittenIds(output_dir, "articles", "article_id"))
    coded = fresh[DOCUMENTS] | "Annotate" >> Annotate()
    stamped = coded[REJECTS] | "StampRejects" >> StampRejects(*run)
    rejects = (source_rejects, fresh[REJECTS], stamped) | "NewRejects" >> NewRejects(
        config.window_s, WrittenIds(output_dir, "rejects", "reject_id"))
    {"documents": coded[DOCUMENTS], "rejects": rejects} | "WriteWindowed" >> WriteWindowedTables(
        output_dir, config.run.run_id, temp_directory(config))


def temp_directory(config: StreamingConfig) -> str:
    """Where the job's files are written before their window closes (removed when the job ends, or by
    the next batch run's recovery)."""
    return OutputDir(config.run.output_dir).staging_root(f"stream-{config.run.run_id}")


def run_streaming(config: StreamingConfig, options: PipelineOptions | None = None) -> StreamingOutcome:
    """Runs the streaming job until it ends (``max_polls``) or is cancelled, holding the output lock.
    Raises ConfigError for an endless job on an in-process runner, OutputLocked when the output is in
    use."""
    options = options or streaming_options(config)
    clock = time.monotonic()
    with OutputLock(config.run.output_dir, f"communique run --streaming {config.run.run_id}"):
        pipeline = beam.Pipeline(options=options)
        build_streaming_pipeline(pipeline, config, first_tick=time.time())
        result = pipeline.run()
        result.wait_until_finish()
        OutputDir(config.run.output_dir).discard(f"stream-{config.run.run_id}")
    return StreamingOutcome(run_id=config.run.run_id, output_dir=config.run.output_dir,
                            elapsed_s=time.monotonic() - clock, counters=counters_of(result))
