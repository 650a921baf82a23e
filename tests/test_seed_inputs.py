"""Inputs of the seeds directory that are not plain files: FIFOs, broken symlinks, loops, symlinks to
directories, unreadable directories and names that are not UTF-8. Each becomes a counted reject; none
hangs or fails the run. Real files in tmp_path throughout."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from outputs.tables import read_table
from tests.conftest import SEED_DOCUMENT, run_communique
from transforms.sources import localfiles
from transforms.sources.stage import list_seed_dir

NON_UTF8_NAME = os.fsdecode(b"caf\xe9.txt")


def _awkward_seeds(root: Path) -> Path:
    """A seeds directory with one good seed and every kind of entry that cannot be read."""
    root.mkdir()
    shutil.copy(SEED_DOCUMENT, root / "good.txt")
    os.mkfifo(root / "pipe.txt")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "loop-a.txt").symlink_to(root / "loop-b.txt")
    (root / "loop-b.txt").symlink_to(root / "loop-a.txt")
    (root / "nested").mkdir()
    (root / "nested" / "back-up").symlink_to(root)
    (root / ".#good.txt").symlink_to("emacs@host.1234")  # an editor's lock file: ignored by name
    (root / NON_UTF8_NAME).write_bytes(b" date 2024-01-02 Cafe news.\n\nFrance and Spain met in Paris.\n")
    return root


EXPECTED_UNUSABLE = {
    "pipe.txt": "not_a_regular_file",
    "dangling.txt": "broken_link",
    "loop-a.txt": "broken_link",
    "loop-b.txt": "broken_link",
    "nested/back-up": "linked_directory",
    "caf\\xe9.txt": "bad_file_name",
}


def test_listing_reports_every_entry_it_cannot_read(tmp_path):
    listing = list_seed_dir(str(_awkward_seeds(tmp_path / "seeds")))
    assert [relative for _, relative in listing["seed"]] == ["good.txt"]
    assert {relative: reason for relative, reason, _ in listing["unusable"]} == EXPECTED_UNUSABLE
    assert [entry[0] for entry in listing["ignored"]] == [".#good.txt"]
    for _, _, detail in listing["unusable"]:
        assert detail.endswith(".")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a directory whatever its permissions")
def test_an_unreadable_subdirectory_is_reported(tmp_path):
    root = tmp_path / "seeds"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "a.txt").write_text(" date 2024-01-02 A.\n\nText.")
    (root / "locked").chmod(0)
    try:
        listing = list_seed_dir(str(root))
    finally:
        (root / "locked").chmod(0o755)
    assert listing["unusable"][0][:2] == ("locked", "unreadable_directory")


def test_a_directory_that_cannot_be_listed_is_reported(tmp_path, monkeypatch):
    """The same as above for a run as root, where permissions do not stop a listing: the real os.scandir
    fails on the one directory, as it does for another user on a mode-000 directory."""
    root = tmp_path / "seeds"
    (root / "locked").mkdir(parents=True)
    shutil.copy(SEED_DOCUMENT, root / "good.txt")
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(localfiles.os, "scandir", scandir)
    listing = list_seed_dir(str(root))
    assert [relative for _, relative in listing["seed"]] == ["good.txt"]
    ((relative, reason, detail),) = listing["unusable"]
    assert (relative, reason) == ("locked", "unreadable_directory")
    assert "Permission denied" in detail


def test_reading_a_fifo_is_refused_at_once(tmp_path):
    """A FIFO that appears after the listing (or is named with --feed) is refused, not waited on."""
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    outcome = []

    def read():
        try:
            localfiles.read_regular_file(str(fifo), 100)
        except localfiles.NotRegularFile as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "FIFO" in str(outcome[0])


def test_a_run_over_awkward_inputs_ends_with_a_reject_for_each(tmp_path):
    """Before: the run hung for ever on pipe.txt holding the lock (and, without the FIFO, failed at build
    time with UnicodeEncodeError on caf\\xe9.txt); broken links were skipped without a trace."""
    seeds = _awkward_seeds(tmp_path / "seeds")
    output = tmp_path / "out"
    outcomes = []
    runner = threading.Thread(target=lambda: outcomes.append(
        run_communique("--seeds", str(seeds), "--output", str(output))), daemon=True)
    runner.start()
    runner.join(timeout=240)
    assert not runner.is_alive(), "the run hung"
    (outcome,) = outcomes
    rejects = {row["source_uri"]: row for row in read_table(str(output), "rejects").to_pylist()}
    assert {uri: row["reason"] for uri, row in rejects.items()} == EXPECTED_UNUSABLE
    assert all(row["raw_excerpt"] == "" for row in rejects.values())
    assert outcome.counters["inputs_unusable"] == len(EXPECTED_UNUSABLE)
    assert outcome.rows_written["articles"] == 1
    counters = outcome.counters
    assert counters["items_read"] == 1 + counters.get("duplicates", 0) + counters["items_rejected"]


def test_the_streaming_poll_rejects_each_unusable_entry_once(tmp_path, capsys):
    """The streaming job lists the seeds directory at every poll: a FIFO or a broken link is one reject
    for the whole job (before: the FIFO was listed as a seed file and its read blocked the job)."""
    from pipeline.cli import main

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_DOCUMENT, seeds / "good.txt")
    os.mkfifo(seeds / "pipe.txt")
    (seeds / "dangling.txt").symlink_to(seeds / "nowhere.txt")
    output = tmp_path / "out"
    codes = []
    runner = threading.Thread(target=lambda: codes.append(main(
        ["run", "--quiet", "--streaming", "--max-polls", "2", "--interval", "0.5", "--window", "60",
         "--seeds", str(seeds), "--output", str(output)])), daemon=True)
    runner.start()
    runner.join(timeout=240)
    assert not runner.is_alive(), "the streaming job hung"
    assert codes == [3]
    rejects = read_table(str(output), "rejects").to_pylist()
    assert sorted((row["source_uri"], row["reason"]) for row in rejects) == [
        ("dangling.txt", "broken_link"), ("pipe.txt", "not_a_regular_file")]
    assert read_table(str(output), "articles").num_rows == 1
