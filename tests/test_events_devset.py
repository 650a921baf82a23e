"""The events dev set score must not drop: precision, recall and F1 of (root, source, target country)."""

from __future__ import annotations

import collections

import pytest

from tests.devsets.events_devset import HELDOUT, load_devset, score
from transforms.events.coder import EventCoder

# The dev set was written beside the first, pattern-based coder (which reached 0.98 on it). The parse-based
# coder (Events v2) reaches F1 0.768 (P 0.851, R 0.700) on it with gold actors and 0.686 with the real actor
# matcher; the held-out set (written independently of the coder, scored and never fitted) 0.648. Acts done to
# someone are no longer coded without a target (the convention of the independent corpus), which costs
# recall on the dev set's one-sentence items. The margins absorb deliberate trade-offs, not regressions.
# Raise them when the coder gets better.
MIN_F1 = 0.72
MIN_PRECISION = 0.78
MIN_RECALL = 0.66
MIN_F1_WITH_MATCHER = 0.64
MIN_F1_HELDOUT = 0.60


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
    assert sum(1 for value in by_root.values() if value.true_positives) >= 18, by_root  # nearly every root


def test_devset_score_with_the_real_actor_matcher(devset):
    from transforms.entities.matcher import ActorMatcher

    overall, _, errors = score(EventCoder.load(), devset, ActorMatcher.load())
    report = "\n".join(f"{item_id}: gold {gold} got {got}" for item_id, _, gold, got in errors)
    assert overall.f1 >= MIN_F1_WITH_MATCHER, f"F1 {overall.f1:.3f} < {MIN_F1_WITH_MATCHER}\n{report}"


def test_heldout_score_does_not_drop():
    heldout = load_devset(HELDOUT)
    overall, _, errors = score(EventCoder.load(), heldout)
    report = "\n".join(f"{item_id}: gold {gold} got {got}" for item_id, _, gold, got in errors)
    assert overall.f1 >= MIN_F1_HELDOUT, f"F1 {overall.f1:.3f} < {MIN_F1_HELDOUT}\n{report}"
