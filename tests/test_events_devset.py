"""The events dev set score must not drop: precision, recall and F1 of (root, source, target country)."""

from __future__ import annotations

import collections

import pytest

from tests.devsets.events_devset import load_devset, score
from transforms.events.coder import EventCoder

# Reached 0.980 F1 (P 0.982, R 0.979) when the dev set was written; the margin absorbs deliberate
# trade-offs, not regressions. Raise it when the coder gets better.
MIN_F1 = 0.95
MIN_PRECISION = 0.94
MIN_RECALL = 0.94
# With the actors from the real actor matcher (actor stage + coder) it reached 0.937 F1 (P 0.961,
# R 0.914): the matcher leaves unnamed groups ("protesters", "the militia") untagged. A wider margin,
# since a change in the actor lexicons moves it too.
MIN_F1_WITH_MATCHER = 0.88


@pytest.fixture(scope="module")
def devset():
    return load_devset()


def test_devset_is_big_and_covers_every_root_and_hard_case(devset):
    assert len(devset) >= 200
    gold_roots = collections.Counter(triple[0] for item in devset for triple in item.gold)
    assert set(gold_roots) == {f"{n:02d}" for n in range(1, 21)}
    prefixes = collections.Counter(item.item_id[0] for item in devset)
    assert prefixes["h"] >= 60  # passives, negation, quotes, lists, metonymy, clauses
    assert sum(1 for item in devset if not item.gold) >= 15  # sentences that must code nothing


def test_devset_score_does_not_drop(devset):
    overall, by_root, errors = score(EventCoder.load(), devset)
    report = "\n".join(f"{item_id}: gold {gold} got {got}" for item_id, _, gold, got in errors)
    assert overall.f1 >= MIN_F1, f"F1 {overall.f1:.3f} < {MIN_F1}\n{report}"
    assert overall.precision >= MIN_PRECISION, report
    assert overall.recall >= MIN_RECALL, report
    assert all(value.f1 >= 0.6 for value in by_root.values()), by_root


def test_devset_score_with_the_real_actor_matcher(devset):
    from transforms.entities.matcher import ActorMatcher

    overall, _, errors = score(EventCoder.load(), devset, ActorMatcher.load())
    report = "\n".join(f"{item_id}: gold {gold} got {got}" for item_id, _, gold, got in errors)
    assert overall.f1 >= MIN_F1_WITH_MATCHER, f"F1 {overall.f1:.3f} < {MIN_F1_WITH_MATCHER}\n{report}"
