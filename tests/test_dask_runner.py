"""communique on a Dask cluster: a LocalCluster of two worker processes on 127.0.0.1, started here.

The whole job (seed, sample feeds, a feed served over HTTP, bad files and a dead feed) writes the same
tables, row for row, as on the default runner; the runner's own parts (every output of a multi-output
ParDo, every branch, finish_bundle output, side inputs, counters) are checked on small pipelines.
"""

from __future__ import annotations

import logging
import shutil

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.cli import main
from pipeline.options import DASK_RUNNER, ConfigError, resolve_runner
from schemas import TABLES
from tests import feedserver
from tests.conftest import DATA, FIXED_TIMESTAMP, PROJECT_SEEDS, comparable_rows, run_communique

distributed = pytest.importorskip("distributed")

from pipeline.dask_runner import UnsupportedOnDask  # noqa: E402  (needs dask)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=logging.WARNING) as running:
        yield running


@pytest.fixture(scope="module")
def server():
    running = feedserver.serve()
    yield running
    running.stop()


def _options(cluster) -> PipelineOptions:
    return PipelineOptions([f"--runner={DASK_RUNNER}", f"--dask_client_address={cluster.scheduler_address}"])


# --- the whole job -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def both_runs(cluster, server, tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    seeds = root / "seeds"
    shutil.copytree(PROJECT_SEEDS, seeds)  # the seed document and the sample feeds
    shutil.copytree(DATA / "seeds_small", seeds / "small")  # odd and bad files: rejects
    inputs = ["--seeds", str(seeds), "--feed", server.url("/basic.xml"), "--feed", server.url("/missing.xml"),
              "--run-timestamp", FIXED_TIMESTAMP]
    default = run_communique(*inputs, "--output", str(root / "default"))
    on_dask = run_communique(*inputs, "--output", str(root / "dask"), "--runner=DaskRunner",
                             f"--dask_client_address={cluster.scheduler_address}")
    return (root / "default", default), (root / "dask", on_dask)


def test_the_job_on_dask_writes_every_table_as_the_default_runner_does(both_runs):
    (default_output, default), (dask_output, on_dask) = both_runs
    assert default.rows_written["articles"] > 10 and default.rows_written["events"] > 0
    assert default.rejects_by_reason  # the bad files and the dead feed are in the comparison
    for table in TABLES:
        if table != "runs":
            assert comparable_rows(dask_output, table) == comparable_rows(default_output, table), table
    assert on_dask.rows_written == default.rows_written
    assert on_dask.rejects_by_reason == default.rejects_by_reason
    assert on_dask.exit_status == default.exit_status == "ok_with_rejects"


def test_the_counters_of_the_run_summary_are_gathered_from_the_dask_workers(both_runs):
    (_, default), (_, on_dask) = both_runs
    assert on_dask.counters == default.counters
    assert on_dask.counters["items_read"] > 0 and on_dask.counters["events_coded"] > 0


def test_a_rerun_on_dask_finds_every_article_written_and_adds_none(both_runs, cluster, server, tmp_path):
    _, (dask_output, first) = both_runs
    output = tmp_path / "rerun"
    shutil.copytree(dask_output, output)
    seeds = dask_output.parent / "seeds"
    again = run_communique("--seeds", str(seeds), "--feed", server.url("/basic.xml"), "--output", str(output),
                           "--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}")
    assert again.rows_written["articles"] == 0 and again.rows_written["events"] == 0
    # Every article read again is a copy of one written: those kept the first time and their copies.
    assert again.counters["duplicates_of_earlier_runs"] == (
        first.counters["articles_new"] + first.counters.get("duplicates_within_run", 0))
    assert again.counters.get("articles_new", 0) == 0


def test_recode_on_dask_rewrites_the_derived_tables_as_on_the_default_runner(both_runs, cluster, tmp_path):
    (default_output, _), _ = both_runs
    copies = {name: tmp_path / name for name in ("default", "dask")}
    for copy in copies.values():
        shutil.copytree(default_output, copy)
    recode = ["recode", "--quiet", "--run-timestamp", "2024-06-02T00:00:00Z"]
    assert main([*recode, "--output", str(copies["default"])]) == 0
    assert main([*recode, "--output", str(copies["dask"]), "--runner=DaskRunner",
                 f"--dask_client_address={cluster.scheduler_address}"]) == 0
    for table in ("articles", "entities", "dates", "events", "event_daily"):
        assert comparable_rows(copies["dask"], table) == comparable_rows(copies["default"], table), table


def test_a_streaming_run_on_dask_is_refused_before_it_starts(tmp_path, capsys):
    code = main(["run", "--streaming", "--max-polls", "1", "--runner=DaskRunner", "--output", str(tmp_path)])
    assert code == 2
    assert "the Dask runner runs batch jobs only" in capsys.readouterr().err


# --- the runner's parts ------------------------------------------------------------------------------

class _SplitByParity(beam.DoFn):
    def process(self, number):
        beam.metrics.Metrics.counter("dask_test", "seen").inc()
        if number % 2:
            yield beam.pvalue.TaggedOutput("odd", number)
        else:
            yield number


class _CountPerBundle(beam.DoFn):
    """Emits its bundle's size from finish_bundle (what Beam's DaskRunner drops)."""

    def start_bundle(self):
        self._count = 0

    def process(self, item):
        self._count += 1

    def finish_bundle(self):
        yield beam.utils.windowed_value.WindowedValue(
            self._count, 0, (beam.transforms.window.GlobalWindow(),))


def test_each_tagged_output_reaches_only_its_consumers_and_branches_all_run(cluster, tmp_path):
    seen = tmp_path / "branches"
    seen.mkdir()

    def record(values, name):
        (seen / name).write_text(" ".join(str(value) for value in sorted(values)))

    with beam.Pipeline(options=_options(cluster)) as pipeline:
        split = (pipeline | "Numbers" >> beam.Create(range(10))
                 | "Split" >> beam.ParDo(_SplitByParity()).with_outputs("odd", main="even"))
        for name in ("even", "odd"):
            (split[name] | f"One{name}" >> beam.Map(lambda value: ("all", value))
             | f"Group{name}" >> beam.GroupByKey()
             | f"Record{name}" >> beam.Map(lambda grouped, name=name: record(grouped[1], name)))
        # A branch that no later transform depends on, and a Flatten of both outputs.
        _ = ((split["even"], split["odd"]) | "Both" >> beam.Flatten()
             | "Sizes" >> beam.ParDo(_CountPerBundle())
             | "TotalKey" >> beam.Map(lambda size: ("total", size)) | "Total" >> beam.CombinePerKey(sum)
             | "RecordTotal" >> beam.Map(lambda total: record([total[1]], "total")))
    result = pipeline.result

    assert (seen / "even").read_text() == "0 2 4 6 8"
    assert (seen / "odd").read_text() == "1 3 5 7 9"
    assert (seen / "total").read_text() == "10"
    seen_counters = result.metrics().query(MetricsFilter().with_namespace("dask_test"))["counters"]
    assert sum(counter.committed for counter in seen_counters) == 10


def test_side_inputs_reach_every_bundle(cluster, tmp_path):
    out = tmp_path / "shifted"
    out.mkdir()
    with beam.Pipeline(options=_options(cluster)) as pipeline:
        offset = pipeline | "Offset" >> beam.Create([100])
        (pipeline | "Numbers" >> beam.Create(range(6))
         | "Shift" >> beam.Map(lambda value, by: value + by, beam.pvalue.AsSingleton(offset))
         | "Write" >> beam.Map(lambda value: (out / str(value)).write_text("")))
    assert sorted(int(path.name) for path in out.iterdir()) == [100, 101, 102, 103, 104, 105]


class _ReadsInSetup(beam.DoFn):
    """Reads a file in setup, as the dedup stage reads what is already written."""

    def __init__(self, path):
        self._path = path

    def setup(self):
        self._known = self._path.read_text()

    def process(self, item):
        yield self._known


def _known_in_setup(cluster, source, out):
    out.mkdir()
    with beam.Pipeline(options=_options(cluster)) as pipeline:
        (pipeline | beam.Create(range(8)) | beam.ParDo(_ReadsInSetup(source))
         | beam.Map(lambda known: (out / known).write_text("")))
    return sorted(path.name for path in out.iterdir())


def test_a_second_run_on_the_same_cluster_sets_its_dofns_up_again(cluster, tmp_path):
    source = tmp_path / "written"
    source.write_text("first")
    first = _known_in_setup(cluster, source, tmp_path / "out1")
    source.write_text("second")
    second = _known_in_setup(cluster, source, tmp_path / "out2")
    assert (first, second) == (["first"], ["second"])  # the same DoFn, pickled alike, set up anew


def test_a_primitive_the_runner_does_not_translate_fails_at_submission_naming_the_step(cluster):
    pipeline = beam.Pipeline(options=_options(cluster))
    _ = pipeline | "Start" >> beam.Impulse() | "Use" >> beam.Map(len)
    with pytest.raises(UnsupportedOnDask, match=r"Impulse.*'Start'"):
        pipeline.run()


# --- options -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["--runner=DaskRunner", "--runner=dask",
                                     "--runner=apache_beam.runners.dask.dask_runner.DaskRunner"])
def test_every_spelling_of_the_dask_runner_names_communiques(written):
    assert resolve_runner([written, "--dask_npartitions=4"]) == [f"--runner={DASK_RUNNER}",
                                                                  "--dask_npartitions=4"]
    assert resolve_runner(["--runner", written.split("=")[1]]) == [f"--runner={DASK_RUNNER}"]


def test_other_runners_are_left_as_given():
    assert resolve_runner(["--runner=FnApiRunner", "--direct_num_workers=2"]) == [
        "--runner=FnApiRunner", "--direct_num_workers=2"]


def test_the_dask_runner_without_dask_installed_is_a_configuration_error(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "distributed" else real_find_spec(name, *rest))
    with pytest.raises(ConfigError, match=r"pip install 'communique\[dask\]'"):
        resolve_runner(["--runner=DaskRunner"])

