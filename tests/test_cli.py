"""The command line as a user meets it: help, bad options, query and schema."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from pipeline.cli import main
from schemas import TABLES


def test_help_explains_commands_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["run", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--seeds", "--feed", "--feeds", "--output", "--fetch-articles", "--run-timestamp"):
        assert flag in text
    assert "Exit codes" in text


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "communique run" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seeds", "/nonexistent/seeds"], "--seeds '/nonexistent/seeds' does not exist"),
        (["--feed", "no/such/feed.xml"], "neither a URL nor an existing file"),
        (["--run-timestamp", "yesterday"], "not an ISO 8601 time"),
        (["--feed-timeout", "0"], "--feed-timeout must be positive"),
        (["--no-seeds"], "nothing to read"),
        (["--frobnicate=3"], "unknown option '--frobnicate'"),
    ],
)
def test_bad_options_fail_before_the_run_naming_the_value(args, message, capsys, tmp_path):
    assert main(["run", "--output", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_beam_options_are_accepted(small_seeds, tmp_path):
    code = main(["run", "--quiet", "--seeds", str(small_seeds), "--output", str(tmp_path / "out"),
                 "--direct_num_workers=1"])
    assert code == 3  # the small corpus has rejects on purpose


def test_run_then_query_in_every_format(seed_only, tmp_path, capsys):
    output = str(tmp_path / "out")
    assert main(["run", "--seeds", str(seed_only), "--output", output]) == 0
    summary = capsys.readouterr().out
    assert "articles 1" in summary and "articles/s" in summary
    sql = "SELECT article_id, published_date, date_source FROM articles"
    assert main(["query", "--output", output, "--format", "json", sql]) == 0
    row = json.loads(capsys.readouterr().out.strip())
    assert row["published_date"] == "2021-10-28" and row["date_source"] == "seed_header"
    assert main(["query", "--output", output, "--format", "csv", sql]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows == [{"article_id": row["article_id"], "published_date": "2021-10-28",
                     "date_source": "seed_header"}]
    assert main(["query", "--output", output, "SELECT count(*) AS n FROM runs"]) == 0
    assert "1" in capsys.readouterr().out
    assert main(["query", "--output", output, "SELECT * FROM no_such_table"]) == 2
    assert "no_such_table" in capsys.readouterr().err
    # A clean run has every table, empty ones included.
    assert main(["query", "--output", output, "--format", "json", "SELECT count(*) AS n FROM rejects"]) == 0
    assert json.loads(capsys.readouterr().out) == {"n": 0}


def test_query_on_a_directory_without_tables_exits_2_naming_where_it_looked(tmp_path, capsys):
    # It used to answer 0 rows with exit 0, as if the tables were there and empty.
    for output in (tmp_path, tmp_path / "no-such-dir"):
        assert main(["query", "--output", str(output), "--format", "json",
                     "SELECT count(*) AS n FROM events"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert f"no tables under --output '{output}'" in captured.err and "communique run" in captured.err


def test_schema_documents_every_column(capsys):
    assert main(["schema"]) == 0
    text = capsys.readouterr().out
    for name, spec in TABLES.items():
        assert name in text
        for field in spec.schema:
            assert spec.doc_of(field.name) in text
    assert main(["schema", "nope"]) == 2


def test_console_script_runs_in_a_subprocess(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "schema", "runs"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert "run_id" in done.stdout
