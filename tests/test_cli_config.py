"""The command line's shared options (issue 16): --version, the configuration file, --log-level, run --json,
quiet broken pipes and singular counts. Each test runs the real command line: ``pipeline.cli.main``
in-process, or ``python -m pipeline.cli`` in a subprocess where the process itself is what is tested."""

from __future__ import annotations

import dataclasses
import fcntl
import importlib.metadata
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.commands.exitcodes import EXIT_OK, EXIT_USAGE
from pipeline.summary import RunOutcome, format_summary, summary_figures
from pipeline.wording import counted

PROJECT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pipeline.cli"]
ENV = {**os.environ, "PYTHONPATH": str(PROJECT)}
SMALLEST_PIPE = 4096  # one page: Linux's smallest pipe buffer


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, check=False, env=ENV,
                          cwd=cwd or PROJECT, timeout=300)


def _one_story_feed(folder: Path, name: str = "desk.xml") -> str:
    from tests.feedserver import STORIES, rss

    path = folder / name
    path.write_text(rss(STORIES[:1]), encoding="utf-8")
    return str(path)


def _runs(output: str) -> list[dict]:
    from outputs.tables import read_table

    return read_table(output, "runs").to_pylist()


# ---- --version ------------------------------------------------------------------------------------------


def test_version_prints_the_package_version_and_exits_0():
    """Before: 'communique --version' printed the usage and 'unrecognized arguments', exit 2."""
    done = _cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"communique {importlib.metadata.version('communique')}\n"
    assert done.stderr == ""


# ---- broken pipes ---------------------------------------------------------------------------------------


def _pipe_into_head(args: list[str], pipe_size: int | None = None) -> tuple[int, str, str]:
    """Runs the command line into ``head -n 1`` through a real pipe: (its exit code, its stderr, what head
    printed). ``pipe_size`` shrinks the pipe, so that output larger than it cannot all be written before
    head has read its line and gone."""
    read_end, write_end = os.pipe()
    if pipe_size:
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, pipe_size)
    with subprocess.Popen(["head", "-n", "1"], stdin=read_end, stdout=subprocess.PIPE, text=True) as head, \
            subprocess.Popen(CLI + args, stdout=write_end, stderr=subprocess.PIPE, text=True, env=ENV,
                             cwd=PROJECT) as command:
        os.close(read_end)
        os.close(write_end)
        first_line = head.stdout.read()
        errors = command.stderr.read()
        command.wait(timeout=300)
        head.wait(timeout=60)
    return command.returncode, errors, first_line


def test_schema_piped_into_head_ends_quietly_with_0():
    """Before: a BrokenPipeError traceback on stderr and exit 1 (when the schema's 19 kB did not fit in
    the pipe before head left; a one-page pipe makes that certain)."""
    code, errors, first_line = _pipe_into_head(["schema"], pipe_size=SMALLEST_PIPE)
    assert first_line.startswith("articles (version ")
    assert (code, errors) == (EXIT_OK, "")


@pytest.fixture(scope="module")
def output_with_tables(tmp_path_factory) -> str:
    """An output directory holding one table, enough for 'communique query' to accept it."""
    from tests.test_report import synthetic_events, write_rows

    output = str(tmp_path_factory.mktemp("pipe") / "out")
    write_rows(output, "events", synthetic_events(["a1b2c3d4e5f60718"])[:3])
    return output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_query_piped_into_head_ends_quietly_with_0(fmt, output_with_tables):
    """Megabytes of rows never fit in a pipe. Before, the result went out in one write, which a closed
    pipe cut short with no error at all (exit 0, the rest dropped unseen); now rows are written a little
    at a time, so the closed pipe is seen and ends the command (the debug log says so)."""
    code, errors, first_line = _pipe_into_head(
        ["query", "--output", output_with_tables, "--format", fmt, "SELECT range AS n FROM range(300000)"])
    assert first_line == ("n\n" if fmt == "csv" else '{"n": 0}\n')
    assert (code, errors) == (EXIT_OK, "")
    code, errors, _ = _pipe_into_head(["--log-level", "debug", "query", "--output", output_with_tables,
                                       "--format", fmt, "SELECT range AS n FROM range(300000)"])
    assert code == EXIT_OK and "standard output was closed before all was written" in errors


def test_a_pipefail_shell_pipeline_into_head_succeeds_without_a_traceback(output_with_tables):
    script = (f"set -o pipefail; {' '.join(CLI)} query --output '{output_with_tables}' --format csv "
              "'SELECT range AS n FROM range(300000)' | head -n 2")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=ENV, cwd=PROJECT,
                          check=False, timeout=300)
    assert done.stdout == "n\n0\n"
    assert (done.returncode, done.stderr) == (EXIT_OK, "")


# ---- --log-level ----------------------------------------------------------------------------------------


def test_log_level_debug_shows_debug_messages_and_the_default_does_not():
    """The broken-pipe handler logs at debug level: seen with --log-level debug (before or after the
    command's name, or from the file), not with the default warning level."""
    _, quiet, _ = _pipe_into_head(["schema"], pipe_size=SMALLEST_PIPE)
    assert quiet == ""
    for args in (["--log-level", "debug", "schema"], ["schema", "--log-level", "debug"]):
        code, errors, _ = _pipe_into_head(args, pipe_size=SMALLEST_PIPE)
        assert code == EXIT_OK
        assert "DEBUG communique: standard output was closed before all was written" in errors


@pytest.fixture
def root_level():
    root = logging.getLogger()
    before = root.level
    yield root
    root.setLevel(before)


def test_log_level_sets_the_root_level_and_the_command_line_wins_over_the_file(tmp_path, monkeypatch,
                                                                               root_level, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--log-level", "error", "schema", "runs"]) == 0
    assert root_level.level == logging.ERROR
    (tmp_path / "communique.toml").write_text('log-level = "info"\n', encoding="utf-8")
    assert main(["schema", "runs"]) == 0
    assert root_level.level == logging.INFO
    assert main(["schema", "runs", "--log-level", "warning"]) == 0
    assert root_level.level == logging.WARNING
    with pytest.raises(SystemExit) as exited:
        main(["--log-level", "verbose", "schema"])
    assert exited.value.code == EXIT_USAGE
    assert "invalid choice: 'verbose'" in capsys.readouterr().err


# ---- the configuration file -----------------------------------------------------------------------------


def test_the_file_sets_options_and_the_command_line_wins(tmp_path, monkeypatch, capsys):
    """communique.toml in the working directory: a top-level option shared by run and query, a [run]
    table with a list, a number and a switch, and Beam options; then flags that override some."""
    monkeypatch.chdir(tmp_path)
    first, second, third = (_one_story_feed(tmp_path, f"{name}.xml") for name in ("a", "b", "c"))
    (tmp_path / "communique.toml").write_text(
        'output = "from-file"\n'
        "[run]\n"
        f'feed = ["{first}", "{second}"]\n'
        "feed-timeout = 9\n"
        "quiet = true\n"
        "[run.beam]\n"
        "direct_num_workers = 1\n"
        "[query]\n"
        'format = "json"\n', encoding="utf-8")
    assert main(["run", "--run-timestamp", "2024-06-01T12:00:00Z"]) == 0
    assert capsys.readouterr().out == ""  # quiet = true
    (run,) = _runs("from-file")
    options = json.loads(run["options"])
    assert options["feeds"] == [first, second] and options["feed_timeout_s"] == 9.0
    assert options["beam_args"] == ["--direct_num_workers=1"]

    # The command line wins: its --feed replaces the file's list, its numbers and Beam options theirs.
    assert main(["run", "--run-timestamp", "2024-06-02T12:00:00Z", "--feed", third, "--feed-timeout", "4",
                 "--direct_num_workers=2", "--output", "from-flags"]) == 0
    (run,) = _runs("from-flags")
    options = json.loads(run["options"])
    assert options["feeds"] == [third] and options["feed_timeout_s"] == 4.0
    assert options["beam_args"] == ["--direct_num_workers=2"]

    # 'output' at the top level is query's too, and [query] format = "json" is its default format.
    capsys.readouterr()
    assert main(["query", "SELECT count(*) AS runs FROM runs"]) == 0
    assert json.loads(capsys.readouterr().out) == {"runs": 1}
    assert main(["query", "--format", "csv", "SELECT count(*) AS runs FROM runs"]) == 0
    assert capsys.readouterr().out == "runs\n1\n"


def test_config_names_another_file_before_or_after_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "communique.toml").write_text('[schema]\nmarkdown = "from-cwd.md"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('[schema]\nmarkdown = "from-config.md"\n', encoding="utf-8")
    assert main(["--config", str(elsewhere), "schema"]) == 0
    assert main(["schema", "--config", str(elsewhere), "--markdown", "from-flag.md"]) == 0
    assert sorted(path.name for path in tmp_path.glob("*.md")) == ["from-config.md", "from-flag.md"]
    assert main(["schema"]) == 0
    assert (tmp_path / "from-cwd.md").read_text(encoding="utf-8").startswith("# communique tables")


def test_a_required_option_may_come_from_the_file(tmp_path, monkeypatch, capsys):
    """watch's --interval is required on the command line; the file may give it instead."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "communique.toml").write_text("[watch]\ninterval = 0.1\nmax-polls = 1\nquiet = true\n"
                                              f'feed = ["{_one_story_feed(tmp_path)}"]\n', encoding="utf-8")
    assert main(["watch", "--output", str(tmp_path / "out")]) == 0
    (run,) = _runs(str(tmp_path / "out"))
    assert run["exit_status"] == "ok"


def test_export_takes_its_required_format_and_a_toml_date_from_the_file(output_with_tables, tmp_path,
                                                                         monkeypatch, capsys):
    from outputs.tables import read_table

    dates = read_table(output_with_tables, "events").column("event_date").to_pylist()
    since = sorted(date for date in dates if date)[-1]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "communique.toml").write_text(
        f'output = "{output_with_tables}"\n[export]\nformat = "phoenix"\nsince = {since.isoformat()}\n',
        encoding="utf-8")
    assert main(["export"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == sum(1 for date in dates if date and date >= since)
    assert {len(row) for row in rows} == {26}
    assert main(["export", "--format", "gdelt"]) == 0  # the command line's format wins
    assert {len(line.split("\t")) for line in capsys.readouterr().out.splitlines()} == {61}


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("[run]\nfeed-timout = 3\n", ["unknown key 'feed-timout' in [run]", "Did you mean 'feed-timeout'?"]),
        ("[run]\nfeed_timeout = 3\n", ["unknown key 'feed_timeout'", "Did you mean 'feed-timeout'?"]),
        ('[run]\nfeed-timeout = "soon"\n', ["[run] feed-timeout = 'soon' is not a number",
                                           "same as --feed-timeout"]),
        ("[run]\nrows-per-file = 1.5\n", ["[run] rows-per-file = 1.5 is not a whole number"]),
        ("[run]\nfetch-articles = 1\n", ["[run] fetch-articles = 1 is a switch: write true or false"]),
        ("[run]\nfeed = [1, true]\n", ["[run] feed = [1, True] takes a list of values"]),
        ("[run]\nseeds = [\"a\", \"b\"]\n", ["[run] seeds = ['a', 'b'] takes one value"]),
        ('[query]\nformat = "xml"\n', ["[query] format = 'xml' must be one of table, csv, json, parquet"]),
        ('[query]\nsql = "SELECT 1"\n', ["'sql' is an argument of 'communique query', not an option"]),
        ("[watch]\ninterval = -1\n", ["[watch] interval = -1 must be positive, got -1"]),
        ("[runn]\nquiet = true\n", ["unknown table [runn]", "Did you mean [run]?"]),
        ("outptu = \"x\"\n", ["unknown key 'outptu' in the top level", "Did you mean 'output'?"]),
        ('log-level = "loud"\n', ["top level log-level = 'loud' must be one of debug, info, warning"]),
        ('[run]\nlog-level = "info"\n', ["log-level applies to every command: move it above the first"]),
        ('config = "other.toml"\n', ["'config' cannot be set in the configuration file"]),
        ("run = 3\n", ["'run' must be a table: write [run]"]),
        ("[run.beam]\ndirect_num_workerz = 2\n", ["'direct_num_workerz' in [run.beam] is not a Beam pipeline "
                                                  "option", "Did you mean 'direct_num_workers'?"]),
        ("[run]\nquiet = true\n[run\n", ["is not valid TOML", "line 3"]),
    ],
)
def test_a_bad_key_or_value_exits_2_naming_the_file_the_key_and_the_fix(text, messages, tmp_path,
                                                                         monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "communique.toml").write_text(text, encoding="utf-8")
    # Even a command that does not use the bad key: the whole file is checked before anything runs.
    assert main(["schema", "runs"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("communique: communique.toml")
    for message in messages:
        assert message in captured.err


def test_a_missing_config_file_and_a_value_the_command_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--config", "absent.toml", "schema"]) == EXIT_USAGE
    assert "--config 'absent.toml': no such file" in capsys.readouterr().err
    # A value the command refuses (not argparse): its own message, then where the value came from.
    (tmp_path / "communique.toml").write_text("[run]\nfeed-timeout = 0\n", encoding="utf-8")
    assert main(["run", "--output", str(tmp_path / "out")]) == EXIT_USAGE
    errors = capsys.readouterr().err
    assert "--feed-timeout must be positive" in errors
    assert "values taken from communique.toml: [run] feed-timeout" in errors
    assert not (tmp_path / "out").exists()


def test_the_readme_example_is_a_valid_file(tmp_path, monkeypatch, capsys):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"^```toml\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "communique.toml").write_text(example, encoding="utf-8")
    assert main(["schema", "runs"]) == 0  # every key and value of the example checked
    assert capsys.readouterr().err == ""
    assert main(["query", "SELECT 1"]) == EXIT_USAGE  # the file's output, which holds no tables here
    assert "no tables under --output '/srv/communique/output'" in capsys.readouterr().err


def test_the_file_is_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for words in ("--config PATH", "communique.toml", "--log-level", "--version", "[run]",
                  "piped into 'head'"):
        assert words in text
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    assert "--config PATH" in capsys.readouterr().out


# ---- run --json -----------------------------------------------------------------------------------------


def test_run_json_prints_one_object_with_the_summarys_figures(seed_only, tmp_path):
    output = str(tmp_path / "out")
    done = _cli("run", "--json", "--seeds", str(seed_only), "--output", output)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)  # one object, nothing else on stdout
    assert "communique run" in done.stderr  # the progress line still goes to stderr
    (run,) = _runs(output)
    assert figures["run_id"] == run["run_id"] and figures["status"] == "ok"
    assert figures["read"] == {"items": 1, "seed_files": 1, "feed_entries": 0}
    assert figures["articles_new"] == 1 and figures["rejects_by_reason"] == {}
    from outputs.tables import read_table

    for table in ("articles", "entities", "dates", "events"):
        assert figures["rows_written"][table] == read_table(output, table).num_rows, table


def test_every_figure_of_the_json_summary_is_a_figure_of_the_text_summary():
    outcome = RunOutcome(
        run_id="0123456789abcdef", output_dir="out", elapsed_s=2.5,
        counters={"items_read": 7, "seed_files_read": 2, "feed_entries_read": 5, "articles_new": 4,
                  "duplicates": 2, "items_rejected": 1, "pages_fetched": 3, "dates_failed": 1,
                  "date_flag_future": 2, "articles_truncated": 1, "articles_not_english": 1},
        rows_written={"articles": 4, "events": 9, "event_daily": 12}, rejects_by_reason={"empty_text": 1},
        exit_status="ok_with_rejects",
        feeds={"fetched": 3, "failed": 1, "not_modified": 1, "errors": {"http_404": 1}})
    figures, text = summary_figures(outcome), format_summary(outcome)
    assert json.loads(json.dumps(figures)) == figures
    assert figures["rows_written"] == {"articles": 4, "events": 9}
    assert figures["rows_rebuilt"] == {"event_daily": 12}
    for line in ("read       7 items (2 seed files, 5 feed entries)",
                 "new        4 articles; 2 duplicates skipped; 1 item rejected",
                 "rows       articles 4, events 9", "rebuilt    event_daily 12 rows in all",
                 "rejects    empty_text 1",
                 "feeds      3 feeds fetched: 1 failed (http_404 1), 1 not modified",
                 "pages      fetched 3", "failures   dates_failed 1", "dates      date_flag_future 2",
                 "bounded    articles_truncated 1", "language   1 article not in English",
                 "time       2.5 s, 1.6 articles/s"):
        assert line in text, line
    assert figures["pages"] == {"fetched": 3} and figures["stage_failures"] == {"dates_failed": 1}
    assert figures["date_flags"] == {"date_flag_future": 2}
    assert figures["bounded"] == {"articles_truncated": 1} and figures["articles_not_english"] == 1
    assert figures["feeds"]["errors"] == {"http_404": 1} and figures["articles_per_s"] == 1.6


# ---- singulars ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "noun", "words"), [
    (0, "feed", "0 feeds"), (1, "feed", "1 feed"), (2, "feed", "2 feeds"), (1, "feed entry", "1 feed entry"),
    (3, "feed entry", "3 feed entries"), (2, "day", "2 days"), (12_000, "new article", "12,000 new articles"),
])
def test_counted_says_one_in_the_singular(number, noun, words):
    assert counted(number, noun) == words


def test_summaries_of_one_say_it_in_the_singular():
    """Before: '1 feeds fetched', '1 new articles', '1 polls', 'event_daily 1 rows in all'."""
    from pipeline.streaming import StreamingOutcome
    from pipeline.watch import Poll

    ones = RunOutcome(
        run_id="0123456789abcdef", output_dir="out", elapsed_s=1.0,
        counters={"items_read": 1, "seed_files_read": 1, "feed_entries_read": 1, "articles_new": 1,
                  "duplicates": 1, "items_rejected": 1},
        rows_written={"articles": 1, "event_daily": 1}, rejects_by_reason={"empty_text": 1},
        exit_status="ok_with_rejects", feeds={"fetched": 1, "failed": 0, "not_modified": 0, "errors": {}})
    text = format_summary(ones)
    assert "1 item (1 seed file, 1 feed entry)" in text and "1 feed fetched" in text
    assert "1 article; 1 duplicate skipped; 1 item rejected" in text and "event_daily 1 row in all" in text
    import datetime as dt

    poll = Poll(1, dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc), 1.0,
                dataclasses.replace(ones, rows_written={"articles": 1, "runs": 1}), "ok")
    assert ": 1 new article (1 item read, 1 duplicate), 1 row, 1 reject," in poll.line()
    streamed = StreamingOutcome("0123456789abcdef", "out", 1.0, {"polls": 1, "articles_new": 1})
    assert ": 1 poll, 1 new article; rows none;" in streamed.summary()
    for text in (format_summary(ones), poll.line(), streamed.summary()):
        for plural in ("1 items", "1 feeds", "1 articles", "1 duplicates", "1 rows", "1 polls", "1 rejects"):
            assert plural not in text
