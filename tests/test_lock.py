"""One writer per output directory: a second run exits at once with its own code; stale locks are taken
over."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time

import pytest

from outputs.lock import LOCK_NAME, LockHolder, OutputLock, OutputLocked
from outputs.tables import read_table
from pipeline.cli import main
from pipeline.commands.exitcodes import EXIT_LOCKED


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _record(pid: int, host: str | None = None, process_start: str | None = None) -> str:
    return json.dumps({"pid": pid, "host": host or socket.gethostname(), "command": "communique run old",
                       "acquired_at": "2024-06-01T12:00:00+00:00", "process_start": process_start})


def test_a_second_run_exits_at_once_with_the_lock_code(seed_only, tmp_path):
    output = tmp_path / "out"
    with OutputLock(str(output), "communique run holder"):
        started = time.monotonic()
        refused = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "run", "--seeds", str(seed_only), "--output", str(output)],
            capture_output=True, text=True, check=False, timeout=120)
        waited = time.monotonic() - started
    assert refused.returncode == EXIT_LOCKED == 75
    assert f"pid {os.getpid()} on host {socket.gethostname()}" in refused.stderr
    assert "communique run holder" in refused.stderr and "try again" in refused.stderr
    assert waited < 30  # it did not wait for the holder (the interpreter start is most of this)
    assert not (output / "articles").exists() and not (output / "_staging").exists()
    # Released: the same run now goes through, and leaves no lock behind.
    assert main(["run", "--quiet", "--seeds", str(seed_only), "--output", str(output)]) == 0
    assert read_table(str(output), "articles").num_rows == 1
    assert not (output / LOCK_NAME).exists()


def test_the_lock_excludes_a_second_holder_in_the_same_process_and_is_reusable(tmp_path):
    first = OutputLock(str(tmp_path), "first")
    first.acquire()
    with pytest.raises(OutputLocked) as refused:
        OutputLock(str(tmp_path), "second").acquire()
    assert refused.value.holder is not None and refused.value.holder.command == "first"
    first.release()
    first.release()  # idempotent
    with OutputLock(str(tmp_path), "third") as third:
        assert third.took_over is None
        holder = LockHolder.from_json((tmp_path / LOCK_NAME).read_bytes())
        assert holder is not None and holder.command == "third" and holder.pid == os.getpid()


def test_a_stale_lock_of_a_dead_process_is_taken_over_with_a_warning(seed_only, tmp_path, caplog):
    output = tmp_path / "out"
    output.mkdir()
    dead = _dead_pid()
    (output / LOCK_NAME).write_text(_record(dead))
    with caplog.at_level(logging.WARNING, logger="outputs.lock"):
        assert main(["run", "--quiet", "--seeds", str(seed_only), "--output", str(output)]) == 0
    warning = " ".join(record.getMessage() for record in caplog.records)
    assert "taking over the stale lock" in warning and f"pid {dead}" in warning
    assert read_table(str(output), "articles").num_rows == 1
    assert not (output / LOCK_NAME).exists()


def test_an_empty_or_torn_lock_record_is_stale(tmp_path):
    (tmp_path / LOCK_NAME).write_text('{"pid": 12')  # a writer killed while writing its record
    with OutputLock(str(tmp_path), "next") as lock:
        assert lock.took_over is None  # nobody to name, but taken over all the same


def test_a_record_naming_a_live_process_is_honoured_even_without_flock(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK_NAME).write_text(_record(sleeper.pid))
        with pytest.raises(OutputLocked) as refused:
            OutputLock(str(tmp_path), "second").acquire()
        assert f"pid {sleeper.pid}" in str(refused.value)
    finally:
        sleeper.kill()
        sleeper.wait()
    with OutputLock(str(tmp_path), "third") as lock:  # now it is gone
        assert lock.took_over is not None and lock.took_over.pid == sleeper.pid


def test_liveness_by_pid_host_and_process_start():
    me = LockHolder.me("me")
    assert not me.is_gone()
    assert LockHolder.from_json(_record(_dead_pid()).encode()).is_gone()
    if me.process_start is not None:  # Linux /proc: a reused pid is told apart by its start time
        reused = LockHolder.from_json(_record(os.getpid(), process_start="1").encode())
        assert reused.is_gone()
    elsewhere = LockHolder.from_json(_record(_dead_pid(), host="another-host.example").encode())
    assert not elsewhere.is_gone()  # another host's process cannot be checked from here
    assert LockHolder.from_json(b"") is None and LockHolder.from_json(b"[1, 2]") is None


@pytest.mark.parametrize(("command", "says"), [("run", "75 another run holds the output directory"),
                                               ("compact", "75 a run holds the output directory"),
                                               ("watch", "finds the output directory in use")])
def test_help_says_what_happens_when_the_output_is_locked(command, says, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert says in " ".join(capsys.readouterr().out.split())
