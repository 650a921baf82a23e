"""The same tables, row for row, from every runner communique documents for use here."""

from __future__ import annotations

import shutil

import pytest

from outputs.tables import read_table
from tests.conftest import (
    DATA,
    FIXED_TIMESTAMP,
    SEED_DOCUMENT,
    TABLES_COMPARED,
    comparable_rows,
    run_communique,
)

RUNNERS = {
    "default": [],
    "fn_api": ["--runner=FnApiRunner"],
    "multi_processing": ["--direct_running_mode=multi_processing", "--direct_num_workers=2"],
    "portable_loopback": ["--runner=PortableRunner", "--job_endpoint=embed", "--environment_type=LOOPBACK"],
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runners")
    seeds = root / "seeds"
    shutil.copytree(DATA / "seeds_small", seeds)
    shutil.copy(SEED_DOCUMENT, seeds / SEED_DOCUMENT.name)  # an article with entities and events
    results = {}
    for name, flags in RUNNERS.items():
        output = root / name
        outcome = run_communique("--seeds", str(seeds), "--output", str(output), "--run-timestamp",
                                 FIXED_TIMESTAMP, *flags)
        results[name] = (output, outcome)
    return results


@pytest.mark.parametrize("runner", [name for name in RUNNERS if name != "default"])
def test_runner_writes_the_same_tables_as_the_default(outputs, runner):
    default_output, default_outcome = outputs["default"]
    output, outcome = outputs[runner]
    for table in TABLES_COMPARED:
        assert comparable_rows(output, table) == comparable_rows(default_output, table), table
    assert outcome.counters["items_read"] == default_outcome.counters["items_read"] == 12
    assert outcome.rows_written == default_outcome.rows_written
    assert outcome.rejects_by_reason == default_outcome.rejects_by_reason


def test_the_small_corpus_fills_every_content_table(outputs):
    output, outcome = outputs["default"]
    for table in ("articles", "entities", "dates", "events", "rejects"):
        assert read_table(str(output), table).num_rows > 0, table
    assert outcome.rows_written["articles"] == 7  # 004_no_date_line.txt is a malformed_header reject
