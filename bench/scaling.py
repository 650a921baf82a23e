"""Worker scaling: articles/s with 1 and 2 workers, on Beam's multi-processing runner and on Dask.

    python bench/scaling.py                 # N = 2,000 articles of the bench corpus
    python bench/scaling.py --n 1000 --json # the last line is a JSON object

Each figure is one ``communique run`` of the bench corpus (``bench/corpus.py``, cached) in a fresh
subprocess and a fresh output directory, measured by ``bench/run.py``'s ``measure``:

- ``direct`` W=1, 2: ``--direct_running_mode=multi_processing --direct_num_workers=W``; wall time and peak
  memory include the runner's worker processes and their start-up (spaCy is loaded in each);
- ``dask`` W=1, 2: ``--runner=DaskRunner --dask_client_address=...`` against a ``LocalCluster`` of W
  single-thread worker processes that this script starts before the run and closes after it, as a user's
  cluster would be running already. Wall time includes each worker's set-up (spaCy); the workers' memory
  is not in the run's process tree, so the peak RSS printed for Dask is the launcher's alone.

The speed-up is articles/s with 2 workers over articles/s with 1. Both runners write the same rows (their
``rows`` are printed). On a machine with 2 cores, 2 workers can at best double the rate.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402  (bench/ is a directory of scripts, not a package)


def _dask_run(corpus_dir: Path, output: Path, workers: int) -> dict:
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # the workers' start-up chatter
    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
        return bench_run.beam_run(corpus_dir, output, [
            "--runner=DaskRunner", f"--dask_client_address={cluster.scheduler_address}"])


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
