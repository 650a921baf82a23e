"""The events held-out set (``events_heldout.tsv``) is well formed: scored, never fitted.

Only the shape of the set is checked here (every item parses, ids are unique, every CAMEO root appears in the
gold, enough items that must code nothing, every actor mark has a code); the coder's score on it is not.
"""

from __future__ import annotations

import collections
import pathlib
import re

import pytest

from tests.devsets.events_devset import load_devset, parse_item

HELDOUT = pathlib.Path(__file__).parent / "devsets" / "events_heldout.tsv"
_ANY_MARK = re.compile(r"\[[^\[\]]*\]")
_FULL_MARK = re.compile(r"^\[[^\[\]|]+\|[A-Z]{3,9}(?:\|[A-Z]+)?(?:\|(?:[A-Z]{3}|-))?\]$")


def _rows() -> list[list[str]]:
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def heldout():
    return load_devset(HELDOUT)


def test_every_row_has_three_fields_and_parses():
    rows = _rows()
    assert len(rows) == 160
    for row in rows:
        assert len(row) == 3, row
        item = parse_item(*row)
        assert item.sentences, row[0]


def test_ids_are_unique_and_numbered(heldout):
    ids = [item.item_id for item in heldout]
    assert len(ids) == len(set(ids))
    assert ids == [f"x{number:03d}" for number in range(1, len(ids) + 1)]


def test_every_root_appears_in_gold(heldout):
    items_per_root = collections.Counter(
        root for item in heldout for root in {triple[0] for triple in item.gold})
    assert set(items_per_root) == {f"{number:02d}" for number in range(1, 21)}
    assert min(items_per_root.values()) >= 5, items_per_root


def test_enough_items_code_nothing(heldout):
    assert sum(1 for item in heldout if not item.gold) >= 25


def test_every_actor_mark_has_a_code(heldout):
    for item_id, text, _ in _rows():
        marks = _ANY_MARK.findall(text)
        assert marks, item_id
        bad = [mark for mark in marks if not _FULL_MARK.match(mark)]
        assert not bad, f"{item_id}: malformed actor marks {bad}"
    for item in heldout:
        assert "[" not in item.text and "]" not in item.text, item.item_id
        assert all(entity["actor_code"] for entity in item.entities), item.item_id


def test_gold_actors_are_marked_in_the_text(heldout):
    for item in heldout:
        codes = {entity["country_code"] or entity["actor_code"] for entity in item.entities}
        for _, source, target in item.gold:
            assert source in codes, (item.item_id, source)
            assert target == "-" or target in codes, (item.item_id, target)
