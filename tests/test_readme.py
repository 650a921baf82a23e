"""The README tells the truth: its commands run, its reading snippets work, its tables and links hold."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.commands import exitcodes
from tests.conftest import SEED_DOCUMENT, run_communique
from tests.test_report import synthetic_events, write_rows
from transforms.tablefiles import read_table

PROJECT = Path(__file__).parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def test_the_two_commands_are_there_exactly():
    plain = _blocks("")
    assert "pip install -e . && communique run\n" in plain
    assert "pip install -e '.[test]' && pytest\n" in plain
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()
    assert ci[-1] == "pip install -e '.[test]' && pytest"


@pytest.fixture(scope="module")
def seed_workdir(tmp_path_factory) -> Path:
    """A directory like a user's checkout after `communique run`: seeds/ and output/ side by side."""
    workdir = tmp_path_factory.mktemp("readme")
    (workdir / "seeds").mkdir()
    shutil.copy(SEED_DOCUMENT, workdir / "seeds" / SEED_DOCUMENT.name)
    run_communique("--seeds", str(workdir / "seeds"), "--output", str(workdir / "output"))
    if not read_table(str(workdir / "output"), "events").num_rows:
        # Until the events stage codes the seed, the snippets read stand-in events rows.
        article_ids = read_table(str(workdir / "output"), "articles").column("article_id").to_pylist()
        write_rows(str(workdir / "output"), "events", synthetic_events(article_ids))
    return workdir


def _reading_snippets() -> list[str]:
    snippets = [body for body in _blocks("python") if "pyspark" not in body]  # no Spark here
    assert len(snippets) == 3, "expected the DuckDB, pandas and Polars snippets"
    return snippets


@pytest.mark.parametrize("index", range(3), ids=["duckdb", "pandas", "polars"])
def test_reading_snippets_run_and_read_every_event(index, seed_workdir, monkeypatch, capsys):
    monkeypatch.chdir(seed_workdir)
    namespace: dict = {}
    exec(compile(_reading_snippets()[index], f"README snippet {index}", "exec"), namespace)
    expected = read_table(str(seed_workdir / "output"), "events")
    events = namespace["events"]
    assert events.shape[0] == expected.num_rows
    assert set(expected.column_names) <= set(events.columns)


def _tutorial_commands() -> list[list[str]]:
    commands = []
    for body in _blocks("console"):
        commands.extend(shlex.split(line[2:]) for line in body.splitlines() if line.startswith("$ "))
    return commands


def test_tutorial_commands_run_on_the_seed(seed_workdir, monkeypatch, capsys):
    commands = _tutorial_commands()
    assert [command[:2] for command in commands][:2] == [["communique", "run"], ["communique", "query"]]
    monkeypatch.chdir(seed_workdir)
    for command in commands:
        if command[1] == "run":
            continue  # the fixture ran it, on a copy of the seed
        assert main(command[1:]) == 0, command
    assert os.path.getsize(seed_workdir / "report.html") > 0


def test_every_exit_code_is_documented():
    codes = {value for name, value in vars(exitcodes).items() if name.startswith("EXIT_")}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \| ", README, re.MULTILINE)}
    assert documented == codes


def test_relative_links_point_at_files():
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README)
    assert links
    missing = [link for link in links if not (PROJECT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_every_table_is_in_the_overview():
    from schemas import TABLES

    overview = README.split("## What comes out", 1)[1].split("\n\n", 2)[1]
    for name, spec in TABLES.items():
        assert f"| `{name}` |" in overview and f"`{spec.partition_by}`" in overview, name
