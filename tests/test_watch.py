"""communique watch: a poll per interval over inputs that change, one line each, a clean stop on a real
signal."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outputs.commit import STAGING
from outputs.lock import LOCK_NAME, OutputLock
from outputs.tables import read_table
from pipeline.cli import _parser
from pipeline.commands.exitcodes import EXIT_FAILED
from pipeline.options import build_run_config
from pipeline.watch import ABORTED_STATUS, Watcher
from tests import feedserver
from tests.conftest import DATA, SEED_DOCUMENT

STORIES = [
    ("Ghana and Togo sign fisheries accord", "https://desk.example.net/2024/06/ghana-togo",
     "Ministers from Accra and Lomé signed an accord on shared fishing grounds on Monday."),
    ("Chile hosts Pacific trade ministers", "https://desk.example.net/2024/06/chile-trade",
     "Trade ministers from eleven Pacific economies met in Santiago to discuss tariffs."),
    ("Norway offers to host Sudan talks", "https://desk.example.net/2024/06/norway-sudan",
     "Norway offered on Wednesday to host talks between the warring parties in Sudan."),
]


class ChangingFeed:
    """An RSS feed whose stories the test sets between polls; it answers 304 to a matching ETag."""

    def __init__(self, server: feedserver.FeedServer, path: str = "/desk.rss"):
        self.stories = STORIES[:2]
        self.statuses: list[int] = []
        self.url = server.url(path)
        server.route(path, self._serve)

    def _serve(self, handler) -> None:
        body = feedserver.rss(self.stories).encode("utf-8")
        etag = f'"v{len(self.stories)}"'
        if handler.headers.get("If-None-Match") == etag:
            self.statuses.append(304)
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        self.statuses.append(200)
        handler.send_body(200, body, headers={"ETag": etag})


@pytest.fixture
def server():
    running = feedserver.FeedServer().start()
    yield running
    running.stop()


def _config_factory(*args: str):
    parsed, beam_args = _parser().parse_known_args(["run", "--quiet", *args])

    def config_at(started_at):
        parsed.run_timestamp = started_at.isoformat()
        return build_run_config(parsed, beam_args)
    return config_at


def test_each_poll_processes_only_what_is_new(server, tmp_path):
    feed = ChangingFeed(server)
    output = tmp_path / "out"

    def change_inputs(poll):
        if poll.number == 1:
            feed.stories = STORIES  # a third story appears

    lines = io.StringIO()
    watcher = Watcher(_config_factory("--no-seeds", "--feed", feed.url, "--output", str(output)),
                      interval_s=0.2, max_polls=3, out=lines, after_poll=change_inputs)
    assert watcher.run() is True

    assert [poll.outcome.counters.get("articles_new", 0) for poll in watcher.polls] == [2, 1, 0]
    assert feed.statuses == [200, 200, 304]  # the third poll sent the stored ETag and got nothing new
    printed = lines.getvalue().splitlines()
    assert len(printed) == 3
    assert " poll 1 run " in printed[0] and ": 2 new articles" in printed[0] and "[ok]" in printed[0]
    assert ": 0 new articles (0 items read" in printed[2]
    articles = read_table(str(output), "articles").to_pylist()
    assert sorted(row["title"] for row in articles) == sorted(title for title, _, _ in STORIES)
    runs = read_table(str(output), "runs").column("run_id").to_pylist()
    assert sorted(runs) == sorted(poll.outcome.run_id for poll in watcher.polls)  # one run per poll
    fetches = {row["run_id"]: row for row in read_table(str(output), "feed_fetches").to_pylist()}
    assert fetches[watcher.polls[2].outcome.run_id]["not_modified"] is True


def test_a_poll_finding_the_output_in_use_is_skipped_and_a_failed_one_reported(seed_only, tmp_path):
    output = tmp_path / "out"
    lines = io.StringIO()
    config_at = _config_factory("--seeds", str(seed_only), "--output", str(output))
    with OutputLock(str(output), "communique compact"):
        watcher = Watcher(config_at, interval_s=0.05, max_polls=1, out=lines)
        assert watcher.run() is True
    assert watcher.polls[0].status == "skipped"
    assert "poll 1: SKIPPED" in lines.getvalue() and "communique compact" in lines.getvalue()

    def broken_run(config):
        raise OSError("disk full")

    failing = Watcher(config_at, interval_s=0.05, max_polls=2, out=lines, run=broken_run)
    assert failing.run() is False
    assert [poll.status for poll in failing.polls] == ["failed", "failed"]
    assert "OSError: disk full" in lines.getvalue()
    assert not (output / "articles").exists()


def _start_watch(seeds: Path, output: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "watch", "--interval", "300", "--seeds", str(seeds),
         "--output", str(output), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_signals_finish_the_poll_stop_the_wait_or_abort(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    busy_out, idle_out, abort_out = tmp_path / "busy", tmp_path / "idle", tmp_path / "abort"
    busy = _start_watch(seeds, busy_out)
    idle = _start_watch(seeds, idle_out)
    abort = None
    try:
        # Ctrl-C (SIGINT to the process group) while the first poll writes: the poll is finished and
        # committed, then the watcher exits.
        assert _wait_for(lambda: (busy_out / STAGING).exists(), timeout=120)
        os.killpg(busy.pid, signal.SIGINT)
        signalled = time.monotonic()
        busy_stdout, busy_stderr = busy.communicate(timeout=120)
        assert busy.returncode == 0, busy_stderr[-3000:]
        assert time.monotonic() - signalled < 90  # not the 300 s interval
        assert "SIGINT: stopping" in busy_stderr
        assert len(busy_stdout.splitlines()) == 1 and ": 6 new articles" in busy_stdout
        assert read_table(str(busy_out), "articles").num_rows == 6
        assert read_table(str(busy_out), "runs").num_rows == 1

        # SIGTERM during the wait after a poll: it stops at once.
        first_line = idle.stdout.readline()
        assert ": 6 new articles" in first_line
        idle.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        idle_stdout, idle_stderr = idle.communicate(timeout=60)
        assert idle.returncode == 0, idle_stderr[-3000:]
        assert time.monotonic() - signalled < 10
        assert idle_stdout == ""  # no second poll
        assert "stopped after 1 poll\n" in idle_stderr  # the singular (issue 16)

        # Twice during a poll: it is abandoned at once, and commits nothing.
        abort = _start_watch(seeds, abort_out)
        assert _wait_for(lambda: (abort_out / LOCK_NAME).exists(), timeout=120)
        abort.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        abort.send_signal(signal.SIGTERM)
        _, abort_stderr = abort.communicate(timeout=60)
        assert abort.returncode == 1, abort_stderr[-3000:]
        assert "aborting the poll in progress" in abort_stderr
    finally:
        for process in (busy, idle, abort):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    for output in (busy_out, idle_out):
        assert not (output / LOCK_NAME).exists()
        assert not list((output / STAGING).glob("*"))
    assert not (abort_out / "runs").exists()
    # The next writer takes over the abandoned lock and staging, and does the work.
    rerun = Watcher(_config_factory("--seeds", str(seeds), "--output", str(abort_out)), interval_s=0.05,
                    max_polls=1, out=io.StringIO())
    assert rerun.run() is True
    assert rerun.polls[0].outcome.rows_written["articles"] == 6


def test_watch_refuses_a_fixed_run_timestamp_and_bad_intervals(capsys):
    from pipeline.cli import main

    assert main(["watch", "--interval", "5", "--run-timestamp", "2024-01-01T00:00:00Z"]) == 2
    assert "each poll is stamped" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["watch", "--interval", "0"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["watch", "--interval", "5", "--max-polls", "0"])


def test_the_seed_document_added_between_polls_is_the_only_new_article(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    output = tmp_path / "out"

    def add_seed(poll):
        if poll.number == 1:
            shutil.copy(SEED_DOCUMENT, seeds / SEED_DOCUMENT.name)

    watcher = Watcher(_config_factory("--seeds", str(seeds), "--output", str(output)), interval_s=0.05,
                      max_polls=2, out=io.StringIO(), after_poll=add_seed)
    assert watcher.run() is True
    second = watcher.polls[1].outcome
    assert second.counters["articles_new"] == 1
    assert second.counters["duplicates_of_earlier_runs"] == 7  # the 6 written, and the copy of one
    assert second.rows_written["articles"] == 1
    # Only the new article went through the annotating stages: as many sentences as it has.
    new_article = next(row for row in read_table(str(output), "articles").to_pylist()
                       if row["source_uri"] == SEED_DOCUMENT.name)
    assert second.counters["sentences"] == new_article["num_sentences"] > 0


def test_an_aborted_poll_exits_with_the_failure_status_of_the_command_line():
    assert ABORTED_STATUS == EXIT_FAILED
