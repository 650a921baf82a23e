"""Incremental runs: a run of new articles into a small archive and into a large one should cost the same.

    python bench/incremental.py                        # 1,000 new articles into 10,000 and into 100,000
    python bench/incremental.py --batch 200 --archive 2000 --archive 20000   # a quick look
    python bench/incremental.py --code /tmp/communique-old                   # another checkout's pipeline
    python bench/incremental.py --json                 # the last line is one JSON object

The run: ``communique run --seeds <corpus>`` over the ``--batch`` articles of ``bench/corpus.py`` (seed
``--seed``), into a fresh copy of each archive, each in a fresh subprocess, measured by bench/run.py
(wall, job = ``runs.elapsed_s``, CPU, and peak RSS of the process tree). The figures that matter are the
ratios of the largest archive's run to the smallest's (target: at most 1.2x in wall time and peak RSS).

How the archives are made. The pipeline runs 15-20 articles/s here, so an archive of 100,000 articles
is not made by running it: it is made from one real run. ``communique run`` over the batch's own corpus
into an empty directory writes the *template* (every table; ``--template N``: the run over the first N
articles of that corpus instead). An archive of A articles is the template's rows copied ceil(A / N)
times, every id replaced in copy k by ``stable_id("archive", k, id)`` (article_id and event_id,
reject_id, run_id): copies share no id with each other nor with the batch, so every article of the
measured run is new, as in a real incremental run. Every date and time in the copies is moved a year
earlier: the archive holds the news of the year before the batch's four months, so a larger archive has
more articles per day, not more days, and the batch adds news of new days, as a run from cron does
(``--same-days`` puts the archive on the batch's own days instead: then the run's event_daily rebuild,
which reads every event of the days it touches, grows with the archive).
Each table's rows are written by the sinks' own writer (``transforms.sinks.stage.write_partition``:
Hive partitions by date, files of at most 100,000 rows sorted by key) under a staging directory and
committed by ``outputs.commit`` (so ``outputs.tables.committed_tables`` sees them); event_daily is built
last by ``outputs.event_daily.rebuild_event_daily``. By default the archive is one commit: one file per
table and partition (the corpus spans 123 days), what one run over all its articles writes and what
``communique compact`` leaves of many smaller runs. ``--commits K`` writes it as K commits instead (K
files per partition, like K runs never compacted). Template and archives are cached under ``--cache``
(they do not depend on the code measured); ``--rebuild`` makes them again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import _print_run, beam_run, ensure_corpus, machine  # noqa: E402  (bench/ holds scripts)

from outputs.commit import OutputDir  # noqa: E402
from outputs.event_daily import rebuild_event_daily  # noqa: E402
from outputs.tables import read_table, table_files  # noqa: E402
from schemas import TABLES  # noqa: E402
from transforms.common.ids import stable_id  # noqa: E402
from transforms.sinks.stage import DEFAULT_ROWS_PER_FILE, write_partition  # noqa: E402

DEFAULT_BATCH = 1_000
DEFAULT_ARCHIVES = (10_000, 100_000)
TARGET_RATIO = 1.2
ARCHIVE_SHIFT_DAYS = 365  # the archive holds the year before the batch (--same-days: the batch's days)
# The columns holding ids, per table copied into an archive (event_daily is rebuilt from the copies).
ID_COLUMNS = {
    "articles": ("article_id", "run_id"),
    "dates": ("article_id",),
    "entities": ("article_id",),
    "events": ("event_id", "article_id"),
    "rejects": ("reject_id", "run_id"),
    "feed_fetches": ("run_id",),
    "runs": ("run_id",),
}


def ensure_template(cache: Path, corpus_dir: Path, rebuild: bool) -> Path:
    """The tables of one real run over ``corpus_dir`` (made with this checkout's pipeline if missing)."""
    template = cache / f"template-{corpus_dir.name}"
    if template.is_dir() and not rebuild:
        return template
    print(f"   template: communique run over {corpus_dir.name} ...", flush=True)
    _print_run("template run", beam_run(corpus_dir, template, []))
    return template


def _shifted(value, shift: dt.timedelta):
    return value - shift if isinstance(value, (dt.date, dt.datetime)) else value


def copied(rows: list[dict], id_columns: tuple[str, ...], copy: int, shift: dt.timedelta) -> list[dict]:
    """``rows`` with every id in ``id_columns`` replaced by copy ``copy``'s own (None stays None), and
    every date and time moved ``shift`` earlier."""
    return [{**{column: _shifted(value, shift) for column, value in row.items()},
             **{column: stable_id("archive", copy, row[column])
                for column in id_columns if row[column] is not None}} for row in rows]


def _by_partition(rows: list[dict], partition_by: str) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row[partition_by], []).append(row)
    return grouped


def build_archive(template: Path, archive: Path, articles: int, commits: int, shift: dt.timedelta) -> dict:
    """Writes an archive of about ``articles`` articles from ``template`` (see the module docstring) as
    ``commits`` commits, its dates ``shift`` before the template's; returns what it holds."""
    template_rows = {table: _by_partition(read_table(str(template), table).to_pylist(),
                                          TABLES[table].partition_by) for table in ID_COLUMNS}
    per_copy = sum(len(rows) for rows in template_rows["articles"].values())
    copies = math.ceil(articles / per_copy)
    commits = max(1, min(commits, copies))
    if archive.exists():
        shutil.rmtree(archive)
    output = OutputDir(str(archive))
    for commit in range(commits):
        writer = f"archive-{commit:04d}"
        staging = output.staging_root(writer)
        group = range(commit * copies // commits, (commit + 1) * copies // commits)
        for table, id_columns in ID_COLUMNS.items():
            spec = TABLES[table]
            for rows in template_rows[table].values():
                every_copy = [row for copy in group for row in copied(rows, id_columns, copy, shift)]
                for _ in write_partition(spec, staging, writer, DEFAULT_ROWS_PER_FILE, every_copy):
                    pass
        output.commit(writer)
    rebuild_event_daily(str(archive))
    files = {table: len(table_files(str(archive), table)) for table in TABLES}
    return {"articles": per_copy * copies, "copies": copies, "commits": commits, "files": files,
            "shift_days": shift.days}


def ensure_archive(cache: Path, template: Path, articles: int, commits: int, shift: dt.timedelta,
                   rebuild: bool) -> tuple[Path, dict]:
    archive = cache / f"archive-{template.name}-a{articles}-c{commits}-s{shift.days}"
    described = archive.with_suffix(".json")
    if archive.is_dir() and described.is_file() and not rebuild:
        return archive, json.loads(described.read_text())
    print(f"   building the archive of {articles:,} articles in {commits} commit(s) ...", flush=True)
    started = dt.datetime.now()
    figures = build_archive(template, archive, articles, commits, shift)
    figures["build_s"] = round((dt.datetime.now() - started).total_seconds(), 1)
    described.write_text(json.dumps(figures))
    return archive, figures


def ratios(runs: list[dict]) -> dict:
    """The largest archive's run over the smallest's, for each figure."""
    smallest, largest = runs[0]["run"], runs[-1]["run"]
    return {name: round(largest[name] / smallest[name], 3)
            for name in ("wall_s", "job_s", "cpu_s", "peak_rss_mb")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                        help="new articles per run (default 1000)")
    parser.add_argument("--template", type=int, metavar="N",
                        help="articles of the corpus whose run the archives are copied from (default: "
                        "--batch); a small --batch with --template 1000 shows the archive's share alone")
    parser.add_argument("--archive", type=int, action="append",
                        help="articles already written (repeatable; default 10000 and 100000)")
    parser.add_argument("--commits", type=int, default=1,
                        help="commits the archive is written in (default 1: one file per partition)")
    parser.add_argument("--same-days", action="store_true",
                        help="put the archive on the batch's own days instead of the year before them")
    parser.add_argument("--code", type=Path, help="a checkout of communique whose pipeline runs the batch "
                        "(default this one), e.g. an older commit exported with git archive")
    parser.add_argument("--seed", type=int, default=8, help="corpus random seed (default 8)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "communique-bench",
                        help="where corpora, the template and the archives are kept (default %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="make the template and archives again")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.archive or DEFAULT_ARCHIVES))
    if args.batch < 10 or any(size < (args.template or args.batch) for size in sizes):
        parser.error("--batch must be at least 10, and every --archive at least --template (or --batch)")
    started = dt.datetime.now(dt.timezone.utc)
    code = args.code.resolve() if args.code else None
    print(f"communique incremental benchmark {started:%Y-%m-%d %H:%M} UTC on {machine()}; pipeline of "
          f"{code or BENCH.parent}", flush=True)
    cache = args.cache / "incremental"
    corpus_dir, manifest, _ = ensure_corpus(args.cache, args.batch, args.seed)
    template_corpus = ensure_corpus(args.cache, args.template, args.seed)[0] if args.template else corpus_dir
    template = ensure_template(cache, template_corpus, args.rebuild)
    results = []
    for size in sizes:
        shift = dt.timedelta(days=0 if args.same_days else ARCHIVE_SHIFT_DAYS)
        archive, held = ensure_archive(cache, template, size, args.commits, shift, args.rebuild)
        print(f"\n== {manifest.articles:,} new articles into an archive of {held['articles']:,} "
              f"({held['commits']} commit(s); {held['files']['articles']:,} articles files, "
              f"{sum(held['files'].values()):,} files in all)", flush=True)
        run = beam_run(corpus_dir, cache / "outputs" / f"run-a{size}", [], archive=archive, code=code)
        _print_run("Beam, default runner", run)
        if run["rows"].get("articles") != manifest.articles:
            run["accounting_problem"] = (f"{run['rows'].get('articles')} articles written, "
                                         f"{manifest.articles} new")
            print(f"   ACCOUNTING: {run['accounting_problem']}", flush=True)
        results.append({"archive": held, "run": run})
    shutil.rmtree(cache / "outputs", ignore_errors=True)
    summary = {"date": started.isoformat(timespec="seconds"), "machine": machine(),
               "batch": manifest.articles, "code": str(code or BENCH.parent), "runs": results}
    if len(results) > 1:
        summary["ratios"] = found = ratios(results)
        met = found["wall_s"] <= TARGET_RATIO and found["peak_rss_mb"] <= TARGET_RATIO
        summary["target"] = (f"{'met' if met else 'missed'}: wall {found['wall_s']:.2f}x, peak RSS "
                             f"{found['peak_rss_mb']:.2f}x from {results[0]['archive']['articles']:,} to "
                             f"{results[-1]['archive']['articles']:,} articles (target <= {TARGET_RATIO}x)")
        print(f"\n== {summary['target']}; job {found['job_s']:.2f}x, CPU {found['cpu_s']:.2f}x")
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
