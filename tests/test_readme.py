"""The README tells the truth: its commands run, its reading snippets work, its tables and links hold."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from outputs.tables import read_table
from pipeline.cli import main
from pipeline.commands import exitcodes
from tests.conftest import SEED_DOCUMENT, run_communique
from tests.test_report import synthetic_events, write_rows

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


def _tutorial_steps() -> list[tuple[list[str], str]]:
    """(command, the output pasted under it) for every `$ communique ...` line of the console blocks."""
    steps = []
    for body in _blocks("console"):
        lines = body.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(lines)
            steps.append((shlex.split(lines[start][2:]), "\n".join(lines[start + 1:end])))
    return steps


def test_tutorial_commands_run_on_the_seed_and_the_pasted_output_is_theirs(seed_workdir, monkeypatch,
                                                                           capsys):
    steps = _tutorial_steps()
    assert [command[:2] for command, _ in steps][:2] == [["communique", "run"], ["communique", "query"]]
    monkeypatch.chdir(seed_workdir)
    capsys.readouterr()
    for command, pasted in steps:
        if command[1] == "run":
            assert "rows       articles" in pasted  # the fixture ran it, on a copy of the seed
            continue
        if command[1] == "query":
            json_command = [word for word in command[1:] if word not in ("--format", "json")]
            assert main([*json_command, "--format", "json"]) == 0, command
            rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
            assert rows, f"the tutorial query returns nothing on the seed: {command}"
            for column in rows[0]:
                assert column in pasted, f"{column!r} is not in the output pasted under {command}"
        else:
            assert main(command[1:]) == 0, command
    assert os.path.getsize(seed_workdir / "report.html") > 0


def test_every_exit_code_is_documented():
    codes = {value for name, value in vars(exitcodes).items()
             if name.startswith("EXIT_") and isinstance(value, int)}
    documented = {int(code) for code in re.findall(r"^\| (\d+) \| ", README, re.MULTILINE)}
    assert documented == codes


def _heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_relative_links_point_at_files_and_headings():
    links = re.findall(r"\]\(([^)#:]+)(?:#([^)]*))?\)", README)
    assert links
    missing = [path for path, _ in links if not (PROJECT / path).exists()]
    assert not missing, f"README links to missing files: {missing}"
    for path, anchor in links:
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (PROJECT / path).read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_heading_anchor(heading) for heading in headings}, f"{path}#{anchor}"


def test_every_table_is_in_the_overview():
    from schemas import TABLES

    overview = README.split("## What comes out", 1)[1].split("\n\n", 2)[1]
    for name, spec in TABLES.items():
        assert f"| `{name}` |" in overview and f"`{spec.partition_by}`" in overview, name
