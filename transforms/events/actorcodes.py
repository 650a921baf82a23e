"""CAMEO actor codes taken apart: a code is 3-letter blocks, the first a country (ISO alpha-3) or an
organization block (IGO, NGO, IMG), the others role (type) codes or a known group ('UNO', 'HRW').

One split, shared by the events rows (their actor country/role/group columns) and the GDELT export.
"""

from __future__ import annotations

import dataclasses

from transforms.entities.lexicon import ORGANIZATION_BLOCKS

BLOCK_LENGTH = 3

# CAMEO actor type codes (GDELT's CAMEO.type lookup): the blocks of an actor code that are a role.
CAMEO_TYPE_CODES = frozenset({
    "COP", "GOV", "INS", "JUD", "MIL", "OPP", "REB", "SEP", "SPY", "UAF", "AGR", "BUS", "CRM", "CVL", "DEV",
    "EDU", "ELI", "ENV", "HLH", "HRI", "LAB", "LEG", "MED", "REF", "MOD", "RAD", "AMN", "IRC", "GRP", "UNO",
    "PKO", "UIS", "IGO", "IMG", "INT", "MNC", "NGM", "NGO", "SET",
})


@dataclasses.dataclass(frozen=True)
class ActorParts:
    """``country``: the country block ('' for an organization); ``group``: the known group or
    organization ('UNO', 'IMF', ''); ``types``: the type codes in order, an organization's own block
    (IGO, NGO, IMG) first, as GDELT's Type1Code..Type3Code list them."""

    country: str
    group: str
    types: tuple[str, ...]

    @property
    def role(self) -> str:
        """The first role of the actor itself ('GOV' of CHNGOV, 'BUS' of IGOBUSIMF); '' when none."""
        return next((block for block in self.types if block not in ORGANIZATION_BLOCKS), "")


def blocks(code: str) -> list[str]:
    """The 3-letter blocks of an actor code."""
    return [code[index:index + BLOCK_LENGTH] for index in range(0, len(code), BLOCK_LENGTH)]


def split_actor_code(code: str, country_token: str | None) -> ActorParts:
    """The parts of an actor code. ``country_token`` is the events row's source_country or target_country:
    a country code, or an organization's own token ('UNO' for IGOUNO), which names its group."""
    first, *rest = blocks(code)
    if first in ORGANIZATION_BLOCKS:
        others = [block for block in rest if block not in CAMEO_TYPE_CODES]
        group = country_token if country_token and country_token != first else (others[-1] if others else "")
        types = (first, *(block for block in rest if block in CAMEO_TYPE_CODES and block != group))
        return ActorParts(country="", group=group, types=types)
    group = next((block for block in rest if block not in CAMEO_TYPE_CODES), "")
    types = tuple(block for block in rest if block in CAMEO_TYPE_CODES)
    return ActorParts(country=first, group=group, types=types)
