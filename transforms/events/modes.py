"""The word lists that decide an event's mode (negated, hedged, intended, refused, content of an appeal),
read once from ``transforms/lexicons/events/modes.yaml``. Pure module, no Beam, no spaCy."""

from __future__ import annotations

import dataclasses
import importlib.resources
from collections.abc import Mapping

import yaml

_KEYS = (
    "negating_heads",
    "refusal_heads",
    "denial_heads",
    "hedge_heads",
    "hedge_aux",
    "intent_heads",
    "intent_aux",
    "appeal_heads",
    "command_heads",
    "reporting_verbs",
    "habitual_adverbs",
    "support_verbs",
    "speaker_pronouns",
    "relative_pronouns",
    "locative_preps",
    "time_words",
    "event_nouns",
    "state_roles",
    "attack_preps",
    "killing_verbs",
    "neighbour_nouns",
    "neighbour_words",
    "self_nouns",
    "possessive_pronouns",
    "joint_words",
    "harm_verbs",
    "rehearsal_heads",
    "side_nouns",
    "territory_nouns",
    "weapon_nouns",
    "member_nouns",
    "ownership_words",
    "vehicle_nouns",
    "border_nouns",
    "front_nouns",
    "accusation_heads",
    "backer_words",
    "official_nouns",
    "prevention_heads",
    "aspect_heads",
    "document_nouns",
)


class ModesError(ValueError):
    """modes.yaml is malformed: a key is missing or unknown, or a list holds something other than words."""


@dataclasses.dataclass(frozen=True)
class Modes:
    negating_heads: frozenset[str]
    refusal_heads: frozenset[str]
    denial_heads: frozenset[str]
    hedge_heads: frozenset[str]
    hedge_aux: frozenset[str]
    intent_heads: frozenset[str]
    intent_aux: frozenset[str]
    appeal_heads: frozenset[str]
    command_heads: frozenset[str]
    reporting_verbs: frozenset[str]
    habitual_adverbs: frozenset[str]
    support_verbs: frozenset[str]
    speaker_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    locative_preps: frozenset[str]
    time_words: frozenset[str]
    event_nouns: frozenset[str]
    state_roles: frozenset[str]
    attack_preps: frozenset[str]
    killing_verbs: frozenset[str]
    neighbour_nouns: frozenset[str]
    neighbour_words: frozenset[str]
    self_nouns: frozenset[str]
    possessive_pronouns: frozenset[str]
    joint_words: frozenset[str]
    harm_verbs: frozenset[str]
    rehearsal_heads: frozenset[str]
    side_nouns: frozenset[str]
    territory_nouns: frozenset[str]
    weapon_nouns: frozenset[str]
    member_nouns: frozenset[str]
    ownership_words: frozenset[str]
    vehicle_nouns: frozenset[str]
    border_nouns: frozenset[str]
    front_nouns: frozenset[str]
    accusation_heads: frozenset[str]
    backer_words: frozenset[str]
    official_nouns: frozenset[str]
    prevention_heads: frozenset[str]
    aspect_heads: frozenset[str]
    document_nouns: frozenset[str]
    mass_killing_threshold: int = 20

    @classmethod
    def load(cls) -> Modes:
        text = (importlib.resources.files("transforms") / "lexicons" / "events" / "modes.yaml").read_text(
            encoding="utf-8"
        )
        return cls.from_mapping(yaml.safe_load(text))

    @classmethod
    def from_mapping(cls, data: Mapping) -> Modes:
        unknown = sorted(set(data) - set(_KEYS) - {"mass_killing_threshold"})
        missing = [key for key in _KEYS if key not in data]
        if unknown or missing:
            raise ModesError(f"modes.yaml: unknown keys {unknown}, missing keys {missing}")
        lists = {}
        for key in _KEYS:
            words = data[key]
            if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
                raise ModesError(f"modes.yaml: {key} must be a list of words (quote yes/no/on/off)")
            lists[key] = frozenset(word.lower() for word in words)
        return cls(**lists, mass_killing_threshold=int(data.get("mass_killing_threshold", 20)))


def load_code_maps() -> dict[str, dict]:
    """``intent_codes``, ``refusal_codes`` and ``complement_codes`` of ``code_maps.yaml``: what an intended,
    refused or requested act becomes. Keys are code prefixes (the longest matching prefix wins)."""
    text = (importlib.resources.files("transforms") / "lexicons" / "events" / "code_maps.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    maps = {}
    for key in (
        "intent_codes",
        "refusal_codes",
        "complement_codes",
        "armed_protest_codes",
        "domestic_codes",
        "hosted_codes",
        "dyadic_roots",
    ):
        table = data.get(key)
        if not isinstance(table, dict):
            raise ModesError(f"code_maps.yaml: {key} must be a mapping of code prefixes")
        maps[key] = {
            str(prefix): (value if isinstance(value, dict) else str(value)) for prefix, value in table.items()
        }
    return maps


def load_unnamed() -> dict[str, str]:
    """``unnamed.yaml``: noun lemma -> role code for people and places no one names ("nine patients")."""
    text = (importlib.resources.files("transforms") / "lexicons" / "events" / "unnamed.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    nouns: dict[str, str] = {}
    for role, words in data.items():
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise ModesError(f"unnamed.yaml: {role} must be a list of nouns")
        for word in words:
            if word in nouns:
                raise ModesError(f"unnamed.yaml: {word!r} is listed under {nouns[word]} and {role}")
            nouns[word.lower()] = role
    return nouns
