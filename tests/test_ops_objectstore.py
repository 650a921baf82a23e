"""Runs, locks, commits, recovery and compaction on an object store, through Beam's FileSystems only.

``memobj://`` is a Beam filesystem defined here with an object store's manners (like gs:// and s3://): no
directories, a rename is a copy then a delete, a "directory" exists only as a prefix of object names.
It keeps objects in memory, so the pipeline runs on the in-process runner. Any code path that used
``os`` on an output path, or relied on directories or atomic renames, fails or leaves traces here.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from typing import ClassVar

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.io.filesystem import BeamIOError, FileMetadata, FileSystem

from outputs.commit import MANIFEST, OutputDir
from outputs.compact import compact
from outputs.event_daily import rebuild_event_daily
from outputs.lock import LOCK_NAME, OutputLock, OutputLocked
from outputs.tablefiles import read_file_rows
from outputs.tables import table_files
from pipeline.cli import main
from pipeline.commands.exitcodes import EXIT_LOCKED
from tests.conftest import run_communique

SCHEME = "memobj"


class _Upload(io.BytesIO):
    """An object being written: it appears, whole, when closed (as on GCS and S3)."""

    def __init__(self, store: dict, path: str):
        super().__init__()
        self._store, self._path = store, path

    def close(self) -> None:
        if not self.closed:
            self._store[self._path] = (self.getvalue(), time.time())
        super().close()


class MemoryObjectStore(FileSystem):
    objects: ClassVar[dict[str, tuple[bytes, float]]] = {}

    @classmethod
    def scheme(cls):
        return SCHEME

    def join(self, basepath, *paths):
        return "/".join([basepath.rstrip("/"), *(path.strip("/") for path in paths)])

    def split(self, path):
        head, _, tail = path.rstrip("/").rpartition("/")
        return head, tail

    def mkdirs(self, path):
        pass  # no directories

    def has_dirs(self):
        return False

    def _list(self, dir_or_prefix):
        for path, (data, updated) in sorted(self.objects.items()):
            if path.startswith(dir_or_prefix):
                yield FileMetadata(path, len(data), updated)

    def create(self, path, mime_type="application/octet-stream", compression_type=None):
        return _Upload(self.objects, path)

    def open(self, path, mime_type="application/octet-stream", compression_type=None):
        if path not in self.objects:
            raise BeamIOError("Open failed", {path: FileNotFoundError(path)})
        return io.BytesIO(self.objects[path][0])

    def copy(self, source_file_names, destination_file_names):
        for source, destination in zip(source_file_names, destination_file_names, strict=True):
            if source not in self.objects:
                raise BeamIOError("Copy failed", {(source, destination): FileNotFoundError(source)})
            self.objects[destination] = (self.objects[source][0], time.time())

    def rename(self, source_file_names, destination_file_names):
        self.copy(source_file_names, destination_file_names)  # not atomic, as on object stores
        self.delete(source_file_names)

    def exists(self, path):
        return path in self.objects

    def size(self, path):
        return len(self.objects[path][0])

    def last_updated(self, path):
        return self.objects[path][1]

    def checksum(self, path):
        return str(hash(self.objects[path][0]))

    def metadata(self, path):
        data, updated = self.objects[path]
        return FileMetadata(path, len(data), updated)

    def delete(self, paths):
        missing = {path: FileNotFoundError(path) for path in paths if path not in self.objects}
        for path in paths:
            self.objects.pop(path, None)
        if missing:
            raise BeamIOError("Delete failed", missing)

    def report_lineage(self, path, lineage):
        pass


@pytest.fixture
def bucket():
    MemoryObjectStore.objects.clear()
    yield f"{SCHEME}://bucket/communique"
    MemoryObjectStore.objects.clear()


def _rows(output: str, table: str) -> list[dict]:
    return [row for path in table_files(output, table) for row in read_file_rows(path)]


def _keys() -> list[str]:
    return sorted(MemoryObjectStore.objects)


def test_a_run_and_a_rerun_on_an_object_store(small_seeds, bucket, tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # a stray local directory named after the URL would appear here
    outcome = run_communique("--seeds", str(small_seeds), "--output", bucket)
    assert outcome.rows_written["articles"] == 6
    assert len(_rows(bucket, "articles")) == 6 and len(_rows(bucket, "rejects")) == 4
    assert not any("/_staging/" in key for key in _keys())
    assert f"{bucket}/{LOCK_NAME}" not in MemoryObjectStore.objects  # released
    assert any(key.startswith(f"{bucket}/_commits/") for key in _keys())
    assert os.listdir(workdir) == []

    again = run_communique("--seeds", str(small_seeds), "--output", bucket)
    assert again.rows_written["articles"] == 0
    assert len(_rows(bucket, "articles")) == 6
    assert len(_rows(bucket, "runs")) == 2


def _lock_record(pid: int, host: str) -> bytes:
    return json.dumps({"pid": pid, "host": host, "command": "communique run elsewhere",
                       "acquired_at": "2024-06-01T12:00:00+00:00"}).encode()


def test_lock_objects_stale_and_live(seed_only, bucket, capsys):
    lock_path = f"{bucket}/{LOCK_NAME}"
    MemoryObjectStore.objects[lock_path] = (_lock_record(4_000_000, "another-host.example"), time.time())
    assert main(["run", "--quiet", "--seeds", str(seed_only), "--output", bucket]) == EXIT_LOCKED
    message = capsys.readouterr().err
    assert "another-host.example" in message and f"delete {lock_path}" in message

    # A lock left on this host by a process that is gone is taken over.
    dead = _finished_pid()
    MemoryObjectStore.objects[lock_path] = (_lock_record(dead, socket.gethostname()), time.time())
    assert main(["run", "--quiet", "--seeds", str(seed_only), "--output", bucket]) == 0
    assert lock_path not in MemoryObjectStore.objects
    assert len(_rows(bucket, "articles")) == 1

    # Two writers on this host are kept apart even before either has written its lock object.
    with OutputLock(bucket, "first"), pytest.raises(OutputLocked):
        OutputLock(bucket, "second").acquire()


def _finished_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_interrupted_commit_is_hidden_then_completed_on_an_object_store(bucket):
    output = OutputDir(bucket)
    staged = [f"articles/published_date=2024-01-0{day}/part-r1-0000.parquet" for day in (1, 2, 3)]
    for relative in staged:
        buffer = io.BytesIO()
        pq.write_table(pa.table({"article_id": [relative[-30:]]}), buffer)
        MemoryObjectStore.objects[f"{bucket}/_staging/r1/{relative}"] = (buffer.getvalue(), time.time())
    manifest = {"format": 2, "id": "r1", "removes": [],
                "moves": [[f"_staging/r1/{relative}", relative] for relative in staged]}
    MemoryObjectStore.objects[f"{bucket}/_staging/r1/{MANIFEST}"] = (json.dumps(manifest).encode(), 0.0)
    # The commit had copied one file and not yet deleted its source, then died.
    source = f"{bucket}/_staging/r1/{staged[0]}"
    MemoryObjectStore.objects[f"{bucket}/{staged[0]}"] = MemoryObjectStore.objects[source]

    assert table_files(bucket, "articles") == []  # readers see the table as before the commit
    with OutputLock(bucket, "recovery"):
        assert output.recover() == ["r1"]
    assert [path[len(bucket) + 1:] for path in table_files(bucket, "articles")] == staged
    assert not any("/_staging/" in key for key in _keys())


def test_compaction_on_an_object_store(small_seeds, bucket):
    for hour in ("12", "13"):
        run_communique("--seeds", str(small_seeds), "--output", bucket, "--run-timestamp",
                       f"2024-06-01T{hour}:00:00Z")
    before = sorted(json.dumps(row, sort_keys=True, default=str) for row in _rows(bucket, "runs"))
    assert len(table_files(bucket, "runs")) == 2
    results = {result.table: result for result in compact(bucket)}
    assert results["runs"].files_before == 2 and results["runs"].files_after == 1
    assert len(table_files(bucket, "runs")) == 1
    assert sorted(json.dumps(row, sort_keys=True, default=str) for row in _rows(bucket, "runs")) == before


def _sorted_rows(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: repr(sorted(row.items())))


def test_event_daily_is_rebuilt_on_an_object_store_as_on_a_local_directory(small_seeds, bucket, tmp_path):
    local = str(tmp_path / "local")
    stamp = ("--run-timestamp", "2021-11-01T00:00:00Z")
    on_bucket = run_communique("--seeds", str(small_seeds), "--output", bucket, *stamp)
    on_disk = run_communique("--seeds", str(small_seeds), "--output", local, *stamp)
    daily = _rows(bucket, "event_daily")
    assert daily
    assert on_bucket.rows_written["event_daily"] == len(daily) == on_disk.rows_written["event_daily"]
    assert _sorted_rows(daily) == _sorted_rows(_rows(local, "event_daily"))
    assert sum(row["num_mentions"] for row in daily) == len(_rows(bucket, "events"))
    assert f"{bucket}/_event_daily.stale" not in MemoryObjectStore.objects
    assert not any("/_staging/" in key for key in _keys())

    # A rebuild swaps the whole table in one commit: the same rows, no file of the old table left over.
    before = [key for key in _keys() if key.startswith(f"{bucket}/event_daily/")]
    assert rebuild_event_daily(bucket) == len(daily)
    after = [key for key in _keys() if key.startswith(f"{bucket}/event_daily/")]
    assert len(after) == len(before) and not set(after) & set(before)
    assert _sorted_rows(_rows(bucket, "event_daily")) == _sorted_rows(daily)
