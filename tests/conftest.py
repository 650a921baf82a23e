"""Shared fixtures: small seed directories and a way to run the whole job into a temporary output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import _parser
from pipeline.options import build_run_config
from pipeline.run import run_job

DATA = Path(__file__).parent / "data"
PROJECT_SEEDS = Path(__file__).parent.parent / "seeds"
SEED_DOCUMENT = PROJECT_SEEDS / "000_12a811ebe4c5a001.txt"
FIXED_TIMESTAMP = "2024-06-01T12:00:00Z"

TABLES_COMPARED = ("articles", "entities", "dates", "events", "event_daily", "rejects", "feed_fetches")
# Between runners: the run id hashes the options, and so the runner flags, and a reject's id hashes its
# run; a fetch's time and duration are the moment's. Nothing else may differ.
RUN_COLUMNS = {"run_id", "reject_id", "fetched_at", "elapsed_ms"}


def comparable_rows(output, table: str) -> list[tuple]:
    """The rows of ``table`` under ``output``, sorted, without the columns that name the run."""
    from outputs.tables import read_table

    rows = read_table(str(output), table).to_pylist()
    return sorted(tuple((name, repr(value)) for name, value in sorted(row.items()) if name not in RUN_COLUMNS)
                  for row in rows)


def run_communique(*args: str):
    """Runs ``communique run ARGS`` in-process and returns its RunOutcome."""
    parsed, beam_args = _parser().parse_known_args(["run", "--quiet", *args])
    return run_job(build_run_config(parsed, beam_args))


@pytest.fixture
def small_seeds(tmp_path: Path) -> Path:
    """A seeds directory holding good, odd and bad files (see tests/data/seeds_small)."""
    target = tmp_path / "seeds"
    shutil.copytree(DATA / "seeds_small", target)
    return target


@pytest.fixture
def seed_only(tmp_path: Path) -> Path:
    """A seeds directory with just the project's seed document."""
    target = tmp_path / "seed_only"
    target.mkdir()
    shutil.copy(SEED_DOCUMENT, target / SEED_DOCUMENT.name)
    return target
