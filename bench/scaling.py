"""Worker scaling: articles/s with 1 and 2 workers, on Beam's multi-processing runner and on Dask.

    python bench/scaling.py                 # N = 2,000 articles of the bench corpus
    python bench/scaling.py --n 1000 --json # the last line is a JSON object

Each figure is one ``communique run`` of the bench corpus (``bench/corpus.py``, cached) in a fresh
subprocess and a fresh output directory, measured by ``bench/run.py``'s ``measure``:

- ``direct`` W=1, 2: ``--direct_running_mode=multi_processing --direct_num_workers=W``; wall time and peak
  memory include the runner's worker processes and their start-up (spaCy is loaded in each);
- ``dask`` W=1, 2: ``--runner=DaskRunner --dask_client_address=...`` against a ``LocalCluster`` of W
  single-thread worker processes that this script starts before the run and closes after it, as a user's
  cluster would be running already. Wall time includes each worker's set-up (spaCy). The workers are not
  in the run's process tree: their CPU seconds (measured in each worker before and after the run) are
  added to the launcher's, and their peak RSS (each worker's own high-water mark; the cluster is fresh
  for each run) to the launcher's peak, an upper bound like the multi-processing runner's.

The speed-up is articles/s with 2 workers over articles/s with 1. Both runners write the same rows (their
``rows`` are printed). On a machine with 2 cores, 2 workers can at best double the rate.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402  (bench/ is a directory of scripts, not a package)


def _dask_run(corpus_dir: Path, output: Path, workers: int) -> dict:
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # the workers' start-up chatter
    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        cpu_before = sum(client.run(_own_cpu_s).values())
        figures = bench_run.beam_run(corpus_dir, output, [
            "--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}"])
        workers_cpu = sum(client.run(_own_cpu_s).values()) - cpu_before
        worker_peaks = list(client.run(_own_peak_rss_mb).values())
    workers_peak_mb, workers_largest_mb = sum(worker_peaks), max(worker_peaks)
    figures["launcher_cpu_s"], figures["launcher_peak_rss_mb"] = figures["cpu_s"], figures["peak_rss_mb"]
    figures["cpu_s"] = round(figures["cpu_s"] + workers_cpu, 2)
    figures["peak_rss_mb"] = round(figures["peak_rss_mb"] + workers_peak_mb, 1)
    figures["peak_process_rss_mb"] = max(figures["peak_process_rss_mb"], workers_largest_mb)
    return figures


def _own_cpu_s() -> float:
    """CPU seconds of the calling process (run on each Dask worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _own_peak_rss_mb() -> float:
    """Peak resident memory of the calling process since it started, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--seed", type=int, default=8, help="corpus random seed (default 8)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "communique-bench",
                        help="where the corpus is cached (default: %(default)s)")
    parser.add_argument("--runners", default="direct,dask", help="which runners (default: direct,dask)")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    args = parser.parse_args(argv)

    corpus_dir, manifest, _ = bench_run.ensure_corpus(args.cache, args.n, args.seed)
    print(f"== N = {args.n:,}: corpus {corpus_dir} ({manifest.items_read:,} items); machine "
          f"{bench_run.machine()}", flush=True)
    outputs = args.cache / "scaling-outputs"
    figures: dict = {"n": args.n, "machine": bench_run.machine()}
    for runner in args.runners.split(","):
        runs = {}
        for workers in (1, 2):
            output = outputs / f"{runner}-{workers}"
            if runner == "direct":
                runs[workers] = bench_run.beam_run(corpus_dir, output, [
                    "--direct_running_mode=multi_processing", f"--direct_num_workers={workers}"])
            elif runner == "dask":
                runs[workers] = _dask_run(corpus_dir, output, workers)
            else:
                parser.error(f"unknown runner {runner!r}: give direct, dask or both")
            bench_run._print_run(f"{runner}, {workers} worker{'s' if workers > 1 else ''}", runs[workers])
        speedup = runs[2]["articles_per_s"] / runs[1]["articles_per_s"] if runs[1]["articles_per_s"] else None
        figures[runner] = {"workers_1": runs[1], "workers_2": runs[2],
                           "speedup": round(speedup, 2) if speedup else None,
                           "same_rows": runs[1]["rows"] == runs[2]["rows"]}
        print(f"   {runner}: speed-up with 2 workers {figures[runner]['speedup']}x; "
              f"rows equal at 1 and 2 workers: {figures[runner]['same_rows']}", flush=True)
    if "direct" in figures and "dask" in figures:
        figures["dask_rows_equal_direct"] = figures["dask"]["workers_2"]["rows"] == figures["direct"][
            "workers_2"]["rows"]
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
