"""``communique recode``: code the stored articles again, and replace what was derived from them.

The articles already in the ``articles`` table (all, or those published between --since and --until)
go through the run's own annotating chain (``transforms.annotating.Annotate``: sentences → dates →
entities → events) on the same Beam runners, read from their Parquet files. Their rows of ``articles``
(whose num_sentences and events_dropped the chain computes), ``dates``, ``entities`` and ``events`` are
then replaced by the new ones in one commit of ``outputs.commit``: the new rows are staged, the old files
holding those rows are named for removal in the manifest and their other rows staged again unchanged
(``outputs.replace``). Killed before the manifest exists, a recode leaves the tables as they were (the
next writer discards its staging directory); after it, the next writer finishes it. ``event_daily`` is
rebuilt after the commit, as after a run. The recode records itself in ``runs`` (with its coder version)
and its stage rejects in ``rejects``, as a run does; an article's ``run_id`` and ``ingested_at`` stay
those of the run that first wrote it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from outputs.commit import OutputDir, crash_point
from outputs.event_daily import mark_stale, rebuild_if_stale
from outputs.lock import OutputLock
from outputs.replace import set_aside
from outputs.tablefiles import (
    file_num_rows,
    part_file_name,
    partition_date_of,
    partition_path,
    read_file_column,
    rows_to_arrow,
    write_parquet,
)
from outputs.tables import committed_tables, table_files
from pipeline import __version__
from pipeline.options import beam_pipeline_options
from pipeline.summary import counters_of
from schemas import TABLES
from transforms.annotating import Annotate
from transforms.common.beam import DOCUMENTS
from transforms.common.ids import stable_id
from transforms.common.rejects import REJECTS, NumberRepeatedRejects, StampRejects, rejects_by_reason
from transforms.common.written import WrittenKeys
from transforms.events.version import coder_version
from transforms.normalize.dedup import SkipWrittenRows
from transforms.sinks.stage import DEFAULT_ROWS_PER_FILE, DOCUMENT_TABLES, WriteTables
from transforms.sources.stored import ReadStoredArticles

ARTICLES = "articles"
DERIVED_TABLES = ("dates", "entities", "events")


class RecodeError(RuntimeError):
    """A recode that could not be committed: the tables are as they were."""


@dataclasses.dataclass(frozen=True)
class RecodeConfig:
    output_dir: str
    since: dt.date | None
    until: dt.date | None
    started_at: dt.datetime
    run_id: str
    rows_per_file: int = DEFAULT_ROWS_PER_FILE
    beam_args: tuple[str, ...] = ()

    def as_json(self) -> str:
        return options_json(self.output_dir, self.since, self.until, self.beam_args)

    def selects(self, published_date: dt.date | None) -> bool:
        """Whether articles of this publication date are recoded (a null date only without a range)."""
        if published_date is None:
            return self.since is None and self.until is None
        return ((self.since is None or self.since <= published_date)
                and (self.until is None or published_date <= self.until))

    def describe_range(self) -> str:
        if self.since is None and self.until is None:
            return "every stored article"
        low = self.since.isoformat() if self.since else "the first"
        high = self.until.isoformat() if self.until else "the last"
        return f"the articles published {low} to {high}"


def options_json(output_dir: str, since: dt.date | None, until: dt.date | None, beam_args) -> str:
    return json.dumps({"command": "recode", "output": output_dir,
                       "since": since.isoformat() if since else None,
                       "until": until.isoformat() if until else None,
                       "beam_args": list(beam_args)}, sort_keys=True)


def recode_run_id(options: str, started_at: dt.datetime) -> str:
    """Like a run's id: a hash of the options and the start time (and of the coder, which a recode is
    about)."""
    return "recode-" + stable_id("recode", options, started_at.isoformat(), coder_version())


@dataclasses.dataclass
class RecodeOutcome:
    run_id: str
    output_dir: str
    range_described: str
    coder_version: str
    elapsed_s: float
    articles: int
    rows_written: dict[str, int]  # table -> rows of the recoded articles now in it
    rows_replaced: dict[str, int]  # table -> rows of the recoded articles removed from it
    rejects_by_reason: dict[str, int]
    exit_status: str

    def summary(self) -> str:
        before_after = ", ".join(f"{table} {self.rows_replaced.get(table, 0):,} → "
                                 f"{self.rows_written.get(table, 0):,}" for table in DERIVED_TABLES)
        noun = "article" if self.articles == 1 else "articles"
        lines = [f"communique recode {self.run_id}: {self.articles:,} {noun} recoded "
                 f"({self.range_described}) with coder {self.coder_version} in {self.elapsed_s:.1f} s",
                 f"  their rows before → after: {before_after}"]
        if self.rejects_by_reason:
            reasons = ", ".join(f"{reason} {count:,}" for reason, count in self.rejects_by_reason.items())
            lines.append(f"  rejects: {reasons} (see the rejects table)")
        return "\n".join(lines)


def _selected_article_files(config: RecodeConfig) -> list[tuple[str, str | None]]:
    """The committed articles files in the range, with their partition's date (ISO text or None)."""
    selected = []
    for path in table_files(config.output_dir, ARTICLES):
        published_date = partition_date_of(path)
        if config.selects(published_date):
            selected.append((path, published_date.isoformat() if published_date else None))
    return selected


def build_recode_pipeline(pipeline: beam.Pipeline, config: RecodeConfig,
                          article_files: list[tuple[str, str | None]]):
    """Adds the recode job to ``pipeline``: the stored articles through the annotating chain into the
    document tables (and the chain's rejects into rejects) under the recode's staging directory."""
    output = OutputDir(config.output_dir)
    run = (config.run_id, config.started_at)
    documents = (pipeline | "StoredArticleFiles" >> beam.Create(article_files)
                 | "ReadStoredArticles" >> ReadStoredArticles())
    coded = documents | "Annotate" >> Annotate()
    rejects = (coded[REJECTS]
               | "StampRejects" >> StampRejects(*run)
               | "OneRowPerItem" >> NumberRepeatedRejects()
               | "NewRejects" >> SkipWrittenRows(WrittenKeys(config.output_dir, "rejects", "reject_id"),
                                                 "reject_id"))
    no_fetches = pipeline | "NoFeedFetches" >> beam.Create([]).with_output_types(dict)
    return ({"documents": coded[DOCUMENTS], "rejects": rejects, "feed_fetches": no_fetches}
            | "Sinks" >> WriteTables(output.staging_root(config.run_id), config.run_id, config.rows_per_file))


def recode(config: RecodeConfig) -> RecodeOutcome:
    """Recodes the stored articles of ``config``'s range, holding the output lock (raises
    ``outputs.lock.OutputLocked`` at once when another writer holds it)."""
    with OutputLock(config.output_dir, f"communique recode {config.run_id}"):
        return _recode_locked(config)


def _recode_locked(config: RecodeConfig) -> RecodeOutcome:
    clock = time.monotonic()
    output = OutputDir(config.output_dir)
    output.recover()
    output.discard(config.run_id)  # a leftover of an identical, interrupted attempt
    article_files = _selected_article_files(config)
    expected_articles = sum(file_num_rows(path) for path, _ in article_files)
    article_ids = {value for path, _ in article_files for value in read_file_column(path, "article_id")}

    pipeline = beam.Pipeline(options=beam_pipeline_options(config.beam_args))
    build_recode_pipeline(pipeline, config, article_files)
    result = pipeline.run()
    result.wait_until_finish()
    counters = counters_of(result)
    crash_point("staged")

    rows_written = {table: 0 for table in (*DOCUMENT_TABLES, "rejects")}
    rows_written.update(output.staged_row_counts(config.run_id))
    if rows_written[ARTICLES] != expected_articles:
        output.discard(config.run_id)
        raise RecodeError(f"the recode read {expected_articles:,} stored articles but staged "
                          f"{rows_written[ARTICLES]:,}; nothing was committed and the tables are as they "
                          "were")
    plan = set_aside(output, config.run_id, DOCUMENT_TABLES, article_ids,
                     lambda table, day: table == "events" or config.selects(day))
    _stage_schema_files(output, config, plan.removes)
    reasons = rejects_by_reason(counters)
    exit_status = "ok_with_rejects" if reasons else "ok"
    elapsed = time.monotonic() - clock
    _stage_runs_row(output, config, {
        "run_id": config.run_id, "started_at": config.started_at,
        "finished_at": dt.datetime.now(dt.timezone.utc), "elapsed_s": elapsed,
        "options": config.as_json(), "communique_version": __version__,
        "items_read": counters.get("articles_reread", 0), "duplicates": 0,
        "rows_written": json.dumps(rows_written, sort_keys=True),
        "rejects_by_reason": json.dumps(reasons, sort_keys=True),
        "exit_status": exit_status, "coder_version": coder_version(), "run_date": config.started_at.date(),
    })
    if plan.rows_replaced.get("events") or rows_written["events"]:
        mark_stale(config.output_dir)
    output.commit(config.run_id, removes=plan.removes)
    crash_point("after_commit")
    # A failure here leaves event_daily marked stale: the next run or recode rebuilds it.
    rebuild_if_stale(config.output_dir)
    return RecodeOutcome(
        run_id=config.run_id, output_dir=config.output_dir, range_described=config.describe_range(),
        coder_version=coder_version(), elapsed_s=time.monotonic() - clock, articles=expected_articles,
        rows_written=rows_written, rows_replaced=plan.rows_replaced, rejects_by_reason=reasons,
        exit_status=exit_status)


def _stage_runs_row(output: OutputDir, config: RecodeConfig, row: dict) -> None:
    spec = TABLES["runs"]
    directory = partition_path(output.staging_root(config.run_id), spec, row["run_date"])
    write_parquet(FileSystems.join(directory, part_file_name(config.run_id, 0)), rows_to_arrow(spec, [row]))


def _stage_schema_files(output: OutputDir, config: RecodeConfig, removes: list[str]) -> None:
    """A zero-row file with the documented schema for a document table the commit would leave without
    any file (every row of it recoded, none written back), so that its directory keeps being readable."""
    removed = set(removes)
    staged = output.staged_tables(config.run_id)
    for table, files in committed_tables(config.output_dir, DOCUMENT_TABLES).items():
        if staged.get(table) or any(path not in removed for path in files) or not files:
            continue
        spec = TABLES[table]
        directory = partition_path(output.staging_root(config.run_id), spec, config.started_at.date())
        write_parquet(FileSystems.join(directory, part_file_name(config.run_id, 0)), rows_to_arrow(spec, []))
