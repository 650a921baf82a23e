"""The events dev set (``events_dev.tsv``): loader and scorer.

Each item is one or more sentences with the actors marked inline, ``[surface|ACTOR_CODE|TYPE|COUNTRY]``
(TYPE defaults to COUNTRY, COUNTRY to the first three letters of the code, ``-`` for none), and gold events
``ROOT:SOURCE>TARGET`` where SOURCE/TARGET are country codes (the actor code when the actor has no
country, ``-`` for no target). The marked actors become the entity rows the coder reads — the gold actors
are given, so the score measures the events coder alone, not the actor matcher.

Run ``python -m tests.devsets.events_devset`` to print precision, recall and F1 of (root, source country,
target country), overall and per root, and the items the coder gets wrong (``-v``); ``--matcher`` takes
the actors from the real actor matcher instead (actor stage + coder together).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import pathlib
import re
import sys

from transforms.common.document import Sentence
from transforms.events.coder import EventCoder

DEVSET = pathlib.Path(__file__).with_name("events_dev.tsv")
PUBLISHED = dt.date(2024, 3, 15)
_MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]{3,9})(?:\|([A-Z]+))?(?:\|([A-Z]{3}|-))?\]")
_GOLD = re.compile(r"^(\d\d):([A-Z]{3,9})>([A-Z]{3,9}|-)$")

Triple = tuple[str, str, str]


@dataclasses.dataclass
class Item:
    item_id: str
    text: str
    sentences: list[Sentence]
    entities: list[dict]
    gold: list[Triple]


def parse_item(item_id: str, marked: str, gold_text: str) -> Item:
    article_id = f"dev-{item_id}"
    parts = marked.split(" || ")
    text, entities, sentences = "", [], []
    for index, part in enumerate(parts):
        if text:
            text += " "
        start = len(text)
        cursor = 0
        for match in _MARK.finditer(part):
            text += part[cursor:match.start()]
            surface, code, entity_type, country = match.groups()
            entity_type = entity_type or "COUNTRY"
            country = None if country == "-" else (country or code[:3])
            mention_start = len(text)
            text += surface
            entities.append({
                "article_id": article_id, "sentence_index": index, "char_start": mention_start,
                "char_end": len(text), "text": surface, "entity_type": entity_type, "name": surface,
                "actor_code": code, "country_code": country,
                "role": code[3:] or None, "published_date": PUBLISHED})
            cursor = match.end()
        text += part[cursor:]
        sentences.append(Sentence(index, start, len(text), text[start:]))
    gold: list[Triple] = []
    if gold_text.strip() != "none":
        for event in gold_text.split(";"):
            match = _GOLD.match(event.strip())
            if match is None:
                raise ValueError(f"dev set item {item_id}: bad gold event {event!r} (want ROOT:SRC>TGT)")
            gold.append(match.groups())
    return Item(item_id, text, sentences, entities, gold)


def load_devset(path: pathlib.Path = DEVSET) -> list[Item]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{path.name} line {number}: need 3 tab-separated fields, got {len(fields)}")
        items.append(parse_item(*fields))
    return items


def predict(coder: EventCoder, item: Item, matcher=None) -> list[Triple]:
    """The coder's triples for ``item``; with ``matcher`` (an ActorMatcher) the entity rows come from the
    real actor stage instead of the gold marks."""
    article = {"article_id": f"dev-{item.item_id}", "text": item.text, "published_date": PUBLISHED}
    entities = item.entities
    if matcher is not None:
        entities = matcher.match(item.text, item.sentences, PUBLISHED, article["article_id"])
    rows = coder.code_document(article, item.sentences, entities, [])
    return [(row["cameo_root"], row["source_country"] or row["source_actor"],
             row["target_country"] or row["target_actor"] or "-") for row in rows]


@dataclasses.dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(coder: EventCoder, items: list[Item], matcher=None) -> tuple[Score, dict[str, Score], list[tuple]]:
    """Micro-averaged P/R/F1 over (root, source country, target country) triples, matched as multisets
    per item; also per gold/predicted root, and the items with errors."""
    overall = Score()
    by_root: dict[str, Score] = collections.defaultdict(Score)
    errors = []
    for item in items:
        predicted = collections.Counter(predict(coder, item, matcher))
        gold = collections.Counter(item.gold)
        hits = predicted & gold
        overall.true_positives += sum(hits.values())
        overall.predicted += sum(predicted.values())
        overall.gold += sum(gold.values())
        for triple, count in predicted.items():
            by_root[triple[0]].predicted += count
        for triple, count in gold.items():
            by_root[triple[0]].gold += count
        for triple, count in hits.items():
            by_root[triple[0]].true_positives += count
        if predicted != gold:
            errors.append((item.item_id, item.text, sorted(gold.elements()), sorted(predicted.elements())))
    return overall, dict(sorted(by_root.items())), errors


HELDOUT = pathlib.Path(__file__).with_name("events_heldout.tsv")


def main(argv: list[str]) -> int:
    coder = EventCoder.load()
    items = load_devset(HELDOUT if "--heldout" in argv else DEVSET)
    matcher = None
    if "--matcher" in argv:
        from transforms.entities.matcher import ActorMatcher

        matcher = ActorMatcher.load()
    overall, by_root, errors = score(coder, items, matcher)
    actors = "actors from the actor matcher" if matcher else "gold actors"
    print(f"events dev set ({actors}): {len(items)} items, {overall.gold} gold events, "
          f"{overall.predicted} predicted")
    print(f"precision {overall.precision:.3f}  recall {overall.recall:.3f}  F1 {overall.f1:.3f}")
    for root, value in by_root.items():
        print(f"  root {root}: P {value.precision:.2f} R {value.recall:.2f} F1 {value.f1:.2f} "
              f"(gold {value.gold}, predicted {value.predicted})")
    if "-v" in argv:
        for item_id, text, gold, predicted in errors:
            print(f"\n{item_id}: {text}\n  gold {gold}\n  got  {predicted}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
