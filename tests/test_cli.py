"""The command line as a user meets it: help, bad options, query and schema."""

from __future__ import annotations

import csv
import io
import json
import os
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
        (["--max-pages", "0"], "--max-pages must be positive"),
        (["--pages-deadline", "-1"], "--pages-deadline must be positive"),
        (["--samples", "--no-seeds"], "cannot be combined with --no-seeds"),
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


def _one_story_feed(tmp_path) -> str:
    from tests.feedserver import STORIES, rss

    path = tmp_path / "desk.xml"
    path.write_text(rss(STORIES[:1]), encoding="utf-8")
    return str(path)


def test_a_feed_alone_never_pulls_in_the_sample_seeds(tmp_path, monkeypatch, capsys):
    """Before: with no ./seeds, --seeds fell back to the bundled samples and `run --feed URL` wrote the
    ten 2021 sample articles and their events into the user's tables."""
    monkeypatch.chdir(tmp_path)  # no ./seeds here
    output = str(tmp_path / "out")
    assert main(["run", "--feed", _one_story_feed(tmp_path), "--output", output]) == 0
    summary = capsys.readouterr().out
    assert "samples" not in summary and "articles 1," in summary
    assert main(["query", "--output", output, "--format", "json",
                 "SELECT source_kind, count(*) AS n FROM articles GROUP BY 1"]) == 0
    assert json.loads(capsys.readouterr().out) == {"source_kind": "feed", "n": 1}


def test_samples_are_read_when_asked_for_and_the_summary_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    output = str(tmp_path / "out")
    assert main(["run", "--samples", "--feed", _one_story_feed(tmp_path), "--output", output]) == 0
    captured = capsys.readouterr()
    assert "reading the bundled sample seeds and 1 feed →" in captured.err
    assert "samples    the sample seeds that ship with communique" in captured.out
    assert main(["query", "--output", output, "--format", "json",
                 "SELECT count(*) AS n FROM articles WHERE source_kind = 'seed'"]) == 0
    assert json.loads(capsys.readouterr().out) == {"n": 1}


def test_no_input_at_all_reads_the_samples_and_says_so(tmp_path, monkeypatch, capsys):
    """README's first command: `communique run` with no input option runs on the bundled samples."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--output", str(tmp_path / "out")]) == 0
    assert "samples    the sample seeds that ship with communique" in capsys.readouterr().out


def test_samples_with_seeds_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "--samples", "--seeds", str(tmp_path), "--output", str(tmp_path / "out")]) == 2
    assert "--samples" in capsys.readouterr().err


def test_a_path_that_is_not_utf8_is_a_usage_error_naming_it(tmp_path, capsys):
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    assert main(["run", "--seeds", str(folder), "--output", str(tmp_path / "out")]) == 2
    assert "caf\\xe9' is not valid UTF-8" in capsys.readouterr().err
    assert main(["run", "--feed", str(folder / "x.xml"), "--output", str(tmp_path / "out")]) == 2
    assert "--feed" in capsys.readouterr().err


def test_no_input_option_reads_the_users_own_seeds_directory_first(tmp_path, monkeypatch, capsys):
    from tests.conftest import SEED_DOCUMENT

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "mine.txt").write_bytes(SEED_DOCUMENT.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--output", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "reading seeds →" in captured.err
    assert "samples" not in captured.out and "articles 1," in captured.out
