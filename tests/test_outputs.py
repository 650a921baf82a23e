"""Commit and recovery of the output directory."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from outputs.commit import MANIFEST, OutputDir, UnsafeManifest
from outputs.tables import read_table, table_files
from pipeline.cli import main
from tests.conftest import PROJECT_SEEDS, run_communique

SEED_FEED = PROJECT_SEEDS / "feeds" / "wire_sample.rss"


def _stage(output: OutputDir, run_id: str, relative: str, rows: int) -> None:
    path = output.staging_root(run_id) + "/" + relative
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(pa.table({"x": list(range(rows))}), path)


def test_commit_moves_every_staged_file_and_counts_rows(tmp_path):
    output = OutputDir(str(tmp_path))
    _stage(output, "r1", "articles/published_date=2024-01-01/part-r1-0000.parquet", 3)
    _stage(output, "r1", "rejects/rejected_date=2024-01-02/part-r1-0000.parquet", 2)
    assert output.staged_row_counts("r1") == {"articles": 3, "rejects": 2}
    output.commit("r1")
    assert (tmp_path / "articles/published_date=2024-01-01/part-r1-0000.parquet").exists()
    assert (tmp_path / "rejects/rejected_date=2024-01-02/part-r1-0000.parquet").exists()
    assert not (tmp_path / "_staging" / "r1").exists()


def test_recover_discards_an_uncommitted_run(tmp_path):
    output = OutputDir(str(tmp_path))
    _stage(output, "dead", "articles/published_date=2024-01-01/part-dead-0000.parquet", 3)
    assert output.recover() == []
    assert not (tmp_path / "_staging" / "dead").exists()
    assert not (tmp_path / "articles").exists()


def test_recover_completes_a_commit_interrupted_halfway(tmp_path):
    output = OutputDir(str(tmp_path))
    first = "articles/published_date=2024-01-01/part-half-0000.parquet"
    second = "articles/published_date=2024-01-02/part-half-0000.parquet"
    _stage(output, "half", first, 1)
    _stage(output, "half", second, 1)
    staging = tmp_path / "_staging" / "half"
    moves = [[str(staging / name), str(tmp_path / name)] for name in (first, second)]
    (staging / MANIFEST).write_text(json.dumps({"run_id": "half", "moves": moves}))
    (tmp_path / first).parent.mkdir(parents=True)
    (staging / first).rename(tmp_path / first)  # the interrupted commit had moved one file
    assert output.recover() == ["half"]
    assert (tmp_path / first).exists() and (tmp_path / second).exists()
    assert not staging.exists()


def test_a_run_completes_an_interrupted_commit_before_its_own(small_seeds, tmp_path):
    output = tmp_path / "out"
    run_communique("--seeds", str(small_seeds), "--output", str(output))
    articles_before = read_table(str(output), "articles").num_rows
    leftover = OutputDir(str(output))
    _stage(leftover, "dead", "articles/published_date=2024-01-01/part-dead-0000.parquet", 1)
    run_communique("--seeds", str(small_seeds), "--output", str(output))
    assert read_table(str(output), "articles").num_rows == articles_before
    assert not (output / "_staging" / "dead").exists()


def _forge_manifest(output_dir, writer_id: str, moves: list, removes: list) -> None:
    staging = output_dir / "_staging" / writer_id
    staging.mkdir(parents=True)
    (staging / MANIFEST).write_text(json.dumps({"format": 2, "id": writer_id, "moves": moves,
                                                "removes": removes}))


@pytest.mark.parametrize("moves, removes", [
    ([], ["../victim.txt"]),
    ([], ["articles/../../victim.txt"]),
    ([], ["/etc/hostname-copy"]),
    ([["_staging/evil/articles/d=1/a.parquet", "../victim.txt"]], []),
    ([["../victim.txt", "articles/published_date=2024-01-01/stolen.parquet"]], []),
    ([["_staging/other/articles/d=1/a.parquet", "articles/d=1/a.parquet"]], []),
])
def test_a_forged_manifest_touches_nothing_outside_the_tables(tmp_path, moves, removes, caplog):
    # Before: recovery deleted ../victim.txt, a file beside the output directory.
    output_dir = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("not communique's", encoding="utf-8")
    _forge_manifest(output_dir, "evil", moves, removes)
    with pytest.raises(UnsafeManifest, match="not table files"):
        OutputDir(str(output_dir)).recover()
    assert victim.read_text(encoding="utf-8") == "not communique's"
    assert (output_dir / "_staging" / "evil" / MANIFEST).exists()  # left for a person to look at
    assert table_files(str(output_dir), "articles") == []  # readers ignore it

    assert main(["run", "--quiet", "--no-seeds", "--feed", str(SEED_FEED),
                 "--output", str(output_dir)]) == 1
    assert "names paths that are not table files" in caplog.text
    assert victim.exists() and not (output_dir / "articles").exists()
