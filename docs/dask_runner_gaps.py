"""What Beam 2.77's DaskRunner lacks for communique, each shown by a pipeline of a few lines.

    pip install -e '.[dask]' && python docs/dask_runner_gaps.py

Each case runs on a LocalCluster of two worker processes (127.0.0.1 only), once on Beam's
``apache_beam.runners.dask.dask_runner.DaskRunner`` and once on communique's ``pipeline.dask_runner``
(Beam's, completed), and prints what each produced next to what the Beam model says it must. Side effects
go to files, so the answer does not depend on what a runner returns.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

RUNNERS = {"Beam's DaskRunner": "apache_beam.runners.dask.dask_runner.DaskRunner",
           "communique's DaskRunner": "pipeline.dask_runner.DaskRunner"}


def _write(directory: str, name: str, values) -> None:
    (Path(directory) / name).write_text(" ".join(str(value) for value in sorted(values)))


def _read(directory: str, name: str) -> str:
    path = Path(directory) / name
    return path.read_text() if path.exists() else "(never written)"


class _Parity(beam.DoFn):
    def process(self, number):
        yield beam.pvalue.TaggedOutput("odd", number) if number % 2 else number


def tagged_outputs(pipeline, out):
    """1. The consumer of the 'odd' output of a ParDo must get only odd numbers."""
    split = pipeline | beam.Create(range(6)) | beam.ParDo(_Parity()).with_outputs("odd", main="even")
    (split["odd"] | beam.Map(lambda number: ("k", number)) | beam.GroupByKey()
     | beam.Map(lambda grouped: _write(out, "odd", grouped[1])))
    return "odd", "1 3 5"


def branches(pipeline, out):
    """2. Two independent branches must both run (the first is not upstream of the last transform)."""
    numbers = pipeline | beam.Create([1, 2, 3])
    numbers | "First" >> beam.Map(lambda number: (Path(out) / f"first-{number}").write_text(""))
    numbers | "Second" >> beam.Map(lambda number: None)
    return None, "3 files from the first branch"


class _BundleSize(beam.DoFn):
    def start_bundle(self):
        self.size = 0

    def process(self, item):
        self.size += 1

    def finish_bundle(self):
        yield beam.utils.windowed_value.WindowedValue(self.size, 0, (beam.transforms.window.GlobalWindow(),))


def finish_bundle(pipeline, out):
    """3. What a DoFn emits from finish_bundle must reach the next transform."""
    (pipeline | beam.Create(range(5)) | beam.ParDo(_BundleSize()) | beam.Map(lambda size: ("k", size))
     | beam.GroupByKey() | beam.Map(lambda grouped: _write(out, "total", [sum(grouped[1])])))
    return "total", "5"


class _Setups(beam.DoFn):
    def setup(self):
        self.token = f"{id(self)}"

    def process(self, item):
        yield self.token


def setup_once(pipeline, out):
    """5. A DoFn may be set up once per worker thread and reused (heavy resources load in setup).

    With 2 single-thread workers, at most 2 set-ups."""
    (pipeline | beam.Create(range(2000)) | beam.ParDo(_Setups()) | beam.Map(lambda token: (token, 1))
     | beam.CombinePerKey(sum) | beam.Map(lambda pair: (Path(out) / f"setup-{pair[0]}").write_text("")))
    return None, "at most 2 set-ups"


def _describe(case, out) -> str:
    if case is branches:
        return f"{len(list(Path(out).glob('first-*')))} files from the first branch"
    if case is setup_once:
        return f"{len(list(Path(out).glob('setup-*')))} set-ups"
    return ""


def main() -> None:
    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        for case in (tagged_outputs, branches, finish_bundle, setup_once):
            if case is setup_once:
                _metrics_case(cluster)
            print(case.__doc__.splitlines()[0])
            for label, runner in RUNNERS.items():
                out = tempfile.mkdtemp(prefix="dask-gap-")
                options = PipelineOptions([f"--runner={runner}",
                                           f"--dask_client_address={cluster.scheduler_address}"])
                pipeline = beam.Pipeline(options=options)
                name, expected = case(pipeline, out)
                result = pipeline.run()
                try:
                    result.wait_until_finish()
                    got = _read(out, name) if name else _describe(case, out)
                except Exception as error:  # a runner failing is what this script reports
                    got = f"failed: {type(error).__name__}: {str(error).splitlines()[0][:80]}"
                _close(result)
                print(f"   {label:<24} {got:<40} expected: {expected}")


def _metrics_case(cluster) -> None:
    print("4. result.metrics() must report the pipeline's counters")
    for label, runner in RUNNERS.items():
        pipeline = beam.Pipeline(options=PipelineOptions([
            f"--runner={runner}", f"--dask_client_address={cluster.scheduler_address}"]))
        _ = (pipeline | beam.Create(range(3))
             | beam.Map(lambda number: beam.metrics.Metrics.counter("gaps", "seen").inc()))
        result = pipeline.run()
        result.wait_until_finish()
        try:
            counters = result.metrics().query()["counters"]
            got = f"seen = {sum(counter.committed for counter in counters)}"
        except NotImplementedError as error:
            got = f"NotImplementedError: {error}"
        print(f"   {label:<24} {got:<40} expected: seen = 3")
        _close(result)


def _close(result) -> None:
    """Beam's DaskRunnerResult keeps its client open after the job (communique's closes its own)."""
    client = getattr(result, "client", None)
    if client is not None:
        client.close()


if __name__ == "__main__":
    main()
