"""communique recode: the stored articles coded again give the rows of a fresh run, replace only the rows
of the articles in range, and a recode killed before its commit point leaves the tables as they were.

The output under test is a real run over tests/data/seeds_small and the project's seed. It is then made
to look coded by an older coder: its derived rows are changed in place (another CAMEO code and no coder
version on events, dates dropped, entity names changed, articles.num_sentences zeroed), the way a lexicon
change would leave them. A recode must bring every derived table back to the fresh run's rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from outputs.commit import CRASH_ENV, STAGING
from outputs.sql import connect
from outputs.tables import read_table, table_files
from pipeline.cli import main
from schemas import TABLES
from tests.conftest import DATA, SEED_DOCUMENT, run_communique
from transforms.events.version import coder_version, lexicon_hash
from transforms.sources.stored import ANNOTATION_COLUMNS, stored_document

RUN_TIME, RECODE_TIME = "2024-06-01T12:00:00Z", "2024-06-02T12:00:00Z"
DERIVED = ("articles", "dates", "entities", "events", "event_daily")
SINCE, UNTIL = dt.date(2023, 1, 1), dt.date(2024, 12, 31)


def rows_of(output: Path, table: str) -> list[tuple]:
    """Every row of ``table`` (every column, the partition column included), sorted."""
    return sorted(tuple((key, repr(value)) for key, value in sorted(row.items()))
                  for row in read_table(str(output), table).to_pylist())


def derived_rows(output: Path) -> dict[str, list[tuple]]:
    return {table: rows_of(output, table) for table in DERIVED}


def _rewrite_files(output: Path, table: str, change) -> None:
    """Each committed file of ``table`` replaced in place by ``change(its Arrow table)``."""
    for path in table_files(str(output), table):
        original = pq.read_table(path)
        pq.write_table(change(original).replace_schema_metadata(original.schema.metadata), path)


def _set(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), table.schema.field(column), values)


def age(output: Path) -> None:
    """Makes the derived rows of ``output`` look coded by an older coder (see the module docstring)."""
    _rewrite_files(output, "events", lambda t: _set(
        _set(t, "cameo_code", pa.array(["010"] * t.num_rows, pa.string())),
        "coder_version", pa.nulls(t.num_rows, pa.string())).slice(0, max(t.num_rows - 1, 0)))
    _rewrite_files(output, "dates", lambda t: t.slice(0, 0))
    _rewrite_files(output, "entities", lambda t: _set(t, "name", pc.utf8_upper(t.column("name"))))
    _rewrite_files(output, "articles",
                   lambda t: _set(t, "num_sentences", pa.array([0] * t.num_rows, pa.int32())))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("recode")
    seeds = root / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    shutil.copy(SEED_DOCUMENT, seeds / SEED_DOCUMENT.name)
    fresh = root / "fresh"
    run_communique("--seeds", str(seeds), "--output", str(fresh), "--run-timestamp", RUN_TIME)
    aged = root / "aged"
    shutil.copytree(fresh, aged)
    age(aged)
    expected, old = derived_rows(fresh), derived_rows(aged)
    assert all(expected[table] for table in ("articles", "dates", "entities", "events"))
    assert all(expected[table] != old[table] for table in ("articles", "dates", "entities", "events"))
    return {"root": root, "fresh": fresh, "aged": aged, "expected": expected, "old": old}


def _copy(outputs, name: str) -> Path:
    target = outputs["root"] / name
    shutil.copytree(outputs["aged"], target)
    return target


def _recode_args(output: Path, *extra: str) -> list[str]:
    return ["recode", "--quiet", "--output", str(output), "--run-timestamp", RECODE_TIME, *extra]


def test_a_recode_gives_every_derived_table_of_a_fresh_run(outputs):
    output = _copy(outputs, "whole")
    rejects_before = rows_of(output, "rejects")
    assert main(_recode_args(output)) == 0
    assert derived_rows(output) == outputs["expected"]
    events = read_table(str(output), "events").to_pylist()
    assert {row["coder_version"] for row in events} == {coder_version()}
    # The recode is a run of its own in runs, with its coder version; it rejected nothing new.
    runs = read_table(str(output), "runs").to_pylist()
    (recode_run,) = [run for run in runs if run["run_id"].startswith("recode-")]
    assert recode_run["coder_version"] == coder_version()
    assert json.loads(recode_run["options"])["command"] == "recode"
    assert json.loads(recode_run["rows_written"])["events"] == len(outputs["expected"]["events"])
    assert recode_run["items_read"] == len(outputs["expected"]["articles"])
    assert rows_of(output, "rejects") == rejects_before
    assert not list((output / STAGING).glob("*"))
    # A second recode finds nothing to change.
    assert main(_recode_args(output, "--run-timestamp", "2024-06-03T12:00:00Z")) == 0
    assert derived_rows(output) == outputs["expected"]


@pytest.mark.parametrize("runner", [
    ["--direct_running_mode=multi_processing", "--direct_num_workers=2"],
    ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"],
], ids=["multi_processing", "portable_loopback"])
def test_a_recode_on_other_runners_gives_the_same_rows(outputs, runner):
    output = _copy(outputs, "runner_" + runner[0].split("=")[1])
    assert main(_recode_args(output, *runner)) == 0
    assert derived_rows(output) == outputs["expected"]


def _by_article(rows: list[tuple]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(dict(row)["article_id"], []).append(row)
    return grouped


def test_a_recode_by_publication_date_leaves_other_articles_rows_untouched(outputs):
    output = _copy(outputs, "range")
    articles = read_table(str(output), "articles").to_pylist()
    inside = {row["article_id"] for row in articles if SINCE <= row["published_date"] <= UNTIL}
    assert inside and len(inside) < len(articles)  # the range splits the articles
    assert main(_recode_args(output, "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())) == 0
    after = derived_rows(output)
    for table in ("articles", "dates", "entities", "events"):
        now, fresh, old = (_by_article(rows) for rows in (after[table], outputs["expected"][table],
                                                            outputs["old"][table]))
        for article_id in {row["article_id"] for row in articles}:
            expected = fresh if article_id in inside else old
            assert now.get(article_id, []) == expected.get(article_id, []), (table, article_id)
    # event_daily was rebuilt from the events as they now are.
    connection = connect(str(output))
    daily = connection.sql("SELECT event_date, source_actor, target_actor, cameo_code, num_mentions "
                           "FROM event_daily ORDER BY ALL").fetchall()
    assert daily == connection.sql("SELECT event_date, source_actor, target_actor, cameo_code, count(*) "
                                   "FROM events GROUP BY ALL ORDER BY ALL").fetchall()


def _everything(output: Path) -> dict[str, list[tuple]]:
    return {table: rows_of(output, table) for table in TABLES}


# Where the recode is killed, and whether a reader then sees the tables as before or after it.
CRASH_POINTS = [("staged", False), ("before_manifest", False), ("manifest_partial", False),
                ("moved:1", True)]


def test_a_recode_killed_before_its_commit_leaves_the_old_tables(outputs):
    before = _everything(outputs["aged"])
    copies = {point: _copy(outputs, "crash_" + point.replace(":", "_")) for point, _ in CRASH_POINTS}
    processes = {point: subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *_recode_args(copies[point])],
        env={**os.environ, CRASH_ENV: point}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for point, _ in CRASH_POINTS}
    for point, process in processes.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == -signal.SIGKILL, (point, stderr.decode()[-2000:])
    for point, committed in CRASH_POINTS:
        output = copies[point]
        assert _everything(output) == before, point  # every table readable, and as it was
        assert list((output / STAGING).glob("*")), point  # something was left to recover from
        # The next writer discards the unfinished recode (or finishes the committed one) and does its own.
        assert main(_recode_args(output, "--run-timestamp", "2024-06-03T12:00:00Z")) == 0
        assert derived_rows(output) == outputs["expected"], point
        runs = [row["run_id"] for row in read_table(str(output), "runs").to_pylist()]
        # The first run, the killed recode if it had committed, and the one after it.
        assert len(runs) == len(set(runs)) == (3 if committed else 2), point
        assert not list((output / STAGING).glob("*")), point


def test_bad_options_exit_2_and_name_the_fix(outputs, tmp_path, capsys):
    assert main(_recode_args(outputs["aged"], "--since", "2024-02-30")) == 2
    assert "--since '2024-02-30' is not a day" in capsys.readouterr().err
    assert main(_recode_args(outputs["aged"], "--since", "2024-05-01", "--until", "2024-04-01")) == 2
    assert "is after --until" in capsys.readouterr().err
    assert main(_recode_args(tmp_path / "nothing")) == 2
    assert "holds no articles table" in capsys.readouterr().err


def test_outputs_written_before_coder_version_stay_readable(outputs, tmp_path):
    output = outputs["root"] / "old_schema"
    shutil.copytree(outputs["fresh"], output)
    for table in ("events", "runs"):
        _rewrite_files(output, table, lambda t: t.drop_columns(["coder_version"]))
    events = read_table(str(output), "events")
    assert events.num_rows == len(outputs["expected"]["events"])
    assert events.column("coder_version").null_count == events.num_rows
    assert main(["query", "--output", str(output), "SELECT count(*) FROM events"]) == 0
    assert main(["report", "--output", str(output), "--html", str(tmp_path / "report.html")]) == 0
    # A recode of such an output writes the column again.
    assert main(_recode_args(output)) == 0
    assert derived_rows(output) == outputs["expected"]


def test_the_coder_version_follows_the_lexicon_files_but_not_their_readmes(tmp_path):
    lexicons = Path(__file__).parent.parent / "transforms" / "lexicons"
    copy = tmp_path / "lexicons"
    shutil.copytree(lexicons, copy)
    assert lexicon_hash(copy) == lexicon_hash(lexicons) == coder_version().rsplit(".", 1)[1]
    (copy / "cameo" / "README.md").write_text("edited", encoding="utf-8")
    assert lexicon_hash(copy) == lexicon_hash(lexicons)
    codebook = copy / "cameo" / "codebook.csv"
    codebook.write_bytes(codebook.read_bytes() + b"\n")
    assert lexicon_hash(copy) != lexicon_hash(lexicons)


def test_a_stored_article_enters_the_chain_as_normalize_left_it():
    row = {"article_id": "a1", "text": "Some text.", "num_sentences": 4, "events_dropped": 2}
    document = stored_document(row, dt.date(2024, 1, 2))
    assert document.article["published_date"] == dt.date(2024, 1, 2)
    assert all(document.article[name] is None for name in ANNOTATION_COLUMNS)
    assert row["num_sentences"] == 4  # the stored row itself is not changed
    assert document.sentences == document.entities == document.dates == document.events == []
