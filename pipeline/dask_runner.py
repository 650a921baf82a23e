"""Running the pipeline on a Dask cluster: Beam's DaskRunner, completed where this pipeline needs it.

    communique run --runner=DaskRunner                                    # a local cluster of processes
    communique run --runner=DaskRunner --dask_client_address=tcp://scheduler:8786

Beam 2.77's ``apache_beam.runners.dask.DaskRunner`` turns a pipeline into ``dask.bag`` operations, but
(docs/dask.md reproduces each in a few lines):

1. every output of a ParDo with tagged outputs goes, mixed, to every consumer of any of its outputs;
2. only the bag of the last transform visited is computed: branches not upstream of it never run;
3. what a DoFn emits from ``finish_bundle`` is dropped;
4. ``result.metrics()`` raises NotImplementedError: there are no counters, so no run summary;
5. each DoFn is set up and torn down once per partition (the events coder loads spaCy in ``setup``).

``DaskRunner`` here keeps Beam's translation (one bag per PCollection, a Dask partition per bundle) and
fixes those: each output PCollection gets its own bag, every branch is computed, ``finish_bundle``
output is kept, counters are gathered from each bundle into ``result.metrics()``, and a DoFn is set up
once per worker thread and run and reused by its bundles, as Beam's model allows. It translates the
primitives this pipeline is made of (Create, ParDo with or without side inputs, GroupByKey, Flatten,
Reshuffle) in the global window, which is all a batch run uses; any other primitive fails at
submission, naming it.
The Dask options of Beam's ``DaskOptions`` (``--dask_client_address``, ``--dask_scheduler_file``,
``--dask_npartitions``, ...) apply unchanged. Without an address the runner starts a
``distributed.LocalCluster`` for the run and closes it at the end.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import dataclasses
import logging
import os
import threading
import uuid
from collections.abc import Iterable

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.internal import pickler
from apache_beam.metrics.execution import MetricKey, MetricResult, MetricsContainer
from apache_beam.metrics.metric import MetricResults
from apache_beam.pipeline import PipelineVisitor
from apache_beam.runners.common import DoFnContext, DoFnInvoker, DoFnSignature, Receiver, _OutputHandler
from apache_beam.runners.dask.dask_runner import DaskOptions
from apache_beam.runners.dask.dask_runner import DaskRunner as BeamDaskRunner
from apache_beam.runners.dask.overrides import _Create, _Reshuffle, dask_overrides
from apache_beam.runners.runner import PipelineResult, PipelineState
from apache_beam.runners.worker import statesampler
from apache_beam.transforms.sideinputs import SideInputMap
from apache_beam.transforms.window import GlobalWindow, GlobalWindows
from apache_beam.utils.counters import CounterFactory
from apache_beam.utils.windowed_value import WindowedValue

_METRICS_TAG = "__communique_bundle_metrics__"  # an output tag no DoFn of the pipeline uses
_LOGGER = logging.getLogger(__name__)


class UnsupportedOnDask(NotImplementedError):
    """A primitive transform this runner does not translate (it names the transform)."""


# --- on the workers -------------------------------------------------------------------------------------

# The DoFns set up in this worker process: {run: {(worker thread, step): its signature}}. A DoFn is
# set up once per thread and run (DoFns need not be thread-safe; a later run on a long-lived cluster must
# not see what an earlier run's DoFn loaded in setup, such as the ids written so far), and torn down
# when its run ends (``_release_run``, called on every worker by the launcher) or the process exits.
_SET_UP: dict[str, dict[tuple[int, str], DoFnSignature]] = {}
_SET_UP_LOCK = threading.Lock()


def _set_up_fn(run: str, step: str, pickled_fn: bytes) -> DoFnSignature:
    """The DoFn of ``step`` (its signature), set up once per worker thread for ``run``."""
    key = (threading.get_ident(), step)
    with _SET_UP_LOCK:
        found = _SET_UP.get(run, {}).get(key)
    if found is None:
        fn = pickler.loads(pickled_fn)
        fn.setup()
        found = DoFnSignature(fn)
        with _SET_UP_LOCK:
            _SET_UP.setdefault(run, {})[key] = found
    return found


def _release_run(run: str) -> int:
    """Tears down the DoFns this process set up for ``run``; returns how many."""
    with _SET_UP_LOCK:
        released = _SET_UP.pop(run, {})
    for signature in released.values():
        signature.do_fn.teardown()
    return len(released)


@atexit.register
def _release_every_run() -> None:
    for run in list(_SET_UP):
        _release_run(run)


@dataclasses.dataclass
class _Collector(Receiver):
    """Receives a ParDo's outputs of one tag as (tag, value) pairs in a list shared by all tags."""

    values: list
    tag: str | None

    def receive(self, windowed_value: WindowedValue) -> None:
        self.values.append((self.tag, windowed_value.value))


class _Collectors(dict):
    def __init__(self, values: list):
        super().__init__()
        self.values = values

    def __missing__(self, tag):
        self[tag] = _Collector(self.values, tag)
        return self[tag]


@dataclasses.dataclass(frozen=True)
class _ParDoSpec:
    """What a worker needs to run one ParDo's bundles (pickled into the task graph once per ParDo)."""

    run: str  # one submission of a pipeline
    step: str  # unique in the pipeline
    pickled_fn: bytes
    args: tuple
    kwargs: dict
    side_views: tuple  # (view class, view options) per side input, in the order of the side values


def _global(value) -> WindowedValue:
    return WindowedValue(value, 0, (GlobalWindow(),))


def _run_bundle(items: Iterable, spec: _ParDoSpec, *side_values: list) -> list:
    """Runs one Dask partition through the ParDo as one bundle: (tag, value) pairs of every output,
    then one (``_METRICS_TAG``, counter values) pair."""
    signature = _set_up_fn(spec.run, spec.step, spec.pickled_fn)
    outputs: list = []
    collectors = _Collectors(outputs)
    side_inputs = [SideInputMap(view_class, options, [_global(value) for value in values])
                   for (view_class, options), values in zip(spec.side_views, side_values, strict=True)]
    invoker = DoFnInvoker.create_invoker(
        signature,
        _OutputHandler(GlobalWindows(), collectors[None], collectors, None, None, False, False),
        context=DoFnContext(spec.step, state=None), side_inputs=side_inputs,
        input_args=list(spec.args), input_kwargs=spec.kwargs, user_state_context=None,
        bundle_finalizer_param=beam.DoFn.BundleFinalizerParam())
    container = MetricsContainer(spec.step)
    sampler = statesampler.StateSampler(spec.step, CounterFactory())
    previous = statesampler.get_current_tracker()
    statesampler.set_current_tracker(sampler)
    try:
        with sampler.scoped_state(spec.step, "process", metrics_container=container):
            invoker.invoke_start_bundle()
            for item in items:
                invoker.invoke_process(_global(item))
            invoker.invoke_finish_bundle()
    finally:
        statesampler.set_current_tracker(previous)
    counters = {(key.metric.namespace, key.metric.name): value
                for key, value in container.get_cumulative().counters.items()}
    outputs.append((_METRICS_TAG, (spec.step, counters)))
    return outputs


def _values_of(pairs: Iterable, tag) -> list:
    return [value for pair_tag, value in pairs if pair_tag == tag]


def _grouped(group: tuple) -> tuple:
    key, pairs = group
    return key, [value for _, value in pairs]


def _key_of(pair: tuple):
    return pair[0]


def _nothing(items: Iterable) -> list:
    for _ in items:
        pass
    return []


def _concatenated(*partitions: list) -> list:
    return [value for partition in partitions for value in partition]


# --- on the client --------------------------------------------------------------------------------------

def _overrides():
    """Beam's Dask overrides that turn Create and Reshuffle into leaves this module translates; its
    GroupByKey and Flatten overrides are left out (both are translated as they are) and so is Read
    (a bounded source would need splitting: it fails, named, like any other primitive)."""
    return [override for override in dask_overrides()
            if type(override).__name__ in ("CreateOverride", "ReshuffleOverride")]


class _Translator(PipelineVisitor):
    """Builds one dask bag per PCollection, visiting the leaf transforms in topological order."""

    def __init__(self, run: str, parallelism: int, npartitions: int | None, partition_size: int | None):
        self.run = run
        self.parallelism = max(1, parallelism)
        self.npartitions, self.partition_size = npartitions, partition_size
        self.bags: dict[pvalue.PCollection, object] = {}
        self.consumed: set[pvalue.PCollection] = set()
        self.metrics: list = []

    def visit_transform(self, node) -> None:
        import dask.bag as db

        transform = node.transform
        inputs = [self.bags[value] for value in node.inputs if isinstance(value, pvalue.PCollection)]
        self.consumed.update(value for value in node.inputs if isinstance(value, pvalue.PCollection))
        if isinstance(transform, _Create):
            self._output(node, self._created(list(transform.values)))
        elif isinstance(transform, _Reshuffle):
            (bag,) = inputs
            wanted = self.npartitions or 2 * self.parallelism
            self._output(node, bag.repartition(wanted) if bag.npartitions < wanted else bag)
        elif isinstance(transform, beam.ParDo):
            self._pardo(node, transform, inputs[0])
        elif isinstance(transform, beam.GroupByKey):
            (bag,) = inputs
            self._check_global_window(node)
            wanted = max(bag.npartitions, self.npartitions or 2 * self.parallelism)
            self._output(node, bag.groupby(_key_of, npartitions=wanted).map(_grouped))
        elif isinstance(transform, beam.Flatten):
            self._output(node, db.concat(inputs) if inputs else self._created([]))
        else:
            raise UnsupportedOnDask(
                f"communique's DaskRunner does not translate {type(transform).__name__} (step "
                f"{node.full_label!r}); run this pipeline on the default runner (drop --runner).")

    def _created(self, values: list):
        import dask.bag as db

        if self.partition_size:
            return db.from_sequence(values, partition_size=self.partition_size)
        wanted = self.npartitions or 2 * self.parallelism
        return db.from_sequence(values, npartitions=max(1, min(len(values), wanted)))

    def _output(self, node, bag) -> None:
        (output,) = node.outputs.values()
        self.bags[output] = bag

    def _check_global_window(self, node) -> None:
        for value in node.inputs:
            if not isinstance(value.windowing.windowfn, GlobalWindows):
                raise UnsupportedOnDask(
                    f"communique's DaskRunner groups in the global window only; {node.full_label!r} is "
                    f"windowed by {type(value.windowing.windowfn).__name__} (a streaming run: use "
                    f"'communique watch' on the default runner).")

    def _pardo(self, node, transform: beam.ParDo, bag) -> None:
        import dask

        self._check_global_window(node)
        args, kwargs = transform.raw_side_inputs
        pickled_fn = pickler.dumps(transform.fn)
        side_views, side_values = [], []
        for side_input in node.side_inputs:
            side_bag = self.bags[side_input.pvalue]
            self.consumed.add(side_input.pvalue)
            side_views.append((type(side_input), side_input._view_options()))
            side_values.append(dask.delayed(_concatenated)(*side_bag.to_delayed()))
        spec = _ParDoSpec(
            run=self.run, step=node.full_label, pickled_fn=pickled_fn, args=tuple(args), kwargs=dict(kwargs),
            side_views=tuple(side_views))
        pairs = bag.map_partitions(_run_bundle, spec, *side_values)
        for tag, output in node.outputs.items():
            self.bags[output] = pairs.map_partitions(_values_of, None if tag in (None, "None") else tag)
        self.metrics.append(pairs.map_partitions(_values_of, _METRICS_TAG))

    def everything(self):
        """One bag whose computation runs every transform: the bundles' counters, after every
        unconsumed output has been produced and dropped."""
        import dask.bag as db

        ends = [bag.map_partitions(_nothing) for pcoll, bag in self.bags.items()
                if pcoll not in self.consumed]
        return db.concat(ends + self.metrics)


class DaskRunnerResult(PipelineResult):
    """The running job: ``wait_until_finish`` gathers the counters; the cluster is closed then when
    the runner started it."""

    def __init__(self, client, future, run: str, *, owns_cluster: bool):
        super().__init__(PipelineState.RUNNING)
        self._client, self._future, self._run, self._owns_cluster = client, future, run, owns_cluster
        self._metrics = _GatheredMetrics([])

    def wait_until_finish(self, duration=None) -> str:
        """Waits for the job (at most ``duration`` milliseconds: then it returns RUNNING)."""
        if self._state != PipelineState.RUNNING:
            return self._state
        try:
            bundles = self._future.result(timeout=None if duration is None else duration / 1000)
            self._metrics = _GatheredMetrics(bundles)
            self._state = PipelineState.DONE
        except TimeoutError:
            if duration is None:
                self._state = PipelineState.FAILED
                raise
        except BaseException:
            self._state = PipelineState.FAILED
            raise
        finally:
            if self._state != PipelineState.RUNNING:
                self._close()
        return self._state

    def cancel(self) -> str:
        self._client.cancel([self._future])
        self._state = PipelineState.CANCELLED
        self._close()
        return self._state

    def _close(self) -> None:
        if not self._owns_cluster and self._client.status == "running":
            # A cluster that outlives the run must not keep its DoFns (and the spaCy models in them).
            self._client.run(_release_run, self._run)
        _close_client(self._client, owns_cluster=self._owns_cluster)

    def metrics(self) -> MetricResults:
        return self._metrics


def _close_client(client, *, owns_cluster: bool) -> None:
    cluster = client.cluster if owns_cluster else None
    client.close()
    if cluster is not None:
        cluster.close()


class _GatheredMetrics(MetricResults):
    """The counters every bundle reported, summed per step and name (committed = attempted: a Dask
    task that is retried reports only its successful attempt)."""

    def __init__(self, bundles: Iterable[tuple[str, dict]]):
        totals: dict[MetricKey, int] = collections.Counter()
        for step, counters in bundles:
            for (namespace, name), value in counters.items():
                totals[MetricKey(step, beam.metrics.metricbase.MetricName(namespace, name))] += value
        self._counters = dict(totals)

    def query(self, filter=None) -> dict[str, list]:
        counters = [MetricResult(key, value, value) for key, value in self._counters.items()
                    if self.matches(filter, key)]
        return {self.COUNTERS: counters, self.DISTRIBUTIONS: [], self.GAUGES: [], self.STRINGSETS: [],
                self.BOUNDED_TRIES: [], self.HISTOGRAMS: []}


@contextlib.contextmanager
def _environment(**variables: str):
    """Environment variables set for what starts inside the block (a user's own values win)."""
    added = {name: value for name, value in variables.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


class DaskRunner(BeamDaskRunner):
    """Executes a batch pipeline on a dask.distributed cluster (see the module doc)."""

    def run_pipeline(self, pipeline, options):
        import dask.distributed as ddist

        dask_options = options.view_as(DaskOptions).get_all_options(drop_default=True, current_only=True)
        bag_options = DaskOptions._extract_bag_kwargs(dask_options)
        pipeline.replace_all(_overrides())
        owns_cluster = "address" not in dask_options and "scheduler_file" not in dask_options
        if owns_cluster:
            # Dask's start-up and shut-down chatter at INFO would bury the run's own progress lines.
            logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger().level))
            # A cluster of this machine's processes, reachable from it only, without a dashboard server.
            with _environment(DASK_LOGGING__DISTRIBUTED="warning"):  # read by each worker process at start
                cluster = ddist.LocalCluster(processes=True, host="127.0.0.1", dashboard_address=None,
                                             silence_logs=logging.WARNING)
            client = ddist.Client(cluster, **dask_options)
        else:
            client = ddist.Client(**dask_options)
        # Names this submission in the workers' DoFn cache only; nothing written depends on it.
        run = uuid.uuid4().hex
        try:
            translator = _Translator(run, sum(client.nthreads().values()), bag_options.get("npartitions"),
                                     bag_options.get("partition_size"))
            pipeline.visit(translator)
            future = client.compute(translator.everything())
        except BaseException:
            _close_client(client, owns_cluster=owns_cluster)
            raise
        _LOGGER.info("running on the Dask cluster at %s (%d worker threads)", client.scheduler.address,
                     translator.parallelism)
        return DaskRunnerResult(client, future, run, owns_cluster=owns_cluster)
