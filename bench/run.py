"""All the benchmark figures in one command: throughput, Beam's overhead, time per stage, memory, scaling.

    python bench/run.py                      # N = 1,000 and 10,000
    python bench/run.py --include-100k       # and N = 100,000
    python bench/run.py --n 2000 --json      # one N; the last line is a JSON object
    python bench/run.py --workers 0          # without the multi-processing runs

For each N the corpus of ``bench/corpus.py`` (N distinct articles plus copies and malformed items; made
once and cached under ``--cache``) goes through, each in a fresh subprocess and a fresh output directory:

1. ``communique run`` on the default runner (Beam's in-process FnApiRunner);
2. ``communique run --direct_running_mode=multi_processing --direct_num_workers=W`` (W worker processes);
3. ``bench/loop.py``: the same DoFns called in a plain Python loop, writing the same tables.

Figures, for each of them:
- wall: seconds of the whole command, interpreter start-up and imports included;
- job: seconds of the work itself (Beam: ``runs.elapsed_s``, from building the pipeline to the staged
  files; loop: from DoFn set-up to the last file), without start-up and imports;
- CPU: user + system seconds of the process and all its descendants (steady when other processes share
  the machine, unlike wall time; the load average is printed with each run);
- articles/s and events/s: rows of the articles and events tables over the wall seconds (end to end);
- peak RSS: the highest sum of resident memory over the process and its descendants, polled every 50 ms
  (shared pages are counted once per process, so with several workers it is an upper bound).
Beam's overhead is Beam's job seconds over the loop's (and the same ratio in CPU seconds of the whole
processes); time per stage comes from the loop. Scaling compares each N with the one before it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (bench/ is a directory of scripts, not a package)
from loop import STAGES  # noqa: E402

from outputs.tables import read_table  # noqa: E402
from pipeline.commands.exitcodes import EXIT_OK, EXIT_OK_WITH_REJECTS  # noqa: E402

RUN_TIMESTAMP = "2021-11-02T00:00:00Z"
DEFAULT_NS = (1_000, 10_000)
REFERENCE_N = 10_000  # where the throughput and overhead targets are read
TARGETS = {"articles_per_s": 500.0, "beam_overhead": 1.5, "peak_rss_mb_100k": 1024.0, "scaling_10x": 11.0}
SAMPLE_EVERY_S = 0.05


@dataclasses.dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float  # sum over the process tree
    peak_process_rss_mb: float  # the largest single process
    load_before: float
    load_after: float
    stdout: str = dataclasses.field(repr=False, default="")


def _tree_rss(process: psutil.Process) -> tuple[int, int]:
    total = largest = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    for member in members:
        try:
            rss = member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += rss
        largest = max(largest, rss)
    return total, largest


def measure(command: list[str], *, ok_codes: tuple[int, ...] = (0,), code: Path | None = None) -> Measured:
    """Runs ``command`` to its end, measuring wall and CPU time and the peak memory of its process tree.
    ``code``: a checkout of communique whose modules the command imports (working directory and
    PYTHONPATH), default this one. Raises CalledProcessError (with its output) when it exits with a code
    not in ``ok_codes``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    checkout = {} if code is None else {"cwd": code, "env": {**os.environ, "PYTHONPATH": str(code)}}
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **checkout)
    peaks = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, largest = _tree_rss(process)
            peaks[0], peaks[1] = max(peaks[0], total), max(peaks[1], largest)
            done.wait(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode not in ok_codes:
        sys.stderr.write(stderr[-5000:])
        raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, peaks[0] / 2**20, peaks[1] / 2**20, load_before, os.getloadavg()[0], stdout)


def ensure_corpus(cache: Path, n: int, seed: int) -> tuple[Path, corpus.CorpusManifest, float | None]:
    """The cached corpus of (n, seed), written first if missing; (directory, manifest, seconds to write)."""
    directory = cache / f"corpus-v{corpus.GENERATOR_VERSION}-seed{seed}-n{n}"
    if (directory / corpus.MANIFEST_NAME).is_file():
        return directory, corpus.CorpusManifest.load(directory), None
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"partial-n{n}-", dir=cache))
    started = time.perf_counter()
    shutil.rmtree(partial)
    manifest = corpus.write_corpus(partial, n, seed)
    partial.rename(directory)
    return directory, manifest, time.perf_counter() - started


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    return path


def beam_run(corpus_dir: Path, output: Path, beam_args: list[str], *, archive: Path | None = None,
             code: Path | None = None) -> dict:
    """``communique run`` in a subprocess, into a fresh output directory (a fresh copy of ``archive``
    when given), with the pipeline of checkout ``code`` (default this one); its figures and what its
    runs row says."""
    _fresh(output)
    earlier: set[str] = set()
    if archive is not None:
        shutil.copytree(archive, output)
        earlier = {row["run_id"] for row in read_table(str(output), "runs").to_pylist()}
    command = [sys.executable, "-m", "pipeline.cli", "run", "--quiet", "--seeds", str(corpus_dir),
               "--output", str(output), "--run-timestamp", RUN_TIMESTAMP, *beam_args]
    measured = measure(command, ok_codes=(EXIT_OK, EXIT_OK_WITH_REJECTS), code=code)
    runs = [row for row in read_table(str(output), "runs").to_pylist() if row["run_id"] not in earlier]
    if len(runs) != 1:
        raise RuntimeError(f"expected one runs row in {output}, found {len(runs)}")
    run = runs[0]
    rows = json.loads(run["rows_written"])
    return {**_figures(measured, rows.get("articles", 0), rows.get("events", 0), run["elapsed_s"]),
            "rows": rows, "items_read": run["items_read"], "duplicates": run["duplicates"],
            "rejects": json.loads(run["rejects_by_reason"])}


def loop_run(corpus_dir: Path, output: Path) -> dict:
    command = [sys.executable, str(BENCH / "loop.py"), "--json", "--seeds", str(corpus_dir),
               "--output", str(_fresh(output)), "--run-timestamp", RUN_TIMESTAMP]
    measured = measure(command)
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    rows = result["rows"]
    return {**_figures(measured, rows.get("articles", 0), rows.get("events", 0), result["total_s"]),
            "rows": rows, "stage_s": result["seconds"], "stage_cpu_s": result["cpu_seconds"],
            "job_cpu_s": result["total_cpu_s"]}


def _figures(measured: Measured, articles: int, events: int, job_s: float) -> dict:
    return {
        "wall_s": round(measured.wall_s, 2), "job_s": round(job_s, 2), "cpu_s": round(measured.cpu_s, 2),
        "articles": articles, "events": events,
        "articles_per_s": round(articles / measured.wall_s, 1),
        "events_per_s": round(events / measured.wall_s, 1),
        "job_articles_per_s": round(articles / job_s, 1) if job_s else None,
        "peak_rss_mb": round(measured.peak_rss_mb, 1),
        "peak_process_rss_mb": round(measured.peak_process_rss_mb, 1),
        "load": [round(measured.load_before, 2), round(measured.load_after, 2)],
    }


def bench_n(n: int, args: argparse.Namespace) -> dict:
    corpus_dir, manifest, written_s = ensure_corpus(args.cache, n, args.seed)
    note = f"written in {written_s:.0f} s" if written_s is not None else "cached"
    print(f"\n== N = {n:,}: corpus {corpus_dir} ({note}; {manifest.words / n:.0f} words per article, "
          f"{manifest.seed_files:,} seed files, {manifest.feed_files:,} feeds, "
          f"{manifest.items_read:,} items)", flush=True)
    outputs = args.cache / "outputs"
    figures: dict = {"n": n, "corpus": {"items": manifest.items_read, "words": manifest.words,
                                        "expected_articles": manifest.articles}}
    beam_only = args.beam_only_above is not None and n > args.beam_only_above
    if not beam_only:
        figures["loop"] = loop_run(corpus_dir, outputs / f"loop-{n}")
        _print_run("plain loop", figures["loop"])
    figures["beam"] = beam_run(corpus_dir, outputs / f"beam-{n}", [])
    _print_run("Beam, default runner", figures["beam"])
    if args.workers and not beam_only:
        figures["beam_workers"] = beam_run(corpus_dir, outputs / f"beam-mp-{n}", [
            "--direct_running_mode=multi_processing", f"--direct_num_workers={args.workers}"])
        _print_run(f"Beam, {args.workers} worker processes", figures["beam_workers"])
    if figures["beam"]["articles"] != manifest.articles:
        figures["accounting_problem"] = (f"{figures['beam']['articles']} articles written, "
                                         f"{manifest.articles} expected")
    if not beam_only:
        _compare_with_loop(figures)
    if not args.keep:
        shutil.rmtree(outputs, ignore_errors=True)
    return figures


def _compare_with_loop(figures: dict) -> None:
    beam, loop = figures["beam"], figures["loop"]
    figures["beam_overhead"] = round(beam["job_s"] / loop["job_s"], 2)
    figures["beam_overhead_cpu"] = round(beam["cpu_s"] / loop["cpu_s"], 2)
    figures["rows_match"] = {table: beam["rows"].get(table) == count for table, count in loop["rows"].items()}
    print(f"   Beam overhead: {figures['beam_overhead']:.2f}x in job seconds, "
          f"{figures['beam_overhead_cpu']:.2f}x in CPU seconds; loop and Beam rows equal: "
          + ", ".join(f"{table} {'yes' if same else 'NO'}" for table, same in figures["rows_match"].items()))
    print("   time per stage (plain loop), wall s / CPU s / share of the loop's CPU:")
    total_cpu = loop["job_cpu_s"] or 1.0
    for stage in ("setup", *STAGES):
        cpu = loop["stage_cpu_s"].get(stage, 0.0)
        print(f"     {stage:<10} {loop['stage_s'].get(stage, 0.0):8.2f} {cpu:8.2f} {cpu / total_cpu:7.1%}")


def _print_run(name: str, run: dict) -> None:
    print(f"   {name:<26} wall {run['wall_s']:7.1f} s  job {run['job_s']:7.1f} s  CPU {run['cpu_s']:7.1f} s  "
          f"{run['articles_per_s']:7.1f} articles/s  {run['events_per_s']:7.1f} events/s  "
          f"peak RSS {run['peak_rss_mb']:7.1f} MB (largest process {run['peak_process_rss_mb']:.0f} MB)  "
          f"load {run['load'][0]:.1f}->{run['load'][1]:.1f}", flush=True)


def scaling(results: list[dict]) -> list[dict]:
    """Each N against the previous one: how time and memory grew for N times more articles."""
    steps = []
    for smaller, larger in itertools.pairwise(results):
        growth = larger["n"] / smaller["n"]
        steps.append({
            "from": smaller["n"], "to": larger["n"], "n_ratio": round(growth, 2),
            "job_ratio": round(larger["beam"]["job_s"] / smaller["beam"]["job_s"], 2),
            "cpu_ratio": round(larger["beam"]["cpu_s"] / smaller["beam"]["cpu_s"], 2),
            "wall_ratio": round(larger["beam"]["wall_s"] / smaller["beam"]["wall_s"], 2),
            "peak_rss_ratio": round(larger["beam"]["peak_rss_mb"] / smaller["beam"]["peak_rss_mb"], 2),
        })
    return steps


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


def targets(results: list[dict], steps: list[dict]) -> dict[str, str]:
    by_n = {result["n"]: result for result in results}
    verdicts = {}
    reference = by_n.get(REFERENCE_N)
    if reference:
        rate = reference["beam"]["articles_per_s"]
        verdicts["articles_per_s"] = (f"{_verdict(rate >= TARGETS['articles_per_s'])}: {rate:.0f} "
                                      f"articles/s at N={REFERENCE_N:,} (target >= 500)")
        overhead = reference.get("beam_overhead")
        verdicts["beam_overhead"] = (f"{_verdict(overhead <= TARGETS['beam_overhead'])}: "
                                     f"{overhead:.2f}x at N={REFERENCE_N:,} (target <= 1.5x)"
                                     if overhead is not None else "not measured (--beam-only-above)")
    else:
        verdicts["articles_per_s"] = verdicts["beam_overhead"] = f"not measured (needs N={REFERENCE_N:,})"
    largest = by_n.get(100_000)
    if largest:
        peak = largest["beam"]["peak_rss_mb"]
        verdicts["peak_rss_mb"] = (f"{_verdict(peak <= TARGETS['peak_rss_mb_100k'])}: {peak:.0f} MB "
                                   "at N=100,000 (target <= 1024 MB)")
    else:
        verdicts["peak_rss_mb"] = "not measured (needs --include-100k)"
    step = next((s for s in steps if s["from"] == 10_000 and s["to"] == 100_000), None)
    if step:
        verdicts["linear_time"] = (f"{_verdict(step['job_ratio'] <= TARGETS['scaling_10x'])}: "
                                   f"100k took {step['job_ratio']:.1f}x the 10k job (target <= 11x)")
    else:
        verdicts["linear_time"] = "not measured (needs N=10,000 and --include-100k)"
    return verdicts


def machine() -> dict:
    return {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable); default 1000 "
                        "and 10000")
    parser.add_argument("--include-100k", action="store_true", help="add N = 100,000")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the multi-processing "
                        "runs (0: skip them; default 2)")
    parser.add_argument("--beam-only-above", type=int, metavar="N",
                        help="for corpora larger than N, run only the default runner (no plain loop, no "
                        "worker processes): at 100k the figures that matter are its memory and scaling, "
                        "and each of the other runs takes as long again")
    parser.add_argument("--seed", type=int, default=8, help="corpus random seed (default 8)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "communique-bench",
                        help="where corpora are kept between runs and outputs written (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the output tables")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    args = parser.parse_args(argv)
    ns = sorted(set(args.n or DEFAULT_NS) | ({100_000} if args.include_100k else set()))
    if any(n < 10 for n in ns):
        parser.error("--n must be at least 10")
    started = dt.datetime.now(dt.timezone.utc)
    print(f"communique benchmark {started:%Y-%m-%d %H:%M} UTC on {machine()}", flush=True)
    results = [bench_n(n, args) for n in ns]
    steps = scaling(results)
    verdicts = targets(results, steps)
    print("\n== scaling (default runner)")
    for step in steps:
        print(f"   {step['from']:>7,} -> {step['to']:>7,} articles ({step['n_ratio']:.0f}x): job "
              f"{step['job_ratio']:.2f}x, CPU {step['cpu_ratio']:.2f}x, "
              f"peak RSS {step['peak_rss_ratio']:.2f}x")
    print("== targets")
    for name, verdict in verdicts.items():
        print(f"   {name:<15} {verdict}")
    if args.json:
        reference = next((r for r in results if r["n"] == REFERENCE_N), results[-1])
        summary = {
            "date": started.isoformat(timespec="seconds"), "machine": machine(),
            "reference_n": reference["n"],
            "articles_per_s": reference["beam"]["articles_per_s"],
            "events_per_s": reference["beam"]["events_per_s"],
            "beam_overhead": reference.get("beam_overhead"),
            "peak_rss_mb": results[-1]["beam"]["peak_rss_mb"], "peak_rss_n": results[-1]["n"],
            "scaling": steps, "targets": verdicts, "runs": results,
        }
        print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
