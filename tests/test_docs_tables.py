"""docs/tables.md is generated from schemas/ and must never drift from it."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from pipeline.cli import main
from pipeline.commands.schema import render_markdown
from schemas import TABLES, TableSpec, column

DOCS_TABLES = Path(__file__).parent.parent / "docs" / "tables.md"


def test_committed_docs_match_the_schemas():
    assert DOCS_TABLES.read_text(encoding="utf-8") == render_markdown(), (
        "docs/tables.md is out of date with schemas/: run `communique schema --markdown` from the project "
        "root and commit docs/tables.md")


def _section(markdown: str, table: str) -> str:
    start = markdown.index(f"## `{table}`")
    following = markdown.find("\n## `", start + 1)
    return markdown[start:] if following < 0 else markdown[start:following]


def test_every_column_type_doc_partition_key_and_version_is_documented():
    markdown = render_markdown()
    for name, spec in TABLES.items():
        section = _section(markdown, name)
        assert f"- Version: {spec.version}" in section
        assert f"`{spec.partition_by}`" in section.split("- Partitioned by:")[1].splitlines()[0]
        for key_column in spec.key:
            assert f"`{key_column}`" in section.split("- Key:")[1].splitlines()[0]
        rows = {match.group(1): match for match in
                re.finditer(r"^\| `([^`]+)` \| `([^`]+)` \| (yes|) \| (.*) \|$", section, re.MULTILINE)}
        assert list(rows) == spec.schema.names
        for field in spec.schema:
            row = rows[field.name]
            assert row.group(2) == str(field.type)
            assert (row.group(3) == "yes") == (not field.nullable)
            assert row.group(4) == spec.doc_of(field.name).replace("|", "\\|")


def test_a_schema_change_changes_the_docs():
    """The drift check bites: a new column, a new doc or a version bump all change the output."""
    spec = TABLES["runs"]
    changed = TableSpec(name=spec.name, version=spec.version + 1, doc=spec.doc,
                        partition_by=spec.partition_by, key=spec.key,
                        schema=spec.schema.append(column("notes", pa.string(), "A | note.")))
    before = render_markdown({"runs": spec})
    after = render_markdown({"runs": changed})
    assert before != after
    assert "| `notes` | `string` |  | A \\| note. |" in after
    assert f"- Version: {spec.version + 1}" in after


def test_the_command_writes_the_file_and_refuses_a_missing_directory(tmp_path, capsys):
    target = tmp_path / "tables.md"
    assert main(["schema", "--markdown", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_markdown()
    assert main(["schema", "--markdown", "-"]) == 0
    assert capsys.readouterr().out == render_markdown()
    assert main(["schema", "--markdown", str(tmp_path / "no" / "such" / "tables.md")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["schema", "runs", "--markdown", str(target)]) == 2
